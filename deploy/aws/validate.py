#!/usr/bin/env python3
"""Offline checks of the AWS documents in this folder (no AWS account, no network): python3, standard library only.

    /usr/bin/python3 deploy/aws/validate.py
    /usr/bin/python3 -m unittest discover -s deploy/aws -p 'test_*.py'     (the checks tried on broken copies)

Checks:
  - every *.json file parses as JSON, with no key given twice (json.loads would keep the last one silently);
  - every IAM policy document: Version 2012-10-17, a non-empty Statement list, Effect Allow or Deny, unique
    alphanumeric Sids, actions written service:Action with no "*" and no "service:*", Resource on permission policies
    and Principal on trust policies (never both), ARNs that start with arn:aws:, and at most 6,144 characters without
    white space (IAM's limit for a managed policy);
  - spark-job-policy.json allows what the Spark jobs do and no more: list the lake bucket, read images, read and
    write the backup prefix, write the data mart bucket, read the job jar, write job logs (S3 and CloudWatch), read
    the cxr/ secrets; and it does not let the jobs write or delete images;
  - emr-serverless-trust-policy.json lets emr-serverless.amazonaws.com assume the role, only for applications of the
    account and region the job policy names;
  - emr-serverless-runtime-configuration.json: a spark-defaults classification whose driver environment names only
    variables that SparkSettings reads (spark/src/main/java/org/cxr/spark/SparkSettings.java), sets CXR_DATABASE_URL,
    gives every password, secret key and the warehouse URI (it carries the password) as an EMR.secret@ reference to a
    secret the job policy lets the job read, sets nothing for the executors (only the driver reads the environment;
    executors get their connections from it), names the bucket, region and account the policy does, and sets a
    spark.redaction.regex that hides those keys in the Spark UI and event logs;
  - glue/CxrGlueJob.scala calls what exists: SparkStages.run(String[], Map) and SparkSettings.Variable.
Prints one line per problem and exits 1, or prints a summary and exits 0.
"""

import fnmatch
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
SPARK_SOURCES = os.path.join(ROOT, "spark", "src", "main", "java", "org", "cxr", "spark")

JOB_POLICY = "spark-job-policy.json"
TRUST_POLICY = "emr-serverless-trust-policy.json"
RUNTIME_CONFIGURATION = "emr-serverless-runtime-configuration.json"
GLUE_SCRIPT = os.path.join("glue", "CxrGlueJob.scala")

MAX_MANAGED_POLICY_CHARACTERS = 6144
ACTION = re.compile(r"^[a-z0-9-]+:[A-Za-z0-9*]+$")
DRIVER_ENV = "spark.emr-serverless.driverEnv."
SECRET_REFERENCE = "EMR.secret@"
# Settings whose values must never be written into a job's configuration in plain text.
SECRET_VARIABLES = ("CXR_DATABASE_PASSWORD", "CXR_S3_SECRET_KEY", "CXR_S3_ACCESS_KEY", "CXR_WAREHOUSE_URI")


class DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise DuplicateKey(f"key {key!r} appears twice")
        seen[key] = value
    return seen


def load_json(path):
    """(document, None) or (None, why it is not valid JSON)."""
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle, object_pairs_hook=_no_duplicates), None
    except (ValueError, OSError) as error:
        return None, f"not valid JSON: {error}"


def as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def spark_settings_variables(source_dir=SPARK_SOURCES):
    """The environment variable names of SparkSettings.Variable, read from its source."""
    with open(os.path.join(source_dir, "SparkSettings.java"), encoding="utf-8") as handle:
        text = handle.read()
    block = re.search(r"enum Variable\s*\{(.*?);", text, re.DOTALL)
    return set(re.findall(r'[A-Z_]+\("([A-Z0-9_]+)"\)', block.group(1) if block else ""))


