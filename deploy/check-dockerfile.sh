#!/usr/bin/env bash
# Checks the Dockerfile (and .dockerignore) without Docker: what can go wrong before `docker build` ever runs.
#
#   bash deploy/check-dockerfile.sh            # from anywhere in the repository
#
# It parses the Dockerfile and checks that
#   - both stages start from pinned eclipse-temurin images (JDK to build; a glibc JRE to run, not Alpine);
#   - every COPY source exists in the repository and is not excluded by .dockerignore, and the one COPY --from the
#     build stage takes app/target/cxr.jar, the jar the build stage produces;
#   - the build context is enough for the reactor: every module of pom.xml has its pom copied, and every module the
#     app is built from (-pl app -am) has its sources copied, as do the folders the poms reference (models/demo);
#   - the build command is the one ./cxr uses to produce app/target/cxr.jar (./mvnw -B -DskipTests -pl app -am package);
#   - the runtime stage runs as a non-root user, has a HEALTHCHECK, sets ORT_DISABLE_TELEMETRY=1 and CXR_DATA_DIR
#     with a VOLUME for it, exposes 8080, and starts `java ... -XX:MaxRAMPercentage=.. -jar /opt/cxr/cxr.jar` with CMD serve;
#   - every shell-form RUN (and the HEALTHCHECK's bash command) passes `bash -n` (and `sh -n`: Docker runs RUN with /bin/sh);
#   - compose.yaml: pinned images, passwords required with ${VAR:?...} and left empty in .env.example, every variable
#     listed in .env.example, healthchecks behind every `condition: service_healthy`, declared volumes, the airflow profile.
# app/target/cxr.jar itself is not needed (the image builds it); when it exists, its size is printed for the image
# size estimate, when it does not, a warning says how to build it.
# Exits 1 with one line per problem; 0 when everything holds.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
python="${PYTHON:-python3}"
if ! command -v "$python" >/dev/null 2>&1; then
  echo "check-dockerfile: python3 is needed to parse the Dockerfile (set PYTHON=/path/to/python3)" >&2
  exit 2
fi

exec "$python" - "$root" <<'PYTHON'
import glob
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

root = sys.argv[1]
problems = []
warnings = []


def problem(message):
    problems.append(message)


def rel(path):
    return os.path.relpath(path, root)


# ---------------------------------------------------------------- parsing
def parse_dockerfile(path):
    """Instructions as (line number, KEYWORD, argument text); continuation lines joined, comments dropped."""
    instructions = []
    escape = "\\"
    with open(path, encoding="utf-8") as handle:
        lines = handle.read().split("\n")
    current, start = None, 0
    for number, raw in enumerate(lines, 1):
        stripped = raw.strip()
        if current is None:
            if not stripped or stripped.startswith("#"):
                continue  # comments and parser directives
            current, start = "", number
        elif stripped.startswith("#"):
            continue  # a comment line inside a continued instruction
        if stripped.endswith(escape):
            current += stripped[:-1] + " "
            continue
        current += stripped
        keyword, _, argument = current.partition(" ")
        instructions.append((start, keyword.upper(), argument.strip()))
        current = None
    if current is not None:
        problem(f"Dockerfile: the instruction starting on line {start} ends with a line continuation")
    return instructions


def split_flags(argument):
    """(flags dict, rest) for instructions like COPY --from=build a b / HEALTHCHECK --interval=30s CMD ..."""
    flags = {}
    rest = argument
    while rest.startswith("--"):
        token, _, rest = rest.partition(" ")
        name, _, value = token[2:].partition("=")
        flags[name] = value
        rest = rest.strip()
    return flags, rest


def exec_form(text):
    """The JSON array of an exec-form instruction, or None for shell form."""
    text = text.strip()
    if not text.startswith("["):
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        problem(f"Dockerfile: not valid JSON exec form: {text[:60]}... ({error})")
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        problem(f"Dockerfile: exec form must be a JSON array of strings: {text[:60]}")
        return None
    return value


def copy_arguments(rest):
    form = exec_form(rest)
    parts = form if form is not None else shlex.split(rest)
    if len(parts) < 2:
        return [], None
    return parts[:-1], parts[-1]


# ---------------------------------------------------------------- .dockerignore
def load_dockerignore(path):
    rules = []
    if not os.path.isfile(path):
        return rules
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            negate = line.startswith("!")
            pattern = line[1:].strip() if negate else line
            pattern = os.path.normpath(pattern.lstrip("/")).replace(os.sep, "/")
            rules.append((negate, pattern))
    return rules


