"""The cxr DAG files, checked without Airflow.

    /usr/bin/python3 -m unittest discover -s deploy/airflow/tests -p 'test_dags.py' -v

Each DAG file is compiled, then imported against a minimal fake ``airflow`` package written to a temporary folder and
put first on sys.path: once laid out like Airflow 2 (airflow.DAG, airflow.operators.python) and once like Airflow 3
(airflow.sdk.DAG, airflow.providers.standard.operators.python). The fakes record what the DAG files pass, so the
test checks the dag_id, the schedule, max_active_runs, catchup, retries, and that the task's callable calls
cxr_client.run_stage with the DAG's stage. The fake DAG accepts no ``schedule_interval`` (removed in Airflow 3).
A last test checks that every (method, path) cxr_client calls is in the application's OpenAPI document.
"""

import importlib
import os
import py_compile
import re
import shutil
import sys
import tempfile
import textwrap
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
DAGS = os.path.normpath(os.path.join(HERE, "..", "dags"))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
OPENAPI = os.path.join(ROOT, "app", "src", "main", "resources", "static", "api", "v1", "openapi.yaml")

EXPECTED = {
    "cxr_backup": {"stage": "backup", "schedule": "weekly"},
    "cxr_warehouse": {"stage": "warehouse", "schedule": "hourly"},
    "cxr_datamart": {"stage": "datamart", "schedule": None},
}

# The fake Airflow: the DAG context manager and PythonOperator record their arguments in airflow_fake_registry.
REGISTRY = '''
DAGS = []
VARIABLES = {}
CONNECTIONS = {}
'''

DAG_CLASS = '''
import airflow_fake_registry as _registry


class DAG:
    _current = None

    def __init__(self, dag_id, *, description=None, schedule=None, start_date=None, catchup=None,
                 max_active_runs=None, default_args=None, tags=None, doc_md=None, max_active_tasks=None,
                 dagrun_timeout=None, is_paused_upon_creation=None):
        self.dag_id = dag_id
        self.description = description
        self.schedule = schedule
        self.start_date = start_date
        self.catchup = catchup
        self.max_active_runs = max_active_runs
        self.default_args = default_args or {}
        self.tags = tags
        self.doc_md = doc_md
        self.tasks = []
        _registry.DAGS.append(self)

    def __enter__(self):
        DAG._current = self
        return self

    def __exit__(self, *exc):
        DAG._current = None
        return False
'''

OPERATOR_CLASS = '''
from {dag_module} import DAG


class PythonOperator:
    def __init__(self, *, task_id, python_callable, op_args=None, op_kwargs=None, retries=None,
                 execution_timeout=None, dag=None, **other):
        self.task_id = task_id
        self.python_callable = python_callable
        self.op_args = list(op_args or [])
        self.op_kwargs = dict(op_kwargs or {{}})
        self.retries = retries
        self.execution_timeout = execution_timeout
        self.other = other
        owner = dag or DAG._current
        if owner is None:
            raise RuntimeError("PythonOperator created outside a DAG")
        owner.tasks.append(self)
'''

VARIABLE_CLASS = '''
import airflow_fake_registry as _registry


class Variable:
    @staticmethod
    def get(key, default=None, *args, **kwargs):
        return _registry.VARIABLES.get(key, default)


class BaseHook:
    @staticmethod
    def get_connection(conn_id):
        if conn_id not in _registry.CONNECTIONS:
            raise KeyError(f"The conn_id `{conn_id}` isn't defined")
        return _registry.CONNECTIONS[conn_id]
'''

