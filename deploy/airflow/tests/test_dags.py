"""The cxr DAG files, checked without Airflow.

    /usr/bin/python3 -m unittest discover -s deploy/airflow/tests -p 'test_dags.py' -v

Each DAG file is compiled, then imported against a minimal fake ``airflow`` package written to a temporary folder and
put first on sys.path: once laid out like Airflow 2 (airflow.DAG, airflow.operators.python) and once like Airflow 3
(airflow.sdk.DAG, airflow.providers.standard.operators.python). The fakes record what the DAG files pass, so the
test checks the dag_id, the schedule, max_active_runs, catchup, retries, and that the task's callable calls
cxr_client.run_stage with the DAG's stage. The fake DAG accepts no ``schedule_interval`` (removed in Airflow 3).

The EMR Serverless variants (cxr_backup_emr_serverless, cxr_warehouse_emr_serverless) are imported against a fake of
the Amazon provider's EmrServerlessStartJobOperator with the real one's keyword arguments, their templated fields are
rendered as Airflow renders them when the task runs (Jinja2, Debian's python3-jinja2, with the DAG's macros), and the
job driver is checked: entry point (the jar from the Variable or the environment), class org.cxr.spark.SparkStages,
the stage argument (a stage SparkStages knows), extra spark-submit parameters, timeouts, log folder; nothing may be
read while the file is parsed. Without the provider those two DAG files must fail with a message naming it.

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

SPARK_SOURCES = os.path.join(ROOT, "spark", "src", "main", "java", "org", "cxr", "spark")

# kind "api": a PythonOperator that runs the stage in the application; "emr": EmrServerlessStartJobOperator
# submitting the stage as a Spark job to EMR Serverless (the variant of the DAG named in "variant_of").
EXPECTED = {
    "cxr_backup": {"stage": "backup", "schedule": "weekly", "kind": "api"},
    "cxr_warehouse": {"stage": "warehouse", "schedule": "hourly", "kind": "api"},
    "cxr_datamart": {"stage": "datamart", "schedule": None, "kind": "api"},
    "cxr_backup_emr_serverless": {"stage": "backup", "schedule": "weekly", "kind": "emr", "variant_of": "cxr_backup"},
    "cxr_warehouse_emr_serverless": {"stage": "warehouse", "schedule": "hourly", "kind": "emr", "variant_of": "cxr_warehouse"},
}

# The fake Airflow: the DAG context manager and PythonOperator record their arguments in airflow_fake_registry.
REGISTRY = '''
DAGS = []
VARIABLES = {}
VARIABLE_READS = []
CONNECTIONS = {}
'''

DAG_CLASS = '''
import airflow_fake_registry as _registry


class DAG:
    _current = None

    def __init__(self, dag_id, *, description=None, schedule=None, start_date=None, catchup=None,
                 max_active_runs=None, default_args=None, tags=None, doc_md=None, max_active_tasks=None,
                 dagrun_timeout=None, is_paused_upon_creation=None, user_defined_macros=None):
        self.dag_id = dag_id
        self.description = description
        self.schedule = schedule
        self.start_date = start_date
        self.catchup = catchup
        self.max_active_runs = max_active_runs
        self.default_args = default_args or {}
        self.tags = tags
        self.doc_md = doc_md
        self.user_defined_macros = user_defined_macros or {}
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
        _registry.VARIABLE_READS.append(key)
        return _registry.VARIABLES.get(key, default)


class BaseHook:
    @staticmethod
    def get_connection(conn_id):
        if conn_id not in _registry.CONNECTIONS:
            raise KeyError(f"The conn_id `{conn_id}` isn't defined")
        return _registry.CONNECTIONS[conn_id]
'''

# The Amazon provider's operator, with the keyword arguments of its current signature (apache-airflow-providers-amazon,
# airflow/providers/amazon/aws/operators/emr.py) and BaseOperator's that the DAGs use; anything else is a TypeError.
EMR_OPERATOR_CLASS = '''
from {dag_module} import DAG


class EmrServerlessStartJobOperator:
    template_fields = ("application_id", "config", "execution_role_arn", "job_driver", "configuration_overrides")

    def __init__(self, application_id, execution_role_arn, job_driver, configuration_overrides=None,
                 client_request_token="", config=None, wait_for_completion=True, aws_conn_id="aws_default", name=None,
                 waiter_max_attempts=None, waiter_delay=None, deferrable=False, enable_application_ui_links=False,
                 cancel_on_kill=True, *, task_id, retries=None, retry_delay=None, execution_timeout=None, dag=None,
                 owner=None, doc_md=None):
        self.task_id = task_id
        self.application_id = application_id
        self.execution_role_arn = execution_role_arn
        self.job_driver = job_driver
        self.configuration_overrides = configuration_overrides
        self.config = config
        self.wait_for_completion = wait_for_completion
        self.aws_conn_id = aws_conn_id
        self.name = name
        self.waiter_max_attempts = waiter_max_attempts
        self.waiter_delay = waiter_delay
        self.deferrable = deferrable
        self.retries = retries
        self.execution_timeout = execution_timeout
        owner_dag = dag or DAG._current
        if owner_dag is None:
            raise RuntimeError("EmrServerlessStartJobOperator created outside a DAG")
        owner_dag.tasks.append(self)
'''

AMAZON_PROVIDER = {
    "airflow/providers/__init__.py": "",
    "airflow/providers/amazon/__init__.py": "",
    "airflow/providers/amazon/aws/__init__.py": "",
    "airflow/providers/amazon/aws/operators/__init__.py": "",
}

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
        **AMAZON_PROVIDER,
        "airflow/providers/amazon/aws/operators/emr.py": EMR_OPERATOR_CLASS.format(dag_module="airflow"),
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
        **AMAZON_PROVIDER,
        "airflow/providers/amazon/aws/operators/emr.py": EMR_OPERATOR_CLASS.format(dag_module="airflow.sdk"),
    },
}
# An Airflow without the Amazon provider: the EMR Serverless DAGs must say what is missing, the others import.
LAYOUTS_WITHOUT_AMAZON = {
    name: {path: text for path, text in files.items() if "/amazon/" not in path} for name, files in LAYOUTS.items()
}


def ignored_files():
    """The file names in the dags folder's .airflowignore: modules the DAGs import, not DAG files."""
    with open(os.path.join(DAGS, ".airflowignore"), encoding="utf-8") as handle:
        return {line.strip() for line in handle if line.strip() and not line.startswith("#")}