def pattern_matches(pattern, path):
    """Docker's .dockerignore matching: filepath.Match per segment, ** for any number of segments."""
    regex = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**", i):
            regex += ".*"
            i += 2
            if pattern.startswith("/", i):
                regex = regex[:-2] + "(?:.*/)?"
                i += 1
        elif pattern[i] == "*":
            regex += "[^/]*"
            i += 1
        elif pattern[i] == "?":
            regex += "[^/]"
            i += 1
        else:
            regex += re.escape(pattern[i])
            i += 1
    return re.fullmatch(regex, path) is not None


def ignored(rules, path):
    """True when .dockerignore keeps the path (or one of its parent folders) out of the build context."""
    path = os.path.normpath(path).replace(os.sep, "/")
    parts = path.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    excluded = False
    for negate, pattern in rules:
        if any(pattern_matches(pattern, candidate) for candidate in candidates):
            excluded = not negate
    return excluded


# ---------------------------------------------------------------- the reactor
POM = "{http://maven.apache.org/POM/4.0.0}"


def pom(path):
    return ET.parse(path).getroot()


def reactor():
    """module folder -> (artifactId, set of org.cxr artifactIds it depends on, folders its pom references)."""
    parent = pom(os.path.join(root, "pom.xml"))
    modules = [m.text.strip() for m in parent.iter(POM + "module")]
    group = (parent.findtext(POM + "groupId") or "").strip()
    result = {}
    for module in modules:
        path = os.path.join(root, module, "pom.xml")
        if not os.path.isfile(path):
            problem(f"pom.xml lists module '{module}' but {module}/pom.xml does not exist")
            continue
        element = pom(path)
        artifact = element.findtext(POM + "artifactId").strip()
        depends = set()
        for dependency in element.iter(POM + "dependency"):
            if (dependency.findtext(POM + "groupId") or "").strip() in (group, "${project.groupId}"):
                scope = (dependency.findtext(POM + "scope") or "compile").strip()
                if scope != "test":
                    depends.add(dependency.findtext(POM + "artifactId").strip())
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        references = set(re.findall(r"\$\{project\.basedir\}/\.\./([A-Za-z0-9_./-]+)", text))
        result[module] = (artifact, depends, references)
    return modules, result


# ---------------------------------------------------------------- checks
dockerfile = os.path.join(root, "Dockerfile")
if not os.path.isfile(dockerfile):
    print("check-dockerfile: no Dockerfile at the repository root", file=sys.stderr)
    sys.exit(1)
instructions = parse_dockerfile(dockerfile)
rules = load_dockerignore(os.path.join(root, ".dockerignore"))
if not rules:
    problem(".dockerignore is missing or empty: the whole checkout (data/, .env, .git) would be sent to the daemon")
else:
    for secret in (".env", "data", "app/target/cxr.jar", ".git"):
        if not ignored(rules, secret):
            problem(f".dockerignore does not exclude {secret}")

# Stages.
stages = []  # dicts: name, image, instructions
for number, keyword, argument in instructions:
    if keyword == "FROM":
        flags, rest = split_flags(argument)
        match = re.fullmatch(r"(\S+)(?:\s+AS\s+(\S+))?", rest, re.IGNORECASE)
        if not match:
            problem(f"Dockerfile line {number}: cannot read FROM {argument}")
            continue
        stages.append({"name": match.group(2) or str(len(stages)), "image": match.group(1), "instructions": [], "line": number})
    elif keyword == "ARG" and not stages:
        continue
    elif not stages:
        problem(f"Dockerfile line {number}: {keyword} before the first FROM")
    else:
        stages[-1]["instructions"].append((number, keyword, argument))

if len(stages) < 2:
    problem(f"Dockerfile: expected a multi-stage build (build + runtime), found {len(stages)} stage(s)")
    build, runtime = (stages[0] if stages else None), None
else:
    build, runtime = stages[0], stages[-1]


