"""Tests of deploy/airflow/dags/cxr_client.py.

Two classes:

* ``LocalServerTests`` need no application: a tiny http.server in this process answers with canned JSON, so the
  client's handling of FAILED runs, timeouts, 409 attach, HTTP errors, redirects and token secrecy is tested exactly.

* ``RunningAppTests`` talk to a real running cxr application whose URL and API token (of a data engineer) come from
  CXR_TEST_URL and CXR_TEST_TOKEN. A Java test starts the application and sets them. Unset, the class FAILS (it does
  not skip): a silently skipped integration test would look like a passing one.

    # everything (the application must be running):
    CXR_TEST_URL=http://localhost:8080 CXR_TEST_TOKEN=cxr_... /usr/bin/python3 -m unittest discover -s deploy/airflow/tests -v
    # only what needs no application:
    /usr/bin/python3 -m unittest discover -s deploy/airflow/tests -k LocalServer -k test_dags -v
"""

import http.server
import json
import logging
import os
import sys
import threading
import time
import unittest
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.normpath(os.path.join(HERE, "..", "dags")))

import cxr_client  # noqa: E402  (after the path is set)

TOKEN = "cxr_test-secret-0123456789abcdefghijklmnopqrstuvwxyz"


# ------------------------------------------------------------------------------------------------ a canned server
class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _serve(self):
        parsed = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.server.requests.append({
            "method": self.command, "path": parsed.path, "query": dict(urllib.parse.parse_qsl(parsed.query)),
            "authorization": self.headers.get("Authorization"),
        })
        answers = self.server.routes.get((self.command, parsed.path))
        if not answers:
            status, body, headers = 404, {"status": 404, "error": "not_found", "message": "No such path."}, {}
        else:
            answer = answers.pop(0) if len(answers) > 1 else answers[0]  # the last answer repeats
            status, body, headers = (answer + ({},))[:3] if len(answer) == 2 else answer
        data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json" if not isinstance(body, bytes) else "text/html")
        self.send_header("Content-Length", str(len(data)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    do_GET = _serve
    do_POST = _serve

    def log_message(self, *args):
        pass


class CannedServer:
    """routes: {(METHOD, path): [(status, body[, headers]), ...]}; answers are used in order, the last one repeats."""

    def __init__(self, routes):
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.routes = {key: list(value) for key, value in routes.items()}
        self.server.requests = []
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def requests(self):
        return self.server.requests

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        return False


def run(run_id, status, stage="warehouse", **extra):
    document = {"runId": run_id, "stage": stage, "trigger": "api", "status": status,
                "startedAt": "2030-03-01T10:00:00Z", "attempts": 1}
    if status != "RUNNING":
        document["finishedAt"] = "2030-03-01T10:00:05Z"
    document.update(extra)
    return document


class _LogCapture(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


# ------------------------------------------------------------------------------------------------ no application
class LocalServerTests(unittest.TestCase):

    def setUp(self):
        self.logs = _LogCapture()
        logging.getLogger("cxr_client").addHandler(self.logs)
        logging.getLogger("cxr_client").setLevel(logging.DEBUG)

    def tearDown(self):
        logging.getLogger("cxr_client").removeHandler(self.logs)
        for message in self.logs.messages:
            self.assertNotIn(TOKEN, message, "the token must never be logged")

    def assert_token_hidden(self, error):
        for text in (str(error), repr(error), repr(error.args), repr(vars(error))):
            self.assertNotIn(TOKEN, text)

    def test_a_failed_run_raises_run_failed_with_its_error(self):
        routes = {("GET", "/api/v1/pipelines/runs/5"): [
            (200, run(5, "RUNNING")),
            (200, run(5, "FAILED", attempts=3, error="object store unreachable: SdkClientException")),
        ]}
        with CannedServer(routes) as server:
            with self.assertRaises(cxr_client.RunFailed) as raised:
                cxr_client.wait_for_run(server.url, TOKEN, 5, poll_seconds=0.05, timeout_seconds=10)
        self.assertNotIsInstance(raised.exception, cxr_client.RunTimedOut)
        self.assertIn("object store unreachable: SdkClientException", str(raised.exception))
        self.assertIn("FAILED", str(raised.exception))
        self.assertEqual(raised.exception.run["status"], "FAILED")
        self.assertEqual([r["path"] for r in server.requests], ["/api/v1/pipelines/runs/5"] * 2)
        self.assert_token_hidden(raised.exception)

    def test_a_succeeded_run_is_returned(self):
        routes = {("GET", "/api/v1/pipelines/runs/6"): [
            (200, run(6, "RUNNING")), (200, run(6, "RUNNING")), (200, run(6, "SUCCEEDED", rowsRead=3, rowsWritten=3)),
        ]}
        with CannedServer(routes) as server:
            final = cxr_client.wait_for_run(server.url, TOKEN, 6, poll_seconds=0.01, timeout_seconds=10)
        self.assertEqual((final["runId"], final["status"], final["rowsWritten"]), (6, "SUCCEEDED", 3))
        self.assertEqual(len(server.requests), 3)

    def test_waiting_too_long_raises_run_timed_out(self):
        with CannedServer({("GET", "/api/v1/pipelines/runs/7"): [(200, run(7, "RUNNING"))]}) as server:
            started = time.monotonic()
            with self.assertRaises(cxr_client.RunTimedOut) as raised:
                cxr_client.wait_for_run(server.url, TOKEN, 7, poll_seconds=0.05, timeout_seconds=0.3)
        self.assertLess(time.monotonic() - started, 5)
        self.assertIsInstance(raised.exception, cxr_client.RunFailed)
        self.assertIn("still RUNNING", str(raised.exception))

    def test_starting_returns_the_new_run_and_sends_the_token_as_bearer(self):
        with CannedServer({("POST", "/api/v1/pipelines/backup/runs"): [(202, run(12, "RUNNING", stage="backup"))]}) as server:
            started = cxr_client.start_run(server.url + "/", TOKEN, "backup")
        self.assertEqual((started["runId"], started["stage"]), (12, "backup"))
        self.assertEqual(server.requests[0]["authorization"], "Bearer " + TOKEN)

    def test_a_busy_stage_attaches_to_the_running_run(self):
        busy = (409, {"status": 409, "error": "stage_busy", "message": "A backup run (41) is already in progress; wait for it to finish.", "runningRunId": 41,
                      "timestamp": "2030-03-01T10:00:01Z"})
        routes = {
            ("POST", "/api/v1/pipelines/backup/runs"): [busy],
            # RUNNING for each start's look-up, then SUCCEEDED for the wait.
            ("GET", "/api/v1/pipelines/runs/41"): [(200, run(41, "RUNNING", stage="backup")),
                                                  (200, run(41, "RUNNING", stage="backup")),
                                                  (200, run(41, "SUCCEEDED", stage="backup"))],
        }
        with CannedServer(routes) as server:
            attached = cxr_client.start_run(server.url, TOKEN, "backup")
            self.assertEqual((attached["runId"], attached["status"]), (41, "RUNNING"))
            final = cxr_client.run_stage(server.url, TOKEN, "backup", poll_seconds=0.01, timeout_seconds=10)
        self.assertEqual((final["runId"], final["status"]), (41, "SUCCEEDED"))
        self.assertEqual(sum(1 for r in server.requests if r["method"] == "POST"), 2, "no extra start while busy")

    def test_a_busy_stage_is_found_in_the_history_when_the_answer_names_no_run(self):
        history = {"items": [run(44, "FAILED", stage="backup", error="Not started: run 43 of this stage was in progress."),
                             run(43, "RUNNING", stage="backup"), run(40, "SUCCEEDED", stage="backup")]}
        routes = {
            ("POST", "/api/v1/pipelines/backup/runs"): [(409, {"status": 409, "error": "stage_busy", "message": "busy"})],
            ("GET", "/api/v1/pipelines/runs"): [(200, history)],
        }
        with CannedServer(routes) as server:
            attached = cxr_client.start_run(server.url, TOKEN, "backup")
        self.assertEqual(attached["runId"], 43)
        listing = [r for r in server.requests if r["path"] == "/api/v1/pipelines/runs"][0]
        self.assertEqual(listing["query"].get("stage"), "backup")

    def test_a_busy_stage_that_just_ended_is_started_again(self):
        routes = {
            ("POST", "/api/v1/pipelines/warehouse/runs"): [
                (409, {"status": 409, "error": "stage_busy", "message": "A warehouse run (50) is already in progress.", "runningRunId": 50}),
                (202, run(52, "RUNNING"))],
            ("GET", "/api/v1/pipelines/runs/50"): [(200, run(50, "SUCCEEDED"))],
            ("GET", "/api/v1/pipelines/runs"): [(200, {"items": [run(51, "FAILED"), run(50, "SUCCEEDED")]})],
        }
        with CannedServer(routes) as server:
            started = cxr_client.start_run(server.url, TOKEN, "warehouse")
        self.assertEqual(started["runId"], 52)

    def test_http_errors_carry_the_status_and_message_but_never_the_token(self):
        cases = [
            (401, {"status": 401, "error": "unauthorized", "message": "Sign in or send a valid API token."}),
            (403, {"status": 403, "error": "forbidden", "message": "This needs the data-engineer role."}),
            (400, {"status": 400, "error": "bad_request", "message": "No pipeline stage 'nope'."}),
        ]
        for status, body in cases:
            with self.subTest(status=status):
                with CannedServer({("POST", "/api/v1/pipelines/warehouse/runs"): [(status, body)]}) as server:
                    with self.assertRaises(cxr_client.CxrHttpError) as raised:
                        cxr_client.run_stage(server.url, TOKEN, "warehouse", poll_seconds=0.01, timeout_seconds=5)
                error = raised.exception
                self.assertEqual(error.status, status)
                self.assertIn(f"HTTP {status}", str(error))
                self.assertIn(body["message"], str(error))
                self.assertIn(body["error"], str(error))
                self.assert_token_hidden(error)

    def test_an_error_without_json_still_says_what_happened(self):
        page = b"<html><body><h1>502 Bad Gateway</h1> upstream down</body></html>"
        with CannedServer({("POST", "/api/v1/pipelines/datamart/runs"): [(502, page)]}) as server:
            with self.assertRaises(cxr_client.CxrHttpError) as raised:
                cxr_client.start_run(server.url, TOKEN, "datamart")
        self.assertEqual(raised.exception.status, 502)
        self.assertIn("upstream down", str(raised.exception))

    def test_redirects_are_not_followed_so_the_token_stays_here(self):
        with CannedServer({}) as target:
            routes = {("POST", "/api/v1/pipelines/backup/runs"): [(302, b"", {"Location": target.url + "/login"})]}
            with CannedServer(routes) as server:
                with self.assertRaises(cxr_client.CxrHttpError) as raised:
                    cxr_client.start_run(server.url, TOKEN, "backup")
            self.assertEqual(target.requests, [], "the redirect must not be followed with the token")
        self.assertEqual(raised.exception.status, 302)
        self.assertIn("/login", str(raised.exception))

    def test_polling_survives_a_few_transient_errors(self):
        unavailable = (503, {"status": 503, "error": "unavailable", "message": "starting"})
        routes = {("GET", "/api/v1/pipelines/runs/8"): [unavailable, unavailable, (200, run(8, "SUCCEEDED"))]}
        with CannedServer(routes) as server:
            final = cxr_client.wait_for_run(server.url, TOKEN, 8, poll_seconds=0.01, timeout_seconds=10)
        self.assertEqual(final["status"], "SUCCEEDED")

    def test_polling_gives_up_after_too_many_transient_errors(self):
        unavailable = (503, {"status": 503, "error": "unavailable", "message": "down for good"})
        with CannedServer({("GET", "/api/v1/pipelines/runs/9"): [unavailable]}) as server:
            with self.assertRaises(cxr_client.CxrHttpError) as raised:
                cxr_client.wait_for_run(server.url, TOKEN, 9, poll_seconds=0.01, timeout_seconds=10)
        self.assertEqual(raised.exception.status, 503)
        self.assertEqual(len(server.requests), cxr_client.MAX_CONSECUTIVE_POLL_ERRORS)

    def test_a_404_while_polling_is_not_retried(self):
        with CannedServer({}) as server:
            with self.assertRaises(cxr_client.CxrHttpError) as raised:
                cxr_client.wait_for_run(server.url, TOKEN, 404404, poll_seconds=0.01, timeout_seconds=10)
        self.assertEqual(raised.exception.status, 404)
        self.assertEqual(len(server.requests), 1)

    def test_an_unreachable_server_is_a_clear_error(self):
        with CannedServer({}) as server:
            url = server.url
        with self.assertRaises(cxr_client.CxrError) as raised:
            cxr_client.start_run(url, TOKEN, "backup", timeout=2)
        self.assertIn("cannot reach", str(raised.exception))
        self.assert_token_hidden(raised.exception)

    def test_missing_settings_are_named(self):
        with self.assertRaises(cxr_client.CxrError) as raised:
            cxr_client.start_run("http://127.0.0.1:9", "", "backup")
        self.assertIn("CXR_API_TOKEN", str(raised.exception))
        with self.assertRaises(cxr_client.CxrError) as raised:
            cxr_client.start_run(None, TOKEN, "backup")
        self.assertIn("CXR_URL", str(raised.exception))
        with self.assertRaises(cxr_client.CxrError):
            cxr_client.start_run("ftp://example.org", TOKEN, "backup")
        with self.assertRaises(cxr_client.CxrError) as raised:
            cxr_client.start_run(f"http://user:{TOKEN}@127.0.0.1:9", TOKEN, "backup")
        self.assert_token_hidden(raised.exception)

    def test_the_stage_is_quoted_into_the_path(self):
        with CannedServer({}) as server:
            with self.assertRaises(cxr_client.CxrHttpError):
                cxr_client.start_run(server.url, TOKEN, "../runs/1")
        self.assertEqual(server.requests[0]["path"], "/api/v1/pipelines/..%2Fruns%2F1/runs")


# ------------------------------------------------------------------------------------------------ the real application
def _instant(text):
    """An ISO-8601 UTC instant as the API writes it (up to nine fractional digits) → a comparable tuple."""
    seconds, _, fraction = text.rstrip("Z").partition(".")
    return seconds, fraction.ljust(9, "0")


class RunningAppTests(unittest.TestCase):
    """Against the application at CXR_TEST_URL with the data engineer's token CXR_TEST_TOKEN (set by the Java test)."""

    @classmethod
    def setUpClass(cls):
        cls.url = os.environ.get("CXR_TEST_URL", "").strip()
        cls.token = os.environ.get("CXR_TEST_TOKEN", "").strip()
        if not cls.url or not cls.token:
            raise AssertionError(
                "RunningAppTests need a running cxr application: set CXR_TEST_URL (e.g. http://localhost:8080) and "
                "CXR_TEST_TOKEN (an API token of a data engineer). To run only the tests that need no application: "
                "/usr/bin/python3 -m unittest discover -s deploy/airflow/tests -k LocalServer -k test_dags")

    def test_a_warehouse_run_succeeds(self):
        final = cxr_client.run_stage(self.url, self.token, "warehouse", poll_seconds=0.5, timeout_seconds=300)
        self.assertEqual(final["status"], "SUCCEEDED", final)
        self.assertEqual(final["stage"], "warehouse")
        self.assertIn("finishedAt", final)
        again = cxr_client.get_run(self.url, self.token, final["runId"])
        self.assertEqual(again["status"], "SUCCEEDED")
        listed = cxr_client.list_runs(self.url, self.token, stage="warehouse", limit=50)
        self.assertIn(final["runId"], [r["runId"] for r in listed])

    def test_two_starts_at_once_never_make_overlapping_runs(self):
        results, errors = [None, None], []
        barrier = threading.Barrier(2)

        def start(index):
            try:
                barrier.wait(timeout=10)
                results[index] = cxr_client.start_run(self.url, self.token, "warehouse")
            except Exception as error:  # reported below
                errors.append(error)

        threads = [threading.Thread(target=start, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        self.assertEqual(errors, [], "neither start may fail: a busy stage is attached to, not refused")
        finals = {}
        for result in results:
            self.assertEqual(result["stage"], "warehouse")
            finals[result["runId"]] = cxr_client.wait_for_run(self.url, self.token, result["runId"], poll_seconds=0.2, timeout_seconds=300)
            self.assertEqual(finals[result["runId"]]["status"], "SUCCEEDED", finals[result["runId"]])
        # Either the second start attached to the first run (one id), or the first had ended before the second began:
        # two runs of one stage never overlap.
        if len(finals) == 2:
            first, second = sorted(finals.values(), key=lambda run: _instant(run["startedAt"]))
            self.assertLessEqual(_instant(first["finishedAt"]), _instant(second["startedAt"]), finals)

    def test_a_bad_token_is_refused_with_401(self):
        bad = "cxr_" + "0" * 43
        with self.assertRaises(cxr_client.CxrHttpError) as raised:
            cxr_client.start_run(self.url, bad, "warehouse")
        self.assertEqual(raised.exception.status, 401, str(raised.exception))
        self.assertIn("401", str(raised.exception))
        self.assertNotIn(bad, str(raised.exception))
        self.assertNotIn(self.token, str(raised.exception))

    def test_an_unknown_stage_is_refused_with_400_or_404(self):
        with self.assertRaises(cxr_client.CxrHttpError) as raised:
            cxr_client.start_run(self.url, self.token, "no-such-stage")
        self.assertIn(raised.exception.status, (400, 404), str(raised.exception))
        self.assertRegex(str(raised.exception), r"HTTP (400|404)")

    def test_an_unknown_run_is_404(self):
        with self.assertRaises(cxr_client.CxrHttpError) as raised:
            cxr_client.get_run(self.url, self.token, 9_000_000_000)
        self.assertEqual(raised.exception.status, 404)


if __name__ == "__main__":
    unittest.main()
