"""A small client of the cxr pipeline API, for Airflow tasks and scripts.

Python 3 standard library only (no Airflow, no requests), so it is tested without Airflow and usable from cron:

    CXR_URL=https://cxr.example.org CXR_API_TOKEN=cxr_... python3 cxr_client.py warehouse

The API (app/src/main/resources/static/api/v1/openapi.yaml):
    POST /api/v1/pipelines/{stage}/runs   202 + the run; 409 "stage_busy" while a run of the stage is running
    GET  /api/v1/pipelines/runs/{id}      the run: status RUNNING, SUCCEEDED or FAILED
    GET  /api/v1/pipelines/runs           {"items": [...]}, newest first; ?stage=&limit=
Requests carry a personal API token (``Authorization: Bearer cxr_...``) of a user with the data-engineer role.

A second trigger while a run of the same stage is running does not start an overlapping run: the 409 answer makes
start_run() attach to the running run, so both callers wait for the same run. The token is never printed, logged or
put into an exception message.
"""

import json
import logging
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

__all__ = [
    "CxrError", "CxrHttpError", "RunFailed", "RunTimedOut",
    "start_run", "get_run", "list_runs", "wait_for_run", "run_stage", "ENDPOINTS",
]

log = logging.getLogger("cxr_client")

#: Every (method, path) this client calls; a test checks each is in the OpenAPI document.
START_RUN = ("POST", "/api/v1/pipelines/{stage}/runs")
GET_RUN = ("GET", "/api/v1/pipelines/runs/{id}")
LIST_RUNS = ("GET", "/api/v1/pipelines/runs")
ENDPOINTS = (START_RUN, GET_RUN, LIST_RUNS)

RUNNING, SUCCEEDED, FAILED = "RUNNING", "SUCCEEDED", "FAILED"
TERMINAL = (SUCCEEDED, FAILED)

DEFAULT_REQUEST_TIMEOUT = 30.0
# While waiting, this many failed polls in a row (network errors, 502/503/504 during a restart) are tolerated.
MAX_CONSECUTIVE_POLL_ERRORS = 5
_TRANSIENT_STATUSES = (502, 503, 504)


class CxrError(Exception):
    """Anything that went wrong talking to cxr."""


class CxrHttpError(CxrError):
    """The server answered with an error status; ``status`` is the HTTP status, ``error`` the API's error kind."""

    def __init__(self, method, path, status, error, message, details=None):
        self.method = method
        self.path = path
        self.status = status
        self.error = error
        self.server_message = message
        self.details = details or {}
        kind = f" {error}" if error else ""
        super().__init__(f"{method} {path} failed: HTTP {status}{kind}: {message}")


class RunFailed(CxrError):
    """The run ended FAILED (``run`` holds the server's record, ``run['error']`` why), or did not end in time."""

    def __init__(self, message, run=None):
        self.run = run
        super().__init__(message)


class RunTimedOut(RunFailed):
    """The run was still RUNNING when the wait ran out. The run itself goes on in the application."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are not followed: urllib would resend the Authorization header to wherever the redirect points."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _base(base_url):
    if not base_url or not isinstance(base_url, str):
        raise CxrError("No cxr URL: set the Airflow Variable cxr_url or the environment variable CXR_URL "
                       "(e.g. http://cxr:8080).")
    parsed = urllib.parse.urlsplit(base_url.strip())
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise CxrError(f"The cxr URL must start with http:// or https://, not {parsed.scheme or 'nothing'}://")
    if parsed.username or parsed.password:
        raise CxrError("The cxr URL must not carry credentials; the API token goes in cxr_api_token / CXR_API_TOKEN.")
    return base_url.strip().rstrip("/")


def _check_token(token):
    if not token or not isinstance(token, str) or not token.strip():
        raise CxrError("No API token: set the Airflow Variable cxr_api_token or the environment variable CXR_API_TOKEN "
                       "(create one on the cxr page, signed in as a data engineer).")
    if any(c in token for c in "\r\n"):
        raise CxrError("The API token contains a line break; copy it again.")
    return token.strip()


def _path(endpoint, **values):
    template = endpoint[1]
    for key, value in values.items():
        template = template.replace("{" + key + "}", urllib.parse.quote(str(value), safe=""))
    return template


def _error_details(body):
    """(error kind, message, the whole answer) from an error body: the API's problem JSON {status, error, message,
    and fields of the failure such as runningRunId}, or the start of the text."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body or "")
    try:
        document = json.loads(text)
    except ValueError:
        document = None
    if isinstance(document, dict):
        message = document.get("message") or document.get("detail") or document.get("title") or ""
        return document.get("error") or "", str(message) or text.strip()[:300], document
    cleaned = " ".join(text.split())
    return "", cleaned[:300] if cleaned else "(no response body)", {}