def check_pinned(stage, kind):
    image = stage["image"]
    if "$" in image:
        problem(f"Dockerfile line {stage['line']}: FROM {image} uses a variable; pin the image literally")
        return
    if "@sha256:" in image:
        return
    name, _, tag = image.rpartition(":")
    if not name or "/" in tag:
        problem(f"Dockerfile line {stage['line']}: FROM {image} has no tag; pin a version")
        return
    if tag == "latest" or not re.search(r"\d+\.\d+", tag):
        problem(f"Dockerfile line {stage['line']}: FROM {image}: pin a full version (e.g. 17.0.20.1_1-{kind}-noble), not '{tag}'")
    if not name.endswith("eclipse-temurin"):
        problem(f"Dockerfile line {stage['line']}: FROM {image}: expected eclipse-temurin")
    if f"-{kind}" not in tag:
        problem(f"Dockerfile line {stage['line']}: FROM {image}: the {'build' if kind == 'jdk' else 'runtime'} stage needs a {kind.upper()} image")
    if "alpine" in tag:
        problem(f"Dockerfile line {stage['line']}: FROM {image}: Alpine (musl) cannot run ONNX Runtime's or embedded PostgreSQL's glibc binaries")


def instructions_of(stage, keyword):
    return [(n, a) for n, k, a in stage["instructions"] if k == keyword] if stage else []


def workdir_at(stage, line):
    directory = "/"
    for number, keyword, argument in stage["instructions"]:
        if number > line:
            break
        if keyword == "WORKDIR":
            directory = os.path.normpath(os.path.join(directory, argument.strip().strip('"')))
    return directory


copied_sources = []  # repository-relative sources copied from the context, in any stage
if build:
    check_pinned(build, "jdk")
if runtime:
    check_pinned(runtime, "jre")

for stage in stages:
    for number, keyword, argument in stage["instructions"]:
        if keyword == "ADD":
            problem(f"Dockerfile line {number}: use COPY, not ADD (no remote URLs or archive unpacking in this image)")
        if keyword != "COPY":
            continue
        flags, rest = split_flags(argument)
        sources, destination = copy_arguments(rest)
        if not sources:
            problem(f"Dockerfile line {number}: cannot read COPY {argument}")
            continue
        if "from" in flags:
            origin = next((s for s in stages if s["name"] == flags["from"]), None)
            if origin is None:
                problem(f"Dockerfile line {number}: COPY --from={flags['from']} names no stage of this Dockerfile")
                continue
            for source in sources:
                produced = os.path.normpath(os.path.join(workdir_at(origin, 10 ** 9), "app/target/cxr.jar"))
                if os.path.normpath(source) != produced:
                    problem(f"Dockerfile line {number}: COPY --from={flags['from']} {source}: the build stage produces {produced}")
            jar = os.path.join(root, "app", "target", "cxr.jar")
            if os.path.isfile(jar):
                print(f"check-dockerfile: app/target/cxr.jar exists locally: {os.path.getsize(jar) / 1e6:.1f} MB (the image builds its own)")
            else:
                warnings.append("app/target/cxr.jar is not built here (fine for `docker build`, which builds it); "
                                "build it with ./mvnw -B -DskipTests -pl app -am package to measure the image size")
            continue
        for source in sources:
            if re.search(r"[*?\[]", source):
                matches = glob.glob(os.path.join(root, source))
                if not matches:
                    problem(f"Dockerfile line {number}: COPY {source} matches nothing in the repository")
                continue
            path = os.path.normpath(os.path.join(root, source))
            if not path.startswith(root):
                problem(f"Dockerfile line {number}: COPY {source} points outside the build context")
                continue
            if not os.path.exists(path):
                problem(f"Dockerfile line {number}: COPY {source}: no such file or folder in the repository")
                continue
            if ignored(rules, rel(path)):
                problem(f"Dockerfile line {number}: COPY {source}: excluded by .dockerignore, the build would fail")
            copied_sources.append(rel(path).replace(os.sep, "/"))


def copied(path):
    path = path.rstrip("/")
    return any(path == c or path.startswith(c.rstrip("/") + "/") for c in copied_sources)


