"""cxr backup on Spark: the relational lake to S3 as Parquet, weekly (Sunday 03:00 UTC), as a job on Amazon EMR Serverless.

The variant of cxr_backup for a lake too large for the application's single-machine backup: one task submits
cxr-spark.jar (class org.cxr.spark.SparkStages, argument "backup") to an EMR Serverless application with the Amazon
provider's EmrServerlessStartJobOperator and waits for the job run to end. The job writes the same files as the
application's backup, records its run in the lake's run history and runs under the stage's lease, so it never
overlaps a backup of the application; a job started while one runs fails (exit code 1).

Needs apache-airflow-providers-amazon. Settings (see cxr_emr_serverless_support.py): Airflow Variables
cxr_emr_application_id, cxr_emr_execution_role_arn, cxr_emr_jar, cxr_emr_log_uri and optionally cxr_emr_spark_params
(or environment variables CXR_EMR_APPLICATION_ID, ...), the Connection aws_default. Unpause this DAG or cxr_backup,
not both, and set CXR_BACKUP_CRON=- in the application. docs/deploy.md, "The stages on Spark", has the rest.
"""

from datetime import datetime, timedelta, timezone

try:
    from airflow.sdk import DAG  # Airflow 3
except ImportError:
    from airflow import DAG  # Airflow 2

try:
    from airflow.providers.amazon.aws.operators.emr import EmrServerlessStartJobOperator
except ImportError as error:
    raise ImportError("cxr_backup_emr_serverless needs the Amazon provider: pip install apache-airflow-providers-amazon "
                      "(or leave this file out of the DAGs folder if the stages do not run on EMR Serverless)") from error

import cxr_emr_serverless_support as emr

STAGE = "backup"
# How long the job may run: EMR Serverless stops it after this, and the task waits as long.
TIMEOUT = timedelta(hours=6)

with DAG(
    dag_id="cxr_backup_emr_serverless",
    description="cxr Stage 3 on Spark: database to S3 Parquet backup on EMR Serverless (weekly)",
    schedule="0 3 * * 0",
    start_date=datetime(2025, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    default_args={
        "owner": "cxr",
        # A failed job is retried once, later: a job refused because another backup held the lease then finds it free.
        "retries": 1,
        "retry_delay": timedelta(minutes=30),
    },
    user_defined_macros=emr.MACROS,
    tags=["cxr", "spark", "emr-serverless"],
    doc_md=__doc__,
) as dag:
    EmrServerlessStartJobOperator(
        **emr.operator_arguments(STAGE, TIMEOUT),
        execution_timeout=TIMEOUT + timedelta(minutes=15),
    )