def dag_files():
    return sorted(f for f in os.listdir(DAGS) if f.startswith("cxr_") and f.endswith(".py") and f not in ignored_files())


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

    def __init__(self, layout, layouts=None):
        self.layout = layout
        self.files = (layouts or LAYOUTS)[layout]
        self.folder = None

    def _forget_modules(self):
        for name in list(sys.modules):
            if name.startswith(self.MODULE_PREFIXES):
                del sys.modules[name]

    def __enter__(self):
        self.folder = tempfile.mkdtemp(prefix=f"fake-{self.layout}-")
        for path, text in self.files.items():
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
                    if EXPECTED[name[:-3]]["kind"] == "emr":
                        check_emr_dag(self, fake, name[:-3])
                    else:
                        self.check_dag(fake, name[:-3])

    def test_the_support_modules_are_ignored_by_airflow_and_define_no_dag(self):
        ignored = ignored_files()
        self.assertTrue({"cxr_client.py", "cxr_dag_support.py", "cxr_emr_serverless_support.py"} <= ignored)
        for name in ignored:
            self.assertTrue(os.path.isfile(os.path.join(DAGS, name)), f".airflowignore names {name}, which is not there")
            with open(os.path.join(DAGS, name), encoding="utf-8") as handle:
                self.assertNotIn("with DAG(", handle.read(), f"{name} is in .airflowignore but defines a DAG")

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


# ------------------------------------------------------------------------------------------------ EMR Serverless
EMR_SETTINGS = {
    "cxr_emr_application_id": "00fabcdef1234567",
    "cxr_emr_execution_role_arn": "arn:aws:iam::111122223333:role/cxr-spark-job",
    "cxr_emr_jar": "s3://cxr-spark-artifacts/jars/cxr-spark-0.1.0.jar",
    "cxr_emr_log_uri": "s3://cxr-spark-artifacts/logs/",
}
EMR_ENVIRONMENT = ("CXR_EMR_APPLICATION_ID", "CXR_EMR_EXECUTION_ROLE_ARN", "CXR_EMR_JAR", "CXR_EMR_LOG_URI", "CXR_EMR_SPARK_PARAMS")