LAYOUTS = {
    "airflow2": {
        "airflow_fake_registry.py": REGISTRY,
        "airflow/__init__.py": DAG_CLASS,
        "airflow/models/__init__.py": "from airflow_fake_models import Variable\n",
        "airflow_fake_models.py": VARIABLE_CLASS,
        "airflow/operators/__init__.py": "",
        "airflow/operators/python.py": OPERATOR_CLASS.format(dag_module="airflow"),
        "airflow/hooks/__init__.py": "",
        "airflow/hooks/base.py": "from airflow_fake_models import BaseHook\n",
    },
    "airflow3": {
        "airflow_fake_registry.py": REGISTRY,
        "airflow/__init__.py": "",
        "airflow/sdk/__init__.py": DAG_CLASS + "\nfrom airflow_fake_models import Variable, BaseHook\n",
        "airflow_fake_models.py": VARIABLE_CLASS,
        "airflow/providers/__init__.py": "",
        "airflow/providers/standard/__init__.py": "",
        "airflow/providers/standard/operators/__init__.py": "",
        "airflow/providers/standard/operators/python.py": OPERATOR_CLASS.format(dag_module="airflow.sdk"),
    },
}


def dag_files():
    return sorted(f for f in os.listdir(DAGS) if f.startswith("cxr_") and f.endswith(".py")
                  and f not in ("cxr_client.py", "cxr_dag_support.py"))


def schedule_kind(schedule):
    """'weekly', 'hourly', None, or the schedule itself when it is neither."""
    if schedule is None:
        return None
    if schedule in ("@weekly", "@hourly"):
        return schedule[1:]
    fields = str(schedule).split()
    if len(fields) == 5:
        minute, hour, day, month, weekday = fields
        if minute.isdigit() and hour == "*" and day == "*" and month == "*" and weekday == "*":
            return "hourly"
        if minute.isdigit() and hour.isdigit() and day == "*" and month == "*" and re.fullmatch(r"[0-7]|SUN|MON|TUE|WED|THU|FRI|SAT", weekday, re.I):
            return "weekly"
    return schedule


class FakeAirflow:
    """Writes one fake layout, puts it first on sys.path, and takes everything out again afterwards."""

    MODULE_PREFIXES = ("airflow", "airflow_fake_registry", "airflow_fake_models", "cxr_")

    def __init__(self, layout):
        self.layout = layout
        self.folder = None

    def _forget_modules(self):
        for name in list(sys.modules):
            if name.startswith(self.MODULE_PREFIXES):
                del sys.modules[name]

    def __enter__(self):
        self.folder = tempfile.mkdtemp(prefix=f"fake-{self.layout}-")
        for path, text in LAYOUTS[self.layout].items():
            target = os.path.join(self.folder, path)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "w", encoding="utf-8") as handle:
                handle.write(textwrap.dedent(text))
        self._forget_modules()
        sys.path[:0] = [self.folder, DAGS]
        importlib.invalidate_caches()
        self.registry = importlib.import_module("airflow_fake_registry")
        return self

    def __exit__(self, *exc):
        for entry in (self.folder, DAGS):
            while entry in sys.path:
                sys.path.remove(entry)
        self._forget_modules()
        shutil.rmtree(self.folder, ignore_errors=True)
        return False