def _request(method, base_url, token, path, query=None, timeout=DEFAULT_REQUEST_TIMEOUT):
    """The JSON answer of one request; CxrHttpError for an error status, CxrError when the server is unreachable."""
    url = _base(base_url) + path
    if query:
        url += "?" + urllib.parse.urlencode(query)
    request = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    request.add_header("Authorization", "Bearer " + _check_token(token))
    request.add_header("Accept", "application/json")
    try:
        with _opener.open(request, timeout=timeout) as response:
            body = response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        try:
            body = error.read()
        except OSError:
            body = b""
        finally:
            error.close()
        if 300 <= error.code < 400:
            where = error.headers.get("Location", "?") if error.headers else "?"
            raise CxrHttpError(method, path, error.code, "redirect",
                               f"redirected to {where}; not followed (a sign-in redirect means the token was not "
                               f"accepted; otherwise use the final URL as cxr_url)") from None
        kind, message, details = _error_details(body)
        raise CxrHttpError(method, path, error.code, kind, message, details) from None
    except urllib.error.URLError as error:
        raise CxrError(f"{method} {path}: cannot reach {_base(base_url)}: {error.reason}") from None
    except (OSError, ValueError) as error:  # timeouts, resets, bad URLs
        raise CxrError(f"{method} {path}: cannot reach {_base(base_url)}: {error}") from None
    try:
        return json.loads(body.decode("utf-8")) if body else {}
    except ValueError:
        raise CxrError(f"{method} {path}: HTTP {status} but the answer is not JSON: "
                       f"{' '.join(body.decode('utf-8', 'replace').split())[:200]}") from None


def _run_dict(document, what):
    if not isinstance(document, dict) or "runId" not in document or "status" not in document:
        raise CxrError(f"{what}: unexpected answer (no runId/status): {str(document)[:200]}")
    return document


def get_run(base_url, token, run_id, timeout=DEFAULT_REQUEST_TIMEOUT):
    """One run, as the server reports it."""
    return _run_dict(_request("GET", base_url, token, _path(GET_RUN, id=int(run_id)), timeout=timeout), f"run {run_id}")


def list_runs(base_url, token, stage=None, limit=50, timeout=DEFAULT_REQUEST_TIMEOUT):
    """The run history, newest first (of one stage when given)."""
    query = {"limit": int(limit)}
    if stage:
        query["stage"] = stage
    document = _request("GET", base_url, token, _path(LIST_RUNS), query=query, timeout=timeout)
    items = document.get("items") if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise CxrError(f"run list: unexpected answer (no items): {str(document)[:200]}")
    return items


def start_run(base_url, token, stage, timeout=DEFAULT_REQUEST_TIMEOUT, attach_attempts=3):
    """Starts a run of the stage and returns it (status RUNNING, or already finished for a quick stage).

    When a run of the stage is already running (409 stage_busy), returns that run instead, so a second trigger
    attaches to it rather than overlapping. If the busy run ends before it can be found, starting is tried again.
    """
    if not isinstance(stage, str) or not stage:
        raise CxrError("No stage: use backup, warehouse or datamart.")
    busy = None
    for _ in range(max(1, attach_attempts)):
        try:
            run = _run_dict(_request("POST", base_url, token, _path(START_RUN, stage=stage), timeout=timeout),
                            f"start {stage}")
            log.info("cxr: started %s run %s", stage, run["runId"])
            return run
        except CxrHttpError as error:
            if error.status != 409:
                raise
            busy = error
        running = _running_run(base_url, token, stage, busy, timeout)
        if running is not None:
            log.info("cxr: a %s run is already running; attaching to run %s", stage, running["runId"])
            return running
        time.sleep(0.5)  # the busy run has just ended: start again
    raise busy


