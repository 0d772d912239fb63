"""deploy/aws/validate.py: the files as they are pass, and every check fails on a copy broken for it.

    /usr/bin/python3 -m unittest discover -s deploy/aws -p 'test_*.py' -v
"""

import contextlib
import io
import json
import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import validate  # noqa: E402  (after the path is set)


def read(name):
    document, error = validate.load_json(os.path.join(HERE, name))
    assert error is None, error
    return document


def statement(document, sid):
    return next(s for s in document["Statement"] if s.get("Sid") == sid)


class FilesAsTheyAre(unittest.TestCase):

    def test_the_folder_passes(self):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = validate.main()
        self.assertEqual(code, 0, err.getvalue())
        self.assertIn("spark-job-policy.json", out.getvalue())
        self.assertIn("emr-serverless-trust-policy.json", out.getvalue())

    def test_every_json_file_here_is_valid_json(self):
        names = [n for n in os.listdir(HERE) if n.endswith(".json")]
        self.assertGreaterEqual(len(names), 4)
        for name in names:
            with self.subTest(file=name), open(os.path.join(HERE, name), encoding="utf-8") as handle:
                json.load(handle)

    def test_the_setting_names_are_read_from_spark_settings(self):
        names = validate.spark_settings_variables()
        for name in ("CXR_DATABASE_URL", "CXR_DATABASE_PASSWORD", "CXR_S3_BUCKET", "CXR_WAREHOUSE_URI", "CXR_SPARK_PARTITIONS"):
            self.assertIn(name, names)

    def test_a_key_given_twice_is_refused(self):
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
            handle.write('{"Version": "2012-10-17", "Version": "2008-10-17", "Statement": []}')
        try:
            document, error = validate.load_json(handle.name)
        finally:
            os.unlink(handle.name)
        self.assertIsNone(document)
        self.assertIn("appears twice", error)

    def test_broken_json_is_refused(self):
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
            handle.write('{"Version": "2012-10-17",}')
        try:
            document, error = validate.load_json(handle.name)
        finally:
            os.unlink(handle.name)
        self.assertIsNone(document)
        self.assertIn("not valid JSON", error)


class PolicyGrammar(unittest.TestCase):

    def setUp(self):
        self.policy = read(validate.JOB_POLICY)
        self.trust = read(validate.TRUST_POLICY)

    def problems(self, document, label="x.json"):
        return validate.check_policy_document(label, document)

    def test_the_documents_pass(self):
        self.assertEqual(self.problems(self.policy), [])
        self.assertEqual(self.problems(self.trust), [])
        self.assertEqual(self.problems(read("iam-policy.json")), [])

    def assertProblem(self, document, fragment):
        problems = self.problems(document)
        self.assertTrue(any(fragment in p for p in problems), f"expected a problem with {fragment!r}, got {problems}")

    def test_version(self):
        self.policy["Version"] = "2008-10-17"
        self.assertProblem(self.policy, "Version")

    def test_whole_service_and_star_actions(self):
        statement(self.policy, "CxrLakeImagesRead")["Action"] = "s3:*"
        self.assertProblem(self.policy, "grants a whole service")
        statement(self.policy, "CxrLakeImagesRead")["Action"] = "GetObject"
        self.assertProblem(self.policy, "is not service:Action")

    def test_star_resource_and_non_arn(self):
        statement(self.policy, "CxrSecretsRead")["Resource"] = "*"
        self.assertProblem(self.policy, 'Resource "*"')
        statement(self.policy, "CxrSecretsRead")["Resource"] = "cxr/*"
        self.assertProblem(self.policy, "is not an arn:aws: ARN")
        del statement(self.policy, "CxrSecretsRead")["Resource"]
        self.assertProblem(self.policy, "needs a Resource")

    def test_sids(self):
        statement(self.policy, "CxrSecretsRead")["Sid"] = "CxrLakeImagesRead"
        self.assertProblem(self.policy, "used twice")
        statement(self.policy, "CxrLakeImagesRead")["Sid"] = "cxr-images"
        self.assertProblem(self.policy, "letters and digits")

    def test_effect_and_action_keys(self):
        statement(self.policy, "CxrLakeImagesRead")["Effect"] = "allow"
        self.assertProblem(self.policy, "Effect")
        statement(self.policy, "CxrLakeBucketList")["NotAction"] = "s3:GetObject"
        self.assertProblem(self.policy, "exactly one of Action and NotAction")

    def test_trust_policy_takes_no_resource(self):
        self.trust["Statement"][0]["Resource"] = "arn:aws:iam::111122223333:role/x"
        self.assertProblem(self.trust, "takes no Resource")

    def test_size_limit(self):
        padding = [{"Sid": f"Pad{i}", "Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::cxr-images/{'x' * 100}{i}"} for i in range(60)]
        self.policy["Statement"] += padding
        self.assertProblem(self.policy, "6144")