# ------------------------------------------------------------------------------------------------ IAM in general
def check_policy_document(label, document):
    """Problems of an IAM policy document (permission or trust policy)."""
    problems = []
    if not isinstance(document, dict):
        return [f"{label}: not a JSON object"]
    if document.get("Version") != "2012-10-17":
        problems.append(f"{label}: Version must be \"2012-10-17\" (policy variables and conditions need it), not {document.get('Version')!r}")
    statements = document.get("Statement")
    if not isinstance(statements, list) or not statements:
        return problems + [f"{label}: Statement must be a non-empty list"]
    compact = json.dumps(document, separators=(",", ":"))
    if len(re.sub(r"\s", "", compact)) > MAX_MANAGED_POLICY_CHARACTERS:
        problems.append(f"{label}: longer than IAM's {MAX_MANAGED_POLICY_CHARACTERS} characters for a managed policy")
    sids = set()
    trust = any(isinstance(s, dict) and "Principal" in s for s in statements)
    for index, statement in enumerate(statements):
        where = f"{label} statement {index} ({statement.get('Sid', 'no Sid') if isinstance(statement, dict) else '?'})"
        if not isinstance(statement, dict):
            problems.append(f"{where}: not an object")
            continue
        sid = statement.get("Sid")
        if sid is not None:
            if not re.fullmatch(r"[A-Za-z0-9]+", str(sid)):
                problems.append(f"{where}: a Sid may hold only letters and digits")
            if sid in sids:
                problems.append(f"{where}: Sid {sid} is used twice")
            sids.add(sid)
        if statement.get("Effect") not in ("Allow", "Deny"):
            problems.append(f"{where}: Effect must be Allow or Deny")
        if ("Action" in statement) == ("NotAction" in statement):
            problems.append(f"{where}: give exactly one of Action and NotAction")
        for action in as_list(statement.get("Action")) + as_list(statement.get("NotAction")):
            if not isinstance(action, str) or not ACTION.match(action):
                problems.append(f"{where}: {action!r} is not service:Action")
            elif action == "*" or action.endswith(":*"):
                problems.append(f"{where}: {action} grants a whole service; name the actions")
        if trust:
            if "Principal" not in statement:
                problems.append(f"{where}: a trust policy statement needs a Principal")
            if "Resource" in statement or "NotResource" in statement:
                problems.append(f"{where}: a trust policy statement takes no Resource")
        else:
            resources = as_list(statement.get("Resource"))
            if not resources:
                problems.append(f"{where}: a permission statement needs a Resource")
            for resource in resources:
                if resource == "*":
                    problems.append(f"{where}: Resource \"*\"; name the resources")
                elif not isinstance(resource, str) or not resource.startswith("arn:aws:"):
                    problems.append(f"{where}: {resource!r} is not an arn:aws: ARN")
    return problems


def allows(document, action, resource):
    """Whether some Allow statement (without conditions) grants the action on the resource, and no Deny refuses it.
    Wildcards as IAM reads them: * and ? in actions (case-insensitive) and resources."""
    def matches(statement):
        actions = as_list(statement.get("Action"))
        resources = as_list(statement.get("Resource"))
        action_ok = any(fnmatch.fnmatchcase(action.lower(), a.lower()) for a in actions)
        resource_ok = any(fnmatch.fnmatchcase(resource, r) for r in resources)
        return action_ok and resource_ok

    statements = [s for s in document.get("Statement", []) if isinstance(s, dict)]
    if any(s.get("Effect") == "Deny" and matches(s) for s in statements):
        return False
    return any(s.get("Effect") == "Allow" and "Condition" not in s and matches(s) for s in statements)


# ------------------------------------------------------------------------------------------------ the job policy
def account_and_region(policy):
    """(account, region) named by the regional ARNs of a permission policy, or (None, None)."""
    for statement in policy.get("Statement", []):
        for resource in as_list(statement.get("Resource")):
            parts = str(resource).split(":")
            if len(parts) > 5 and parts[3] and parts[4]:
                return parts[4], parts[3]
    return None, None