class DagFileTests(unittest.TestCase):

    def test_there_is_one_dag_file_per_stage(self):
        self.assertEqual(sorted(f[:-3] for f in dag_files()), sorted(EXPECTED))

    def test_every_python_file_compiles(self):
        with tempfile.TemporaryDirectory(prefix="cxr-compile-check-") as compiled:
            for folder in (DAGS, HERE):
                for name in sorted(os.listdir(folder)):
                    if name.endswith(".py"):
                        with self.subTest(file=name):
                            py_compile.compile(os.path.join(folder, name), doraise=True, cfile=os.path.join(compiled, name + "c"))

    def test_the_client_imports_nothing_from_airflow(self):
        with open(os.path.join(DAGS, "cxr_client.py"), encoding="utf-8") as handle:
            source = handle.read()
        imports = re.findall(r"^\s*(?:import|from)\s+([A-Za-z_][\w.]*)", source, re.MULTILINE)
        allowed = {"json", "logging", "os", "re", "sys", "time", "urllib.error", "urllib.parse", "urllib.request"}
        self.assertEqual(sorted(set(imports) - allowed), [], "cxr_client.py must use the standard library only")

    def test_dag_files_use_schedule_not_schedule_interval(self):
        for name in dag_files():
            with open(os.path.join(DAGS, name), encoding="utf-8") as handle:
                self.assertFalse("schedule_interval" in handle.read(), f"{name}: use schedule=, not schedule_interval=")

    def test_dags_under_airflow_2_and_3_layouts(self):
        for layout in LAYOUTS:
            for name in dag_files():
                with self.subTest(layout=layout, file=name), FakeAirflow(layout) as fake:
                    self.check_dag(fake, name[:-3])

    def check_dag(self, fake, module_name):
        calls = []
        module = importlib.import_module(module_name)
        dags = [d for d in fake.registry.DAGS if d.dag_id == module_name]
        self.assertEqual(len(dags), 1, f"{module_name}.py should define exactly one DAG with dag_id {module_name}")
        dag = dags[0]
        expected = EXPECTED[module_name]
        self.assertEqual(schedule_kind(dag.schedule), expected["schedule"], f"schedule of {module_name}: {dag.schedule!r}")
        self.assertEqual(dag.max_active_runs, 1)
        self.assertIs(dag.catchup, False)
        self.assertIsNotNone(dag.start_date)
        self.assertIsNotNone(dag.start_date.tzinfo, "start_date should be timezone-aware")
        self.assertEqual(len(dag.tasks), 1, "one task per DAG")
        task = dag.tasks[0]
        retries = task.retries if task.retries is not None else dag.default_args.get("retries", 0)
        self.assertLessEqual(retries, 2, "the application retries transient faults itself; keep Airflow's retries small")
        self.assertIsNotNone(task.execution_timeout)

        # Run the task's callable with cxr_client.run_stage replaced: it must ask for this DAG's stage.
        client = sys.modules["cxr_client"]

        def fake_run_stage(base_url, token, stage, **kwargs):
            calls.append({"base_url": base_url, "token": token, "stage": stage, **kwargs})
            return {"runId": 7, "stage": stage, "status": "SUCCEEDED", "attempts": 1}

        original = client.run_stage
        saved = {k: os.environ.get(k) for k in ("CXR_URL", "CXR_API_TOKEN")}
        client.run_stage = fake_run_stage
        try:
            os.environ["CXR_URL"] = "http://cxr.invalid:8080"
            os.environ["CXR_API_TOKEN"] = "cxr_from_environment"
            result = task.python_callable(*task.op_args, **task.op_kwargs)
            self.assertEqual(len(calls), 1, "the callable should call cxr_client.run_stage once")
            self.assertEqual(calls[0]["stage"], expected["stage"])
            self.assertEqual(calls[0]["base_url"], "http://cxr.invalid:8080")
            self.assertEqual(calls[0]["token"], "cxr_from_environment")
            self.assertGreater(calls[0].get("timeout_seconds", 0), 0)
            self.assertEqual(result["status"], "SUCCEEDED")
            self.assertNotIn("cxr_from_environment", repr(result), "the token must not land in XCom")

            # Airflow Variables win over the environment.
            fake.registry.VARIABLES.update({"cxr_url": "https://cxr.example.org", "cxr_api_token": "cxr_from_variable"})
            task.python_callable(*task.op_args, **task.op_kwargs)
            self.assertEqual((calls[1]["base_url"], calls[1]["token"]), ("https://cxr.example.org", "cxr_from_variable"))

            # A Connection "cxr" is used when the Variables are absent.
            fake.registry.VARIABLES.clear()
            fake.registry.CONNECTIONS["cxr"] = type("Connection", (), {
                "host": "cxr-app", "port": 8080, "schema": "http", "password": "cxr_from_connection"})()
            task.python_callable(*task.op_args, **task.op_kwargs)
            self.assertEqual((calls[2]["base_url"], calls[2]["token"]), ("http://cxr-app:8080", "cxr_from_connection"))
            fake.registry.CONNECTIONS.clear()
        finally:
            client.run_stage = original
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value

        # Nothing configured: the real client refuses with a message naming the settings.
        saved = {k: os.environ.pop(k, None) for k in ("CXR_URL", "CXR_API_TOKEN")}
        try:
            with self.assertRaises(client.CxrError) as raised:
                task.python_callable(*task.op_args, **task.op_kwargs)
            self.assertIn("cxr_url", str(raised.exception))
        finally:
            for key, value in saved.items():
                if value is not None:
                    os.environ[key] = value
        del module


