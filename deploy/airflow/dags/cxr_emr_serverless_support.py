"""Shared by the cxr DAGs that run a stage as a Spark job on Amazon EMR Serverless (cxr_backup_emr_serverless,
cxr_warehouse_emr_serverless) with the Amazon provider's EmrServerlessStartJobOperator: what the job is, and where
the EMR Serverless application, role, jar and log folder come from.

The job: cxr-spark.jar (spark/target/cxr-spark.jar, uploaded to S3), class org.cxr.spark.SparkStages, one argument,
the stage. It exits 0 when the run SUCCEEDED, 1 when it FAILED or could not start (another run of the stage holds
the stage's lease), 2 on bad settings, so the EMR Serverless job run (and the task) fails with it. The job's own
settings (database, bucket, warehouse, secrets as EMR.secret@ references) are the EMR Serverless application's
runtime configuration (deploy/aws/emr-serverless-runtime-configuration.json), not Airflow's: no secret passes
through Airflow, its logs or its rendered templates.

Where the operator's settings come from, looked up when the task's templates are rendered (when it runs; never
while Airflow parses the DAG files, which must not touch the metadata database), first found wins:
  1. Airflow Variables cxr_emr_<name> (also settable as AIRFLOW_VAR_CXR_EMR_<NAME>);
  2. environment variables CXR_EMR_<NAME> of the workers.
  name                  what                                                          example
  application_id        the EMR Serverless application (SPARK, release emr-7.x)       00fabcdef1234567
  execution_role_arn    the job runtime role (deploy/aws/spark-job-policy.json)       arn:aws:iam::111122223333:role/cxr-spark-job
  jar                   where cxr-spark.jar is                                        s3://cxr-spark-artifacts/jars/cxr-spark-0.1.0.jar
  log_uri               where the job's driver and executor logs go                   s3://cxr-spark-artifacts/logs/
  spark_params          optional: more spark-submit parameters (executor sizes ...)   --conf spark.executor.memory=8g
The AWS credentials are the Airflow Connection aws_default's (on MWAA: the environment's execution role), which
needs emr-serverless:StartJobRun, GetJobRun, CancelJobRun, GetApplication, StartApplication and iam:PassRole on
the job runtime role.

Standard library only; imports Airflow only inside functions (through cxr_dag_support), so tests run it without
Airflow.
"""

import os
import re
import shlex

import cxr_dag_support

MAIN_CLASS = "org.cxr.spark.SparkStages"
# The stages EMR Serverless runs. The data mart is not one of them: the job writes it into a folder that the driver
# and every executor share (CXR_DATAMART_DIR), which EMR Serverless does not have (docs/deploy.md).
STAGES = ("backup", "warehouse")
AWS_CONN_ID = "aws_default"
OPTIONAL = {"spark_params": ""}
CHECKS = {
    "application_id": (re.compile(r"[0-9a-z]{10,64}"), "an EMR Serverless application id such as 00fabcdef1234567"),
    "execution_role_arn": (re.compile(r"arn:aws[a-z-]*:iam::[0-9]{12}:role/[\w+=,.@/-]+"), "an IAM role ARN"),
    "jar": (re.compile(r"s3://[a-z0-9.-]{3,63}/\S+\.jar"), "an s3:// location of cxr-spark.jar"),
    "log_uri": (re.compile(r"s3://[a-z0-9.-]{3,63}(/\S*)?"), "an s3:// folder"),
    "spark_params": (re.compile(r".*", re.DOTALL), "spark-submit parameters"),
}
# Set by the runtime configuration as secret references; never by a task's parameters, which EMR Serverless and
# Airflow both show.
_SECRET_SETTINGS = re.compile(r"CXR_(DATABASE_PASSWORD|S3_SECRET_KEY|S3_ACCESS_KEY|WAREHOUSE_URI)\b")


class CxrEmrSettingError(ValueError):
    """A setting of the EMR Serverless DAGs is missing or malformed; the message names where to set it."""