def lake_bucket(policy):
    """The bucket whose backups/ prefix the policy lets the job write: the lake's bucket."""
    for statement in policy.get("Statement", []):
        for resource in as_list(statement.get("Resource")):
            match = re.fullmatch(r"arn:aws:s3:::([^/]+)/backups/\*", str(resource))
            if match:
                return match.group(1)
    return None


def check_job_policy(policy, bucket="cxr-images", datamart_bucket="cxr-datamart", artifacts_bucket="cxr-spark-artifacts"):
    problems = []
    account, region = account_and_region(policy)
    if not account:
        return [f"{JOB_POLICY}: no regional ARN names the account and region (Secrets Manager, CloudWatch Logs)"]
    secret = f"arn:aws:secretsmanager:{region}:{account}:secret:cxr/database-password-AbCdEf"
    needed = [
        ("s3:ListBucket", f"arn:aws:s3:::{bucket}", "list the lake bucket (backup manifests, S3A)"),
        ("s3:GetObject", f"arn:aws:s3:::{bucket}/images/ab/abcdef.png", "read the images (data mart)"),
        ("s3:GetObject", f"arn:aws:s3:::{bucket}/backups/manifests/run-1.json", "read the backup"),
        ("s3:PutObject", f"arn:aws:s3:::{bucket}/backups/inferences/date=2025-01-01/part-0.parquet", "write the backup"),
        ("s3:DeleteObject", f"arn:aws:s3:::{bucket}/backups/plans/run-1.json", "delete a backup run's plan"),
        ("s3:ListBucket", f"arn:aws:s3:::{datamart_bucket}", "list the data mart bucket"),
        ("s3:PutObject", f"arn:aws:s3:::{datamart_bucket}/annotations/train.json", "write the data mart bucket"),
        ("s3:GetObject", f"arn:aws:s3:::{artifacts_bucket}/jars/cxr-spark.jar", "read the job's jar"),
        ("s3:PutObject", f"arn:aws:s3:::{artifacts_bucket}/logs/applications/x/jobs/y/SPARK_DRIVER/stdout.gz", "write job logs to S3"),
        ("logs:PutLogEvents", f"arn:aws:logs:{region}:{account}:log-group:/aws/emr-serverless:log-stream:x", "write EMR Serverless logs"),
        ("logs:PutLogEvents", f"arn:aws:logs:{region}:{account}:log-group:/aws-glue/jobs/output:log-stream:x", "write Glue logs"),
        ("secretsmanager:GetSecretValue", secret, "read the cxr/ secrets"),
    ]
    for action, resource, why in needed:
        if not allows(policy, action, resource):
            problems.append(f"{JOB_POLICY}: does not allow {action} on {resource} ({why})")
    refused = [
        ("s3:PutObject", f"arn:aws:s3:::{bucket}/images/ab/abcdef.png", "the jobs never write images"),
        ("s3:DeleteObject", f"arn:aws:s3:::{bucket}/images/ab/abcdef.png", "the jobs never delete images"),
        ("s3:DeleteBucket", f"arn:aws:s3:::{bucket}", "no bucket administration"),
        ("secretsmanager:GetSecretValue", f"arn:aws:secretsmanager:{region}:{account}:secret:other/thing-AbCdEf", "only the cxr/ secrets"),
        ("s3:PutObject", f"arn:aws:s3:::{artifacts_bucket}/jars/cxr-spark.jar", "a job must not replace its own jar"),
    ]
    for action, resource, why in refused:
        if allows(policy, action, resource):
            problems.append(f"{JOB_POLICY}: allows {action} on {resource}, which it should not ({why})")
    return problems