# The reactor: every module pom, the app's modules' sources, the folders the poms reference.
modules, poms = reactor()
if build:
    for required in ("mvnw", ".mvn", "pom.xml"):
        if not copied(required):
            problem(f"Dockerfile: the build stage does not COPY {required}")
    for module in modules:
        if not copied(f"{module}/pom.xml"):
            problem(f"Dockerfile: {module}/pom.xml is not copied; Maven reads every module listed in pom.xml, even with -pl")
    by_artifact = {artifact: module for module, (artifact, _, _) in poms.items()}
    needed, todo = set(), ["app"]
    while todo:
        module = todo.pop()
        if module in needed or module not in poms:
            continue
        needed.add(module)
        todo.extend(by_artifact[a] for a in poms[module][1] if a in by_artifact)
    for module in sorted(needed):
        if not copied(f"{module}/src/main"):
            problem(f"Dockerfile: the app is built from module {module} (-am), but {module}/src is not copied")
        for reference in poms[module][2]:
            if not copied(reference):
                problem(f"Dockerfile: {module}/pom.xml reads ../{reference}, which is not copied")

# The build command: the one ./cxr runs to produce app/target/cxr.jar.
QUIET = {"-q", "--quiet", "-ntp", "--no-transfer-progress", "-B", "--batch-mode", "-e", "--errors"}


def maven_words(command):
    words = shlex.split(command)
    if "./mvnw" not in words:
        return None
    words = words[words.index("./mvnw"):]
    end = next((i for i, w in enumerate(words) if w in ("&&", "||", ";", "|") or w.endswith(")")), len(words))
    words = [w.rstrip(")") for w in words[:end + 1] if w not in ("&&", "||", ";", "|")]
    return words


launcher_words = None
launcher = os.path.join(root, "cxr")
if os.path.isfile(launcher):
    with open(launcher, encoding="utf-8") as handle:
        for line in handle:
            if "./mvnw" in line and "package" in line and not line.lstrip().startswith("#"):
                launcher_words = maven_words(line[line.index("./mvnw"):].split(")")[0])
                break
    with open(launcher, encoding="utf-8") as handle:
        if "app/target/cxr.jar" not in handle.read():
            problem("./cxr no longer runs app/target/cxr.jar: update the Dockerfile's COPY --from and this check")
if launcher_words is None:
    problem("cannot find the ./mvnw ... package command in ./cxr to compare the Dockerfile's build command with")
app_pom = os.path.join(root, "app", "pom.xml")
if (pom(app_pom).find(f"{POM}build/{POM}finalName") is None
        or pom(app_pom).find(f"{POM}build/{POM}finalName").text.strip() != "cxr"):
    problem("app/pom.xml's <finalName> is not 'cxr': the build would not produce app/target/cxr.jar")

if build:
    package_runs = [(n, a) for n, a in instructions_of(build, "RUN") if "package" in (maven_words(split_flags(a)[1]) or [])]
    if len(package_runs) != 1:
        problem(f"Dockerfile: expected exactly one './mvnw ... package' RUN in the build stage, found {len(package_runs)}")
    elif launcher_words is not None:
        number, argument = package_runs[0]
        words = maven_words(split_flags(argument)[1])
        if "-B" not in words and "--batch-mode" not in words:
            problem(f"Dockerfile line {number}: run Maven in batch mode (-B)")
        significant = [w for w in words if w not in QUIET]
        expected = [w for w in launcher_words if w not in QUIET]
        if significant != expected:
            problem(f"Dockerfile line {number}: the build command {' '.join(words)} differs from ./cxr's "
                    f"{' '.join(launcher_words)} (beyond -q/-B)")