def setting(name):
    """The value of a setting (see the module's doc), checked; the optional ones default to ''."""
    if name not in CHECKS:
        raise CxrEmrSettingError(f"No EMR Serverless setting {name!r}; the settings are {', '.join(sorted(CHECKS))}.")
    variable, environment = "cxr_emr_" + name, "CXR_EMR_" + name.upper()
    value = cxr_dag_support.variable(variable)
    if value is None:
        value = (os.environ.get(environment) or "").strip() or None
    if value is None:
        if name in OPTIONAL:
            return OPTIONAL[name]
        raise CxrEmrSettingError(f"No {name}: set the Airflow Variable {variable} or the environment variable {environment} "
                                 f"({CHECKS[name][1]}).")
    pattern, what = CHECKS[name]
    if not pattern.fullmatch(value):
        raise CxrEmrSettingError(f"{variable} / {environment} is not {what}: {value[:100]!r}")
    return value


def spark_submit_parameters(extra=None):
    """The job driver's sparkSubmitParameters: the main class, then the optional spark_params.

    EMR Serverless splits the string at spaces, so a parameter cannot hold one; plain-text secrets are refused (the
    application's runtime configuration holds them as EMR.secret@ references)."""
    extra = setting("spark_params") if extra is None else extra
    try:
        tokens = shlex.split(extra)
    except ValueError as error:
        raise CxrEmrSettingError(f"cxr_emr_spark_params cannot be read: {error}") from None
    for token in tokens:
        if token == "--class":
            raise CxrEmrSettingError(f"cxr_emr_spark_params must not set --class; the job's class is {MAIN_CLASS}.")
        if any(c.isspace() for c in token):
            raise CxrEmrSettingError(f"cxr_emr_spark_params: {token!r} holds white space, which EMR Serverless splits at.")
        if _SECRET_SETTINGS.search(token) and "EMR.secret@" not in token:
            raise CxrEmrSettingError("cxr_emr_spark_params must not carry the database password, S3 keys or the "
                                     "warehouse URI: put them in the application's runtime configuration as EMR.secret@ "
                                     "references (deploy/aws/emr-serverless-runtime-configuration.json).")
    return " ".join(["--class", MAIN_CLASS] + tokens)


#: What the DAGs give Airflow as user_defined_macros: the task's templates call these when it runs.
MACROS = {
    "cxr_emr_setting": setting,
    "cxr_emr_spark_submit_parameters": spark_submit_parameters,
}


def job_driver(stage):
    """The jobDriver of StartJobRun, as templates the macros fill in when the task runs."""
    if stage not in STAGES:
        raise ValueError(f"EMR Serverless runs the stages {', '.join(STAGES)}, not {stage!r}")
    return {
        "sparkSubmit": {
            "entryPoint": "{{ cxr_emr_setting('jar') }}",
            "entryPointArguments": [stage],
            "sparkSubmitParameters": "{{ cxr_emr_spark_submit_parameters() }}",
        }
    }


def operator_arguments(stage, timeout):
    """The keyword arguments of EmrServerlessStartJobOperator for a run of the stage that may take up to timeout
    (a timedelta): EMR Serverless stops the job after it (executionTimeoutMinutes), the operator polls once a minute
    until then."""
    minutes = max(1, int(-(-timeout.total_seconds() // 60)))
    return {
        "task_id": f"run_{stage}_on_emr_serverless",
        "name": f"cxr-{stage}",
        "application_id": "{{ cxr_emr_setting('application_id') }}",
        "execution_role_arn": "{{ cxr_emr_setting('execution_role_arn') }}",
        "job_driver": job_driver(stage),
        "configuration_overrides": {
            "monitoringConfiguration": {"s3MonitoringConfiguration": {"logUri": "{{ cxr_emr_setting('log_uri') }}"}},
        },
        "config": {"executionTimeoutMinutes": minutes, "tags": {"cxr-stage": stage}},
        "aws_conn_id": AWS_CONN_ID,
        "wait_for_completion": True,
        "waiter_delay": 60,
        "waiter_max_attempts": minutes + 5,
    }