def check_trust_policy(trust, account, region):
    problems = []
    statements = [s for s in trust.get("Statement", []) if isinstance(s, dict)]
    services = {service for s in statements if s.get("Effect") == "Allow"
                for service in as_list((s.get("Principal") or {}).get("Service"))}
    if services != {"emr-serverless.amazonaws.com"}:
        problems.append(f"{TRUST_POLICY}: the principal must be the service emr-serverless.amazonaws.com alone, not {sorted(services)}")
    for statement in statements:
        if "sts:AssumeRole" not in as_list(statement.get("Action")):
            problems.append(f"{TRUST_POLICY}: {statement.get('Sid')}: the action must be sts:AssumeRole")
        condition = statement.get("Condition") or {}
        source_account = (condition.get("StringEquals") or {}).get("aws:SourceAccount")
        source_arn = (condition.get("ArnLike") or condition.get("ArnEquals") or {}).get("aws:SourceArn")
        if source_account != account:
            problems.append(f"{TRUST_POLICY}: aws:SourceAccount must be the job policy's account {account}, not {source_account!r} (confused deputy)")
        if not isinstance(source_arn, str) or not source_arn.startswith(f"arn:aws:emr-serverless:{region}:{account}:/applications/"):
            problems.append(f"{TRUST_POLICY}: aws:SourceArn must name EMR Serverless applications of {region}/{account}, not {source_arn!r}")
    return problems


# ------------------------------------------------------------------------------------------------ runtime configuration
def check_runtime_configuration(configuration, policy, variables):
    problems = []
    label = RUNTIME_CONFIGURATION
    if not isinstance(configuration, list) or not configuration:
        return [f"{label}: must be a non-empty list of configurations (what create-application --runtime-configuration takes)"]
    defaults = [c for c in configuration if isinstance(c, dict) and c.get("classification") == "spark-defaults"]
    if len(defaults) != 1:
        return [f"{label}: needs exactly one spark-defaults classification"]
    properties = defaults[0].get("properties")
    if not isinstance(properties, dict) or not all(isinstance(v, str) for v in properties.values()):
        return [f"{label}: spark-defaults properties must be an object of strings"]
    account, region = account_and_region(policy)
    environment = {}
    for key, value in properties.items():
        if key.startswith(DRIVER_ENV):
            environment[key[len(DRIVER_ENV):]] = value
        elif key.startswith("spark.executorEnv.CXR_"):
            problems.append(f"{label}: {key}: only the driver reads the CXR_ settings; executors get their connections "
                            f"from it, so the executor environment would only spread the values")
    for name in environment:
        if name.startswith("CXR_") and name not in variables:
            problems.append(f"{label}: {DRIVER_ENV}{name}: SparkSettings reads no variable {name} (a typo?)")
    if "CXR_DATABASE_URL" not in environment:
        problems.append(f"{label}: no CXR_DATABASE_URL; a Spark job has no embedded database")
    secret_names = []
    for name in SECRET_VARIABLES:
        value = environment.get(name)
        if value is None:
            continue
        if not value.startswith(SECRET_REFERENCE) or len(value) == len(SECRET_REFERENCE):
            problems.append(f"{label}: {name} is written in plain text; give it as {SECRET_REFERENCE}<secret name>")
        else:
            secret_names.append(value[len(SECRET_REFERENCE):])
    for name, value in environment.items():
        if name not in SECRET_VARIABLES and value.startswith(SECRET_REFERENCE):
            secret_names.append(value[len(SECRET_REFERENCE):])
    for secret in secret_names:
        arn = f"arn:aws:secretsmanager:{region}:{account}:secret:{secret}-AbCdEf"
        if not allows(policy, "secretsmanager:GetSecretValue", arn):
            problems.append(f"{label}: the secret {secret} is not one {JOB_POLICY} lets the job read ({arn})")
    bucket = environment.get("CXR_S3_BUCKET")
    if bucket != lake_bucket(policy):
        problems.append(f"{label}: CXR_S3_BUCKET {bucket!r} is not the bucket whose backups/ {JOB_POLICY} lets the job write ({lake_bucket(policy)!r})")
    if environment.get("CXR_S3_REGION") != region:
        problems.append(f"{label}: CXR_S3_REGION {environment.get('CXR_S3_REGION')!r} is not the region of {JOB_POLICY} ({region})")
    if "CXR_S3_ENDPOINT" in environment:
        problems.append(f"{label}: CXR_S3_ENDPOINT is for S3-compatible servers; on AWS the job reaches S3 by region with its role")
    ca_file = environment.get("CXR_WAREHOUSE_CA_FILE")
    if ca_file is not None and not ca_file.startswith("/"):
        problems.append(f"{label}: CXR_WAREHOUSE_CA_FILE must be an absolute path, the same on the driver and every executor (a custom image)")
    redaction = properties.get("spark.redaction.regex")
    if redaction is None:
        problems.append(f"{label}: no spark.redaction.regex; the Spark UI and event logs would show CXR_WAREHOUSE_URI with its password")
    else:
        try:
            pattern = re.compile(redaction)
        except re.error as error:
            problems.append(f"{label}: spark.redaction.regex does not compile: {error}")
        else:
            for name in SECRET_VARIABLES:
                key = DRIVER_ENV + name
                if key in properties and not pattern.search(key):
                    problems.append(f"{label}: spark.redaction.regex does not hide {key}")
    return problems