class JobPolicy(unittest.TestCase):

    def setUp(self):
        self.policy = read(validate.JOB_POLICY)

    def assertProblem(self, fragment):
        problems = validate.check_job_policy(self.policy)
        self.assertTrue(any(fragment in p for p in problems), f"expected a problem with {fragment!r}, got {problems}")

    def test_it_passes(self):
        self.assertEqual(validate.check_job_policy(self.policy), [])

    def test_without_backup_writes(self):
        self.policy["Statement"] = [s for s in self.policy["Statement"] if s["Sid"] != "CxrBackupPrefixReadWrite"]
        self.assertProblem("write the backup")

    def test_without_the_data_mart_bucket(self):
        self.policy["Statement"] = [s for s in self.policy["Statement"] if not s["Sid"].startswith("CxrDataMart")]
        self.assertProblem("write the data mart bucket")

    def test_without_logs_or_secrets_or_the_jar(self):
        for sid, fragment in (("CxrJobLogsToCloudWatch", "EMR Serverless logs"), ("CxrSecretsRead", "cxr/ secrets"),
                              ("CxrJobJarRead", "the job's jar"), ("CxrJobLogsToS3", "job logs to S3")):
            with self.subTest(sid=sid):
                self.setUp()
                self.policy["Statement"] = [s for s in self.policy["Statement"] if s["Sid"] != sid]
                self.assertProblem(fragment)

    def test_writing_images_is_refused(self):
        statement(self.policy, "CxrLakeImagesRead")["Action"] = ["s3:GetObject", "s3:PutObject"]
        self.assertProblem("never write images")

    def test_every_secret_is_refused(self):
        statement(self.policy, "CxrSecretsRead")["Resource"] = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:*"
        self.assertProblem("only the cxr/ secrets")

    def test_a_deny_wins(self):
        self.policy["Statement"].append({"Sid": "NoBackups", "Effect": "Deny", "Action": "s3:PutObject",
                                         "Resource": "arn:aws:s3:::cxr-images/backups/*"})
        self.assertProblem("write the backup")


class TrustPolicy(unittest.TestCase):

    def setUp(self):
        self.trust = read(validate.TRUST_POLICY)
        self.account, self.region = validate.account_and_region(read(validate.JOB_POLICY))

    def problems(self):
        return validate.check_trust_policy(self.trust, self.account, self.region)

    def test_it_passes(self):
        self.assertEqual((self.account, self.region), ("111122223333", "eu-west-1"))
        self.assertEqual(self.problems(), [])

    def test_another_service(self):
        self.trust["Statement"][0]["Principal"]["Service"] = ["emr-serverless.amazonaws.com", "ec2.amazonaws.com"]
        self.assertTrue(any("alone" in p for p in self.problems()))

    def test_another_account_or_no_condition(self):
        self.trust["Statement"][0]["Condition"]["StringEquals"]["aws:SourceAccount"] = "444455556666"
        self.assertTrue(any("SourceAccount" in p for p in self.problems()))
        del self.trust["Statement"][0]["Condition"]
        self.assertTrue(any("SourceArn" in p for p in self.problems()))

    def test_not_assume_role(self):
        self.trust["Statement"][0]["Action"] = "sts:AssumeRoleWithWebIdentity"
        self.assertTrue(any("sts:AssumeRole" in p for p in self.problems()))


