"""Shared by the cxr DAGs: where cxr is and which token to use, looked up when the task runs (never while Airflow
parses the DAG files, which must not touch the metadata database), then one call of cxr_client.run_stage.

Where the URL and token come from, first found wins:
  1. Airflow Variables ``cxr_url`` and ``cxr_api_token`` (also settable as AIRFLOW_VAR_CXR_URL / AIRFLOW_VAR_CXR_API_TOKEN);
  2. an Airflow Connection ``cxr`` (type HTTP: host, port and schema give the URL, the password is the token);
  3. environment variables CXR_URL and CXR_API_TOKEN (compose.yaml sets them for the airflow profile).
Works on Airflow 2.x and 3.x; imports Airflow only inside functions, so tests can run it without Airflow.
"""

import os

import cxr_client

CONNECTION_ID = "cxr"


def _variable(name):
    try:
        try:
            from airflow.sdk import Variable  # Airflow 3
        except ImportError:
            from airflow.models import Variable  # Airflow 2
        value = Variable.get(name, None)  # the second positional parameter is the default in both
    except Exception:  # no Airflow, no metadata database, no such variable: try the next source
        return None
    return value.strip() if isinstance(value, str) and value.strip() else None


def variable(name):
    """The Airflow Variable's value, stripped, or None when it is unset, empty or Airflow cannot be asked."""
    return _variable(name)


def _connection():
    """(url, token) of the Airflow Connection ``cxr``, or (None, None)."""
    try:
        try:
            from airflow.sdk import BaseHook  # Airflow 3
        except ImportError:
            from airflow.hooks.base import BaseHook  # Airflow 2
        connection = BaseHook.get_connection(CONNECTION_ID)
    except Exception:
        return None, None
    host = (getattr(connection, "host", None) or "").strip()
    url = None
    if host:
        if "://" in host:
            url = host
        else:
            scheme = (getattr(connection, "schema", None) or "http").strip() or "http"
            port = getattr(connection, "port", None)
            url = f"{scheme}://{host}" + (f":{port}" if port else "")
    token = getattr(connection, "password", None) or None
    return url, token


def settings():
    """(base_url, token) for cxr; cxr_client raises a clear error when one is missing (never printing the token)."""
    url = _variable("cxr_url")
    token = _variable("cxr_api_token")
    if not url or not token:
        connection_url, connection_token = _connection()
        url = url or connection_url
        token = token or connection_token
    url = url or os.environ.get("CXR_URL") or None
    token = token or os.environ.get("CXR_API_TOKEN") or None
    return url, token


def run_cxr_stage(stage, timeout_seconds, poll_seconds=15.0):
    """The task: start (or attach to) a run of the stage and wait for it; fails the task when the run fails."""
    base_url, token = settings()
    run = cxr_client.run_stage(base_url, token, stage, poll_seconds=poll_seconds, timeout_seconds=timeout_seconds)
    # What lands in XCom: the outcome and counts, small and free of secrets.
    return {key: run.get(key) for key in ("runId", "stage", "status", "startedAt", "finishedAt", "attempts",
                                          "rowsRead", "rowsWritten")}
