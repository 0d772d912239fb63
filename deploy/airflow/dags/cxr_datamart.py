"""cxr datamart: the COCO export to the data mart, manual only (trigger it in Airflow).

One task starts a datamart run in the cxr application (POST /api/v1/pipelines/datamart/runs) and waits for it to end.
The application does the work, retries transient faults itself and runs a stage at most once at a time across all its
replicas (a database lease); a trigger while a run is going attaches to it instead of starting another.

Settings (see cxr_dag_support.py): Airflow Variables cxr_url and cxr_api_token (or Connection "cxr", or environment
variables CXR_URL / CXR_API_TOKEN). When Airflow drives this stage, set CXR_DATAMART_CRON=- in the application so that
its own schedule does not run it as well.
"""

from datetime import datetime, timedelta, timezone

try:
    from airflow.sdk import DAG  # Airflow 3
except ImportError:
    from airflow import DAG  # Airflow 2

try:
    from airflow.providers.standard.operators.python import PythonOperator  # Airflow 3 (and 2.x with the provider)
except ImportError:
    from airflow.operators.python import PythonOperator  # Airflow 2

from cxr_dag_support import run_cxr_stage

STAGE = "datamart"
# How long the task waits for the run; the run itself goes on in the application if Airflow gives up.
TIMEOUT = timedelta(hours=6)

with DAG(
    dag_id="cxr_datamart",
    description="cxr Stage 5: warehouse and S3 to the COCO data mart (manual)",
    schedule=None,
    start_date=datetime(2025, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    default_args={
        "owner": "cxr",
        # The application already retries transient faults with backoff; a failed run is a real failure.
        "retries": 0,
        "retry_delay": timedelta(minutes=5),
    },
    tags=["cxr"],
    doc_md=__doc__,
) as dag:
    PythonOperator(
        task_id="run_datamart",
        python_callable=run_cxr_stage,
        op_kwargs={"stage": STAGE, "timeout_seconds": TIMEOUT.total_seconds()},
        execution_timeout=TIMEOUT + timedelta(minutes=5),
    )