class RuntimeConfiguration(unittest.TestCase):

    def setUp(self):
        self.configuration = read(validate.RUNTIME_CONFIGURATION)
        self.policy = read(validate.JOB_POLICY)
        self.variables = validate.spark_settings_variables()
        self.properties = self.configuration[0]["properties"]

    def problems(self):
        return validate.check_runtime_configuration(self.configuration, self.policy, self.variables)

    def assertProblem(self, fragment):
        problems = self.problems()
        self.assertTrue(any(fragment in p for p in problems), f"expected a problem with {fragment!r}, got {problems}")

    def test_it_passes(self):
        self.assertEqual(self.problems(), [])

    def test_a_plain_text_password(self):
        self.properties[validate.DRIVER_ENV + "CXR_DATABASE_PASSWORD"] = "hunter2hunter2"
        self.assertProblem("plain text")

    def test_a_plain_text_warehouse_uri(self):
        self.properties[validate.DRIVER_ENV + "CXR_WAREHOUSE_URI"] = "mongodb://cxr:pw@docdb:27017/?tls=true"
        self.assertProblem("CXR_WAREHOUSE_URI is written in plain text")

    def test_a_secret_the_role_cannot_read(self):
        self.properties[validate.DRIVER_ENV + "CXR_DATABASE_PASSWORD"] = "EMR.secret@prod/db"
        self.assertProblem("not one spark-job-policy.json lets the job read")

    def test_executor_environment(self):
        self.properties["spark.executorEnv.CXR_DATABASE_URL"] = "jdbc:postgresql://x/y"
        self.assertProblem("only the driver reads")

    def test_a_misspelt_variable(self):
        self.properties[validate.DRIVER_ENV + "CXR_DATABSE_URL"] = "jdbc:postgresql://x/y"
        self.assertProblem("reads no variable CXR_DATABSE_URL")

    def test_no_database(self):
        del self.properties[validate.DRIVER_ENV + "CXR_DATABASE_URL"]
        self.assertProblem("no CXR_DATABASE_URL")

    def test_bucket_region_and_endpoint(self):
        self.properties[validate.DRIVER_ENV + "CXR_S3_BUCKET"] = "other-bucket"
        self.assertProblem("CXR_S3_BUCKET")
        self.setUp()
        self.properties[validate.DRIVER_ENV + "CXR_S3_REGION"] = "us-east-1"
        self.assertProblem("CXR_S3_REGION")
        self.setUp()
        self.properties[validate.DRIVER_ENV + "CXR_S3_ENDPOINT"] = "https://s3.eu-west-1.amazonaws.com"
        self.assertProblem("CXR_S3_ENDPOINT")

    def test_redaction(self):
        self.properties["spark.redaction.regex"] = "(?i)secret|password|token|access[.]?key"
        self.assertProblem("does not hide spark.emr-serverless.driverEnv.CXR_WAREHOUSE_URI")
        del self.properties["spark.redaction.regex"]
        self.assertProblem("no spark.redaction.regex")
        self.properties["spark.redaction.regex"] = "(?i)secret|("
        self.assertProblem("does not compile")

    def test_relative_ca_file(self):
        self.properties[validate.DRIVER_ENV + "CXR_WAREHOUSE_CA_FILE"] = "global-bundle.pem"
        self.assertProblem("absolute path")

    def test_shape(self):
        self.assertTrue(validate.check_runtime_configuration({"classification": "spark-defaults"}, self.policy, self.variables))
        self.configuration[0]["classification"] = "spark-env"
        self.assertProblem("exactly one spark-defaults")


class GlueScript(unittest.TestCase):

    def setUp(self):
        with open(os.path.join(HERE, validate.GLUE_SCRIPT), encoding="utf-8") as handle:
            self.text = handle.read()

    def test_it_passes(self):
        self.assertEqual(validate.check_glue_script(self.text), [])

    def test_exiting_the_jvm_in_code(self):
        broken = self.text.replace("val exitCode = SparkStages.run(", "System.exit(SparkStages.run(")
        self.assertTrue(any("must not exit" in p for p in validate.check_glue_script(broken)))

    def test_another_package(self):
        broken = self.text.replace("package org.cxr.spark", "package org.cxr.glue")
        self.assertTrue(any("package-private" in p for p in validate.check_glue_script(broken)))

    def test_a_changed_run_signature_is_noticed(self):
        with tempfile.TemporaryDirectory() as folder:
            with open(os.path.join(validate.SPARK_SOURCES, "SparkStages.java"), encoding="utf-8") as handle:
                source = handle.read()
            with open(os.path.join(folder, "SparkStages.java"), "w", encoding="utf-8") as handle:
                handle.write(source.replace("static int run(String[] args, Map<String, String> environment)",
                                            "static int run(String[] args)"))
            problems = validate.check_glue_script(self.text, source_dir=folder)
        self.assertTrue(any("no static int run" in p for p in problems), problems)


if __name__ == "__main__":
    unittest.main()