def _running_run(base_url, token, stage, busy, timeout):
    """The RUNNING run of the stage: the one the 409 answer names (runningRunId), else the newest
    RUNNING one in the history (refused starts are recorded too, as FAILED runs, so the history is searched)."""
    named = busy.details.get("runningRunId")
    if isinstance(named, int):
        try:
            run = get_run(base_url, token, named, timeout=timeout)
            if run.get("status") == RUNNING and run.get("stage", stage) == stage:
                return run
        except CxrHttpError as error:
            if error.status != 404:
                raise
    for run in list_runs(base_url, token, stage=stage, limit=100, timeout=timeout):
        if run.get("status") == RUNNING and run.get("stage", stage) == stage:
            return _run_dict(run, f"running {stage} run")
    return None


def wait_for_run(base_url, token, run_id, poll_seconds=10.0, timeout_seconds=3600.0,
                 request_timeout=DEFAULT_REQUEST_TIMEOUT):
    """Polls the run until it ends; returns it when SUCCEEDED.

    Raises RunFailed (with the run's error) when it ends FAILED, RunTimedOut (a RunFailed) when it is still running
    after timeout_seconds, CxrHttpError for an error answer (401, 403, 404, ...). Up to MAX_CONSECUTIVE_POLL_ERRORS
    polls in a row may fail on the network or with 502/503/504 (an application restart) before giving up.
    """
    poll_seconds = max(0.05, float(poll_seconds))
    deadline = time.monotonic() + float(timeout_seconds)
    errors = 0
    last = None
    while True:
        try:
            run = get_run(base_url, token, run_id, timeout=request_timeout)
            errors = 0
            last = run
        except CxrHttpError as error:
            if error.status not in _TRANSIENT_STATUSES:
                raise
            errors += 1
            if errors >= MAX_CONSECUTIVE_POLL_ERRORS:
                raise
            log.warning("cxr: polling run %s: %s (try %d of %d)", run_id, error, errors, MAX_CONSECUTIVE_POLL_ERRORS)
            run = None
        except CxrError as error:
            errors += 1
            if errors >= MAX_CONSECUTIVE_POLL_ERRORS:
                raise
            log.warning("cxr: polling run %s: %s (try %d of %d)", run_id, error, errors, MAX_CONSECUTIVE_POLL_ERRORS)
            run = None
        if run is not None:
            status = run.get("status")
            if status == SUCCEEDED:
                log.info("cxr: %s run %s succeeded: %s rows read, %s written", run.get("stage"), run_id,
                         run.get("rowsRead", "?"), run.get("rowsWritten", "?"))
                return run
            if status == FAILED:
                raise RunFailed(f"cxr {run.get('stage', 'pipeline')} run {run_id} FAILED after "
                                f"{run.get('attempts', '?')} attempt(s): {run.get('error') or 'no error recorded'}", run)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            status = last.get("status") if last else "unknown"
            raise RunTimedOut(f"cxr run {run_id} still {status} after {float(timeout_seconds):g} s; it goes on in "
                              f"the application (see GET /api/v1/pipelines/runs/{run_id})", last)
        time.sleep(min(poll_seconds, remaining))


def run_stage(base_url, token, stage, poll_seconds=10.0, timeout_seconds=3600.0,
              request_timeout=DEFAULT_REQUEST_TIMEOUT):
    """Starts (or attaches to) a run of the stage and waits for it; returns the SUCCEEDED run or raises."""
    run = start_run(base_url, token, stage, timeout=request_timeout)
    if run.get("status") == SUCCEEDED:
        return run
    if run.get("status") == FAILED:
        raise RunFailed(f"cxr {stage} run {run['runId']} FAILED: {run.get('error') or 'no error recorded'}", run)
    return wait_for_run(base_url, token, run["runId"], poll_seconds=poll_seconds, timeout_seconds=timeout_seconds,
                        request_timeout=request_timeout)


def main(argv=None):
    """python3 cxr_client.py STAGE [TIMEOUT_SECONDS], with CXR_URL and CXR_API_TOKEN in the environment."""
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: CXR_URL=... CXR_API_TOKEN=... python3 cxr_client.py backup|warehouse|datamart [timeout_seconds]")
        return 0 if argv else 2
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    timeout = float(argv[1]) if len(argv) > 1 else 3600.0
    try:
        run = run_stage(os.environ.get("CXR_URL"), os.environ.get("CXR_API_TOKEN"), argv[0], timeout_seconds=timeout)
    except CxrError as error:
        print(f"cxr_client: {error}", file=sys.stderr)
        return 1
    print(json.dumps(run, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