# The runtime stage.
if runtime:
    users = instructions_of(runtime, "USER")
    if not users:
        problem("Dockerfile: the runtime stage has no USER; it would run as root (and embedded PostgreSQL refuses root)")
    else:
        number, user = users[-1]
        name = user.split(":")[0].strip()
        if name in ("root", "0") or (name.isdigit() and int(name) < 1000):
            problem(f"Dockerfile line {number}: USER {user} is root or a system uid; use a non-root uid such as 10001")
        elif not name.isdigit():
            warnings.append(f"USER {user} is a name: Kubernetes' runAsNonRoot can only verify a numeric uid")
        last_run = max((n for n, _ in instructions_of(runtime, "RUN")), default=0)
        if last_run > number:
            problem(f"Dockerfile line {last_run}: RUN after the final USER; finish the root steps first")

    healthchecks = instructions_of(runtime, "HEALTHCHECK")
    if not healthchecks:
        problem("Dockerfile: the runtime stage has no HEALTHCHECK")
    else:
        number, argument = healthchecks[-1]
        flags, rest = split_flags(argument)
        if rest.upper().startswith("NONE"):
            problem(f"Dockerfile line {number}: HEALTHCHECK NONE")
        elif not rest.upper().startswith("CMD"):
            problem(f"Dockerfile line {number}: HEALTHCHECK needs CMD")
        else:
            command = rest[3:].strip()
            form = exec_form(command)
            text = " ".join(form) if form else command
            if "/actuator/health" not in text:
                problem(f"Dockerfile line {number}: the HEALTHCHECK does not ask /actuator/health")
            for tool in ("curl", "wget"):
                installs = any(re.search(rf"apt-get install[^;&|]*\b{tool}\b", a) for _, a in instructions_of(runtime, "RUN"))
                if re.search(rf"\b{tool}\b", text) and not installs:
                    problem(f"Dockerfile line {number}: the HEALTHCHECK uses {tool}, which the runtime stage does not install")
            if form and form[0] in ("bash", "/bin/bash") and len(form) >= 3 and form[1] == "-c":
                result = subprocess.run(["bash", "-n", "-c", form[2]], capture_output=True, text=True)
                if result.returncode != 0:
                    problem(f"Dockerfile line {number}: HEALTHCHECK bash syntax: {result.stderr.strip()}")

    environment = {}
    for number, argument in instructions_of(runtime, "ENV"):
        for word in shlex.split(argument):
            key, _, value = word.partition("=")
            environment[key] = value
    if environment.get("ORT_DISABLE_TELEMETRY") != "1":
        problem("Dockerfile: the runtime stage must set ENV ORT_DISABLE_TELEMETRY=1")
    data_dir = environment.get("CXR_DATA_DIR")
    if not data_dir:
        problem("Dockerfile: the runtime stage must set ENV CXR_DATA_DIR")
    volumes = []
    for number, argument in instructions_of(runtime, "VOLUME"):
        volumes += exec_form(argument) or argument.split()
    if data_dir and data_dir not in volumes:
        problem(f"Dockerfile: no VOLUME for CXR_DATA_DIR ({data_dir})")
    if not any("8080" in a.split() or "8080/tcp" in a.split() for _, a in instructions_of(runtime, "EXPOSE")):
        problem("Dockerfile: the runtime stage does not EXPOSE 8080")

    entrypoints = instructions_of(runtime, "ENTRYPOINT")
    if not entrypoints:
        problem("Dockerfile: the runtime stage has no ENTRYPOINT")
    else:
        number, argument = entrypoints[-1]
        form = exec_form(argument)
        if form is None:
            problem(f"Dockerfile line {number}: ENTRYPOINT must be exec form (JSON), so java is PID 1 and gets SIGTERM")
        else:
            if form[0] not in ("java", "/opt/java/openjdk/bin/java"):
                problem(f"Dockerfile line {number}: ENTRYPOINT should start java, not {form[0]}")
            if form[-2:] != ["-jar", "/opt/cxr/cxr.jar"]:
                problem(f"Dockerfile line {number}: ENTRYPOINT should end with -jar /opt/cxr/cxr.jar")
            if not any(w.startswith("-XX:MaxRAMPercentage=") for w in form):
                problem(f"Dockerfile line {number}: ENTRYPOINT lacks container-aware memory (-XX:MaxRAMPercentage=75)")
        copies = [a for _, a in instructions_of(runtime, "COPY")]
        if not any(copy_arguments(split_flags(a)[1])[1] == "/opt/cxr/cxr.jar" for a in copies):
            problem("Dockerfile: no COPY puts the jar at /opt/cxr/cxr.jar, where the ENTRYPOINT runs it")
    commands = instructions_of(runtime, "CMD")
    if not commands or exec_form(commands[-1][1]) != ["serve"]:
        problem('Dockerfile: the runtime stage should end with CMD ["serve"]')