def render(value, context):
    """A task's templated field as Airflow renders it when the task runs: strings through Jinja (sandboxed, undefined
    names an error, the DAG's user_defined_macros in the context), dicts and lists item by item, the rest unchanged."""
    try:
        import jinja2.sandbox
    except ImportError:
        raise AssertionError("the EMR Serverless DAG tests render the templates with Jinja2, as Airflow does: "
                             "apt-get install python3-jinja2 (.ci/run installs it)") from None
    environment = jinja2.sandbox.SandboxedEnvironment(undefined=jinja2.StrictUndefined)
    if isinstance(value, str):
        return environment.from_string(value).render(**context)
    if isinstance(value, dict):
        return {key: render(item, context) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(render(item, context) for item in value)
    return value


def rendered(task, dag):
    return {field: render(getattr(task, field), dict(dag.user_defined_macros)) for field in task.template_fields}


def java_stages():
    """The stage names SparkStages.Stage accepts (their lower-case enum constants), from the Java source."""
    with open(os.path.join(SPARK_SOURCES, "SparkStages.java"), encoding="utf-8") as handle:
        block = re.search(r"enum Stage\s*\{\s*([A-Z_,\s]+);", handle.read())
    return {name.strip().lower() for name in block.group(1).split(",")} if block else set()


class EmrEnvironment:
    """Sets the EMR settings in os.environ (or removes them) and puts the old values back afterwards."""

    def __init__(self, **values):
        self.values = values

    def __enter__(self):
        self.saved = {key: os.environ.pop(key, None) for key in EMR_ENVIRONMENT}
        os.environ.update(self.values)
        return self

    def __exit__(self, *exc):
        for key in EMR_ENVIRONMENT:
            os.environ.pop(key, None)
            if self.saved[key] is not None:
                os.environ[key] = self.saved[key]
        return False


def check_emr_dag(test, fake, module_name):
    """One EMR Serverless DAG under one fake layout: the DAG, the operator's arguments, and the job driver as the
    templates render when the task runs, from Variables, then from the environment."""
    expected = EXPECTED[module_name]
    stage = expected["stage"]
    with EmrEnvironment():
        module = importlib.import_module(module_name)
    test.assertEqual(fake.registry.VARIABLE_READS, [], "no Variable may be read while Airflow parses the DAG file")
    dags = [d for d in fake.registry.DAGS if d.dag_id == module_name]
    test.assertEqual(len(dags), 1, f"{module_name}.py should define exactly one DAG with dag_id {module_name}")
    dag = dags[0]
    test.assertEqual(schedule_kind(dag.schedule), expected["schedule"])
    test.assertEqual(dag.max_active_runs, 1)
    test.assertIs(dag.catchup, False)
    test.assertIsNotNone(dag.start_date.tzinfo, "start_date should be timezone-aware")
    test.assertIn("cxr", dag.tags)
    test.assertEqual(len(dag.tasks), 1, "one task per DAG")
    task = dag.tasks[0]
    operators = sys.modules["airflow.providers.amazon.aws.operators.emr"]
    test.assertIsInstance(task, operators.EmrServerlessStartJobOperator)
    retries = task.retries if task.retries is not None else dag.default_args.get("retries", 0)
    test.assertLessEqual(retries, 2)
    support = sys.modules["cxr_emr_serverless_support"]
    test.assertEqual(dag.user_defined_macros, support.MACROS, "the templates call the support module's macros")

    # Nothing is resolved at parse time: the templated fields still hold templates.
    test.assertIn("{{", task.application_id)
    test.assertIn("{{", task.execution_role_arn)
    test.assertIn("{{", task.job_driver["sparkSubmit"]["entryPoint"])

    # Rendered from Airflow Variables.
    fake.registry.VARIABLES.update(EMR_SETTINGS)
    with EmrEnvironment():
        fields = rendered(task, dag)
    test.assertEqual(fields["application_id"], EMR_SETTINGS["cxr_emr_application_id"])
    test.assertEqual(fields["execution_role_arn"], EMR_SETTINGS["cxr_emr_execution_role_arn"])
    test.assertEqual(fields["job_driver"], {"sparkSubmit": {
        "entryPoint": EMR_SETTINGS["cxr_emr_jar"],
        "entryPointArguments": [stage],
        "sparkSubmitParameters": "--class org.cxr.spark.SparkStages",
    }})
    test.assertEqual(fields["configuration_overrides"],
                     {"monitoringConfiguration": {"s3MonitoringConfiguration": {"logUri": EMR_SETTINGS["cxr_emr_log_uri"]}}})
    timeout = module.TIMEOUT
    minutes = fields["config"]["executionTimeoutMinutes"]
    test.assertTrue(timeout.total_seconds() <= minutes * 60 < timeout.total_seconds() + 60,
                    f"EMR Serverless should stop the job after the DAG's TIMEOUT ({timeout}), not {minutes} min")
    test.assertEqual(fields["config"]["tags"], {"cxr-stage": stage})
    test.assertGreaterEqual(task.waiter_delay * task.waiter_max_attempts, minutes * 60, "the operator must wait as long as the job may run")
    test.assertGreater(task.execution_timeout.total_seconds(), task.waiter_delay * task.waiter_max_attempts,
                       "Airflow's timeout comes after the operator's own wait, which cancels the job on the way out")
    test.assertIs(task.wait_for_completion, True)
    test.assertEqual(task.aws_conn_id, "aws_default")
    test.assertEqual(task.name, f"cxr-{stage}")

    # Optional spark-submit parameters go after the class, in the order given.
    fake.registry.VARIABLES["cxr_emr_spark_params"] = "--conf spark.executor.memory=8g  --conf spark.dynamicAllocation.maxExecutors=20"
    with EmrEnvironment():
        parameters = rendered(task, dag)["job_driver"]["sparkSubmit"]["sparkSubmitParameters"]
    test.assertEqual(parameters, "--class org.cxr.spark.SparkStages --conf spark.executor.memory=8g "
                                 "--conf spark.dynamicAllocation.maxExecutors=20")

    # Without Variables, from the workers' environment.
    fake.registry.VARIABLES.clear()
    environment = {"CXR_EMR_APPLICATION_ID": "00fenvironment01", "CXR_EMR_EXECUTION_ROLE_ARN": "arn:aws:iam::444455556666:role/job",
                   "CXR_EMR_JAR": "s3://other-bucket/cxr-spark.jar", "CXR_EMR_LOG_URI": "s3://other-bucket/logs"}
    with EmrEnvironment(**environment):
        fields = rendered(task, dag)
        # A Variable wins over the environment.
        fake.registry.VARIABLES["cxr_emr_jar"] = EMR_SETTINGS["cxr_emr_jar"]
        jar = rendered(task, dag)["job_driver"]["sparkSubmit"]["entryPoint"]
        fake.registry.VARIABLES.clear()
    test.assertEqual(fields["application_id"], "00fenvironment01")
    test.assertEqual(fields["execution_role_arn"], "arn:aws:iam::444455556666:role/job")
    test.assertEqual(fields["job_driver"]["sparkSubmit"]["entryPoint"], "s3://other-bucket/cxr-spark.jar")
    test.assertEqual(fields["job_driver"]["sparkSubmit"]["entryPointArguments"], [stage])
    test.assertEqual(jar, EMR_SETTINGS["cxr_emr_jar"])

    # Nothing set: rendering fails naming the Variable and the environment variable.
    with EmrEnvironment(), test.assertRaises(support.CxrEmrSettingError) as raised:
        rendered(task, dag)
    test.assertIn("cxr_emr_", str(raised.exception))
    test.assertIn("CXR_EMR_", str(raised.exception))
    del module


class EmrServerlessDagTests(unittest.TestCase):
    """The EMR Serverless variants beyond what every DAG is checked for (check_emr_dag, in DagFileTests)."""

    def emr_dag_files(self):
        return [name for name in dag_files() if EXPECTED[name[:-3]]["kind"] == "emr"]

    def test_each_variant_has_its_counterpart_stage_and_schedule(self):
        self.assertEqual(len(self.emr_dag_files()), 2)
        for name in self.emr_dag_files():
            expected = EXPECTED[name[:-3]]
            counterpart = EXPECTED[expected["variant_of"]]
            self.assertEqual((expected["stage"], expected["schedule"]), (counterpart["stage"], counterpart["schedule"]))

    def test_the_stage_class_and_jar_are_the_spark_modules(self):
        with FakeAirflow("airflow3") as _:
            support = importlib.import_module("cxr_emr_serverless_support")
            stages, main_class = support.STAGES, support.MAIN_CLASS
        self.assertTrue(set(stages) <= java_stages(), f"{stages} are not all stages of SparkStages ({java_stages()})")
        self.assertNotIn("datamart", stages, "the data mart needs a folder driver and executors share; EMR Serverless has none")
        source = os.path.join(SPARK_SOURCES, main_class.rsplit(".", 1)[1] + ".java")
        with open(source, encoding="utf-8") as handle:
            self.assertIn("public static void main(String[] args)", handle.read())
        with open(os.path.join(ROOT, "spark", "pom.xml"), encoding="utf-8") as handle:
            pom = handle.read()
        self.assertIn(f"<mainClass>{main_class}</mainClass>", pom)
        self.assertIn("<finalName>cxr-spark</finalName>", pom)

    def test_without_the_amazon_provider_the_emr_dags_say_what_is_missing(self):
        for layout in LAYOUTS_WITHOUT_AMAZON:
            for name in dag_files():
                with self.subTest(layout=layout, file=name), FakeAirflow(layout, LAYOUTS_WITHOUT_AMAZON):
                    if EXPECTED[name[:-3]]["kind"] == "emr":
                        with self.assertRaises(ImportError) as raised:
                            importlib.import_module(name[:-3])
                        self.assertIn("apache-airflow-providers-amazon", str(raised.exception))
                    else:
                        importlib.import_module(name[:-3])

    def test_spark_params_that_would_leak_a_secret_or_replace_the_class_are_refused(self):
        with FakeAirflow("airflow3") as _:
            support = importlib.import_module("cxr_emr_serverless_support")
            for extra, fragment in (
                    ("--conf spark.emr-serverless.driverEnv.CXR_DATABASE_PASSWORD=hunter2", "must not carry"),
                    ("--conf spark.executorEnv.CXR_WAREHOUSE_URI=mongodb://u:p@h/", "must not carry"),
                    ("--class org.example.Other", "must not set --class"),
                    ("--conf 'spark.driver.extraJavaOptions=-Da=1 -Db=2'", "white space"),
                    ("--conf \"unterminated", "cannot be read")):
                with self.subTest(extra=extra), self.assertRaises(support.CxrEmrSettingError) as raised:
                    support.spark_submit_parameters(extra)
                self.assertIn(fragment, str(raised.exception))
            # A secret reference is not a secret.
            self.assertEqual(support.spark_submit_parameters("--conf spark.emr-serverless.driverEnv.CXR_DATABASE_PASSWORD=EMR.secret@cxr/database-password"),
                             "--class org.cxr.spark.SparkStages --conf spark.emr-serverless.driverEnv.CXR_DATABASE_PASSWORD=EMR.secret@cxr/database-password")

    def test_malformed_settings_are_refused_with_what_was_expected(self):
        with FakeAirflow("airflow3") as fake:
            support = importlib.import_module("cxr_emr_serverless_support")
            for name, value, fragment in (("jar", "cxr-spark.jar", "s3:// location"), ("jar", "s3://bucket/cxr-spark.zip", "s3:// location"),
                                          ("execution_role_arn", "cxr-spark-job", "IAM role ARN"),
                                          ("application_id", "my app", "application id"), ("log_uri", "/var/log", "s3:// folder")):
                fake.registry.VARIABLES["cxr_emr_" + name] = value
                with self.subTest(name=name, value=value), EmrEnvironment(), self.assertRaises(support.CxrEmrSettingError) as raised:
                    support.setting(name)
                self.assertIn(fragment, str(raised.exception))
            with self.assertRaises(support.CxrEmrSettingError):
                support.setting("region")
            with self.assertRaises(ValueError):
                support.job_driver("datamart")

    def test_the_support_module_imports_only_the_standard_library_and_the_dag_helpers(self):
        with open(os.path.join(DAGS, "cxr_emr_serverless_support.py"), encoding="utf-8") as handle:
            source = handle.read()
        imports = re.findall(r"^\s*(?:import|from)\s+([A-Za-z_][\w.]*)", source, re.MULTILINE)
        self.assertEqual(sorted(set(imports) - {"os", "re", "shlex", "cxr_dag_support"}), [])


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