def openapi_operations(path):
    """{(METHOD, path)} of the OpenAPI document: with PyYAML when present, else a regex over the paths: block."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    try:
        import yaml
    except ImportError:
        yaml = None
    operations = set()
    if yaml is not None:
        document = yaml.safe_load(text)
        for route, item in (document.get("paths") or {}).items():
            for method in item or {}:
                if method.lower() in ("get", "post", "put", "patch", "delete", "head", "options"):
                    operations.add((method.upper(), route))
        return operations, "PyYAML"
    block = re.search(r"^paths:\n(.*?)(?=^\S)", text, re.MULTILINE | re.DOTALL)
    route = None
    for line in (block.group(1) if block else "").splitlines():
        match = re.match(r"^  (/\S*):\s*$", line)
        if match:
            route = match.group(1)
            continue
        match = re.match(r"^    (get|post|put|patch|delete|head|options):", line)
        if match and route:
            operations.add((match.group(1).upper(), route))
    return operations, "regex"


class OpenApiTests(unittest.TestCase):

    def setUp(self):
        sys.path.insert(0, DAGS)
        sys.modules.pop("cxr_client", None)
        self.client = importlib.import_module("cxr_client")

    def tearDown(self):
        sys.path.remove(DAGS)
        sys.modules.pop("cxr_client", None)

    def test_every_call_of_the_client_is_in_the_openapi_document(self):
        operations, parser = openapi_operations(OPENAPI)
        self.assertTrue(operations, f"no operations read from {OPENAPI} ({parser})")
        for endpoint in self.client.ENDPOINTS:
            self.assertIn(endpoint, operations, f"cxr_client calls {endpoint}, which {OPENAPI} does not define ({parser})")

    def test_the_client_calls_no_path_outside_its_endpoint_list(self):
        with open(os.path.join(DAGS, "cxr_client.py"), encoding="utf-8") as handle:
            source = handle.read()
        # Every quoted API path literal in the code must be one of ENDPOINTS (docstrings and comments excepted).
        code = re.sub(r'"""(.*?)"""', "", source, flags=re.DOTALL)
        code = re.sub(r"#.*", "", code)
        literals = set(re.findall(r'"(/api/[^"]*)"', code)) | set(re.findall(r"'(/api/[^']*)'", code))
        self.assertEqual(literals - {path for _, path in self.client.ENDPOINTS}, set())

    def test_regex_fallback_reads_the_same_pipeline_operations(self):
        operations, _ = openapi_operations(OPENAPI)
        saved = sys.modules.get("yaml")
        sys.modules["yaml"] = None  # makes "import yaml" fail
        try:
            fallback, parser = openapi_operations(OPENAPI)
        finally:
            if saved is None:
                sys.modules.pop("yaml", None)
            else:
                sys.modules["yaml"] = saved
        self.assertEqual(parser, "regex")
        for endpoint in self.client.ENDPOINTS:
            self.assertIn(endpoint, fallback)
        self.assertEqual(fallback, operations)

    def test_the_openapi_document_has_what_the_client_relies_on(self):
        with open(OPENAPI, encoding="utf-8") as handle:
            text = handle.read()
        start = text.index("  /api/v1/pipelines/{stage}/runs:")
        post = text[start:text.index("\n  /", start + 5)]
        self.assertIn('"409"', post, "start_run attaches to the running run on 409")
        self.assertRegex(text, r"enum: \[RUNNING, SUCCEEDED, FAILED\]")


if __name__ == "__main__":
    unittest.main()