# compose.yaml and .env.example (needs PyYAML; skipped with a warning without it).
compose_path = os.path.join(root, "compose.yaml")
compose_checked = False
if os.path.isfile(compose_path):
    try:
        import yaml
    except ImportError:
        yaml = None
        warnings.append("PyYAML is missing: compose.yaml not checked (apt-get install python3-yaml)")
    if yaml is not None:
        compose_checked = True
        with open(compose_path, encoding="utf-8") as handle:
            compose_text = handle.read()
        compose = yaml.safe_load(compose_text) or {}
        services = compose.get("services") or {}
        example = {}
        example_path = os.path.join(root, ".env.example")
        if not os.path.isfile(example_path):
            problem("compose.yaml: no .env.example next to it")
        else:
            with open(example_path, encoding="utf-8") as handle:
                for line in handle:
                    line = line.strip()
                    if line and not line.startswith("#") and "=" in line:
                        key, _, value = line.partition("=")
                        example[key.strip()] = value.strip()
        for variable in sorted(set(re.findall(r"\$\{(\w+)", compose_text))):
            if variable not in example:
                problem(f"compose.yaml uses ${{{variable}}}, which .env.example does not list")
        for variable in sorted(set(re.findall(r"\$\{(\w+):\?", compose_text))):
            if example.get(variable, "").strip("\"'"):
                problem(f".env.example gives required secret {variable} a value; leave it empty (no secrets in git)")
        for variable, modifier in re.findall(r"\$\{(\w*PASSWORD\w*)([^}]*)\}", compose_text):
            if not modifier.startswith(":?"):
                problem(f"compose.yaml: every use of {variable} must require it: ${{{variable}:?message}}, not ${{{variable}{modifier}}}")
        declared = set((compose.get("volumes") or {}).keys())
        for name, service in services.items():
            image = service.get("image", "")
            if "build" not in service:
                tag = image.rpartition(":")[2] if ":" in image.rpartition("/")[2] else ""
                if not tag or tag == "latest" or not re.search(r"\d", tag):
                    problem(f"compose.yaml service {name}: pin the image ({image or 'no image'})")
            for dependency, condition in (service.get("depends_on") or {}).items():
                condition = (condition or {}).get("condition") if isinstance(condition, dict) else None
                if dependency not in services:
                    problem(f"compose.yaml service {name} depends on unknown service {dependency}")
                elif condition == "service_healthy" and "healthcheck" not in services[dependency]:
                    problem(f"compose.yaml service {name} waits for {dependency} to be healthy, which has no healthcheck")
            for volume in service.get("volumes") or []:
                source = str(volume).split(":")[0]
                if source.startswith(("./", "/", "${")):
                    if source.startswith("./") and not os.path.exists(os.path.join(root, source)):
                        problem(f"compose.yaml service {name} mounts {source}, which does not exist")
                elif source not in declared:
                    problem(f"compose.yaml service {name} uses volume {source}, not declared under volumes:")
        app = services.get("app") or {}
        if app.get("build") not in (".", {"context": "."}):
            problem("compose.yaml: the app service should build this Dockerfile (build: .)")
        if "airflow" in services and "airflow" not in (services["airflow"].get("profiles") or []):
            problem("compose.yaml: the airflow service belongs in the optional profile 'airflow'")
        for name, service in services.items():
            if name != "minio-bucket" and "healthcheck" not in service and "build" not in service:
                problem(f"compose.yaml service {name} has no healthcheck")
else:
    problem("no compose.yaml at the repository root")

# Shell syntax of every shell-form RUN: bash -n, and sh -n (Docker runs them with /bin/sh -c).
shells = [s for s in ("bash", "sh") if shutil.which(s)]
for stage in stages:
    for number, argument in instructions_of(stage, "RUN"):
        flags, command = split_flags(argument)
        if command.startswith("["):
            continue
        if "<<" in command and re.search(r"<<-?\s*['\"]?[A-Z]+", command):
            warnings.append(f"Dockerfile line {number}: heredoc in RUN not syntax-checked")
            continue
        with tempfile.NamedTemporaryFile("w", suffix=".sh", delete=False) as script:
            script.write(command + "\n")
        try:
            for shell in shells:
                result = subprocess.run([shell, "-n", script.name], capture_output=True, text=True)
                if result.returncode != 0:
                    message = result.stderr.strip().replace(script.name, "RUN")
                    problem(f"Dockerfile line {number} (stage {stage['name']}): {shell} -n: {message}")
        finally:
            os.unlink(script.name)

for message in warnings:
    print(f"check-dockerfile: warning: {message}")
if problems:
    for message in problems:
        print(f"check-dockerfile: FAIL: {message}", file=sys.stderr)
    print(f"check-dockerfile: {len(problems)} problem(s) in Dockerfile, .dockerignore or compose.yaml", file=sys.stderr)
    sys.exit(1)
print(f"check-dockerfile: OK ({len(stages)} stages, {sum(len(s['instructions']) for s in stages)} instructions, "
      f"{len(copied_sources)} COPY sources checked{'; compose.yaml checked' if compose_checked else ''})")
PYTHON