# ------------------------------------------------------------------------------------------------ Glue script
def check_glue_script(text, source_dir=SPARK_SOURCES):
    problems = []
    label = GLUE_SCRIPT
    with open(os.path.join(source_dir, "SparkStages.java"), encoding="utf-8") as handle:
        stages = handle.read()
    if not re.search(r"static int run\(String\[\] args, Map<String, String> \w+\)", stages):
        problems.append(f"{label}: SparkStages has no static int run(String[], Map<String, String>) any more; the script calls it")
    if not re.search(r"^package org\.cxr\.spark\s*$", text, re.MULTILINE):
        problems.append(f"{label}: must be in package org.cxr.spark (SparkStages.run is package-private)")
    code = re.sub(r"//[^\n]*|/\*.*?\*/", "", text, flags=re.DOTALL)
    if "SparkStages.run(" not in code:
        problems.append(f"{label}: does not call SparkStages.run")
    if "System.exit" in code or "sys.exit" in code:
        problems.append(f"{label}: must not exit the JVM; Glue ends the job when the script returns")
    if "SparkSettings.Variable" not in code:
        problems.append(f"{label}: should take the setting names from SparkSettings.Variable, not a copy")
    if not re.search(r"object CxrGlueJob\b", code):
        problems.append(f"{label}: the --class given in docs/deploy.md is org.cxr.spark.CxrGlueJob")
    return problems


# ------------------------------------------------------------------------------------------------ main
def main():
    problems = []
    documents = {}
    for name in sorted(os.listdir(HERE)):
        if name.endswith(".json"):
            document, error = load_json(os.path.join(HERE, name))
            if error:
                problems.append(f"{name}: {error}")
            else:
                documents[name] = document
    for name, document in documents.items():
        if isinstance(document, dict) and "Statement" in document:
            problems += check_policy_document(name, document)
    missing = [n for n in (JOB_POLICY, TRUST_POLICY, RUNTIME_CONFIGURATION) if n not in documents]
    problems += [f"{n}: missing or unreadable" for n in missing]
    if not missing:
        policy = documents[JOB_POLICY]
        account, region = account_and_region(policy)
        problems += check_job_policy(policy)
        problems += check_trust_policy(documents[TRUST_POLICY], account, region)
        problems += check_runtime_configuration(documents[RUNTIME_CONFIGURATION], policy, spark_settings_variables())
    with open(os.path.join(HERE, GLUE_SCRIPT), encoding="utf-8") as handle:
        problems += check_glue_script(handle.read())
    if problems:
        for message in problems:
            print(f"validate: FAIL: {message}", file=sys.stderr)
        print(f"validate: {len(problems)} problem(s) in deploy/aws", file=sys.stderr)
        return 1
    print(f"validate: OK ({len(documents)} JSON documents: {', '.join(documents)}; {GLUE_SCRIPT})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
