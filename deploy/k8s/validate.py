#!/usr/bin/env python3
"""Offline checks of the Kubernetes manifests in this folder (no cluster, no kubectl): python3 with PyYAML.

    /usr/bin/python3 deploy/k8s/validate.py        (Debian: apt-get install python3-yaml)

Checks:
  - every YAML document has apiVersion, kind and metadata.name, and no metadata.namespace (the set is namespace-less);
  - known kinds have their required fields (Deployment, Service, ConfigMap, Secret, PodDisruptionBudget,
    Kustomization), ConfigMap/Secret values are strings;
  - the Deployment's selector matches its pod template's labels; the Service's and the PDB's selectors select it;
  - probes: readiness on /actuator/health/readiness, liveness on /actuator/health/liveness, a startup probe on a
    health endpoint, each on a port the container declares;
  - the Service's targetPort is a port (by name or number) of the container;
  - every configMapKeyRef / secretKeyRef / envFrom / configMap volume names a ConfigMap or Secret defined here (the
    Secret in secret.example.yaml) and a key it has, unless marked optional;
  - the cluster uses external services: the database URL, S3 region or endpoint and warehouse URI are set (the embedded
    servers would give every replica its own data), replicas >= 2;
  - security: runAsNonRoot with a non-root uid, readOnlyRootFilesystem with a writable /tmp volume, no privilege
    escalation, resources requests and a memory limit, no ":latest" image;
  - secret.example.yaml holds placeholders only;
  - kustomization.yaml lists every manifest in the folder (except *.example.yaml, kept out on purpose) and only files
    that exist.
Prints one line per problem and exits 1, or prints a summary and exits 0.
"""

import os
import re
import sys

try:
    import yaml
except ImportError:
    print("validate.py needs PyYAML: apt-get install python3-yaml (or pip install pyyaml), "
          "or run it with /usr/bin/python3", file=sys.stderr)
    sys.exit(2)

HERE = os.path.dirname(os.path.abspath(__file__))
HEALTH = "/actuator/health"
EXTERNAL = {
    "database": ("CXR_DATABASE_URL",),
    "object store (S3)": ("CXR_S3_REGION", "CXR_S3_ENDPOINT"),
    "warehouse": ("CXR_WAREHOUSE_URI",),
}

problems = []


def problem(where, message):
    problems.append(f"{where}: {message}")


def get(document, path, default=None):
    value = document
    for key in path.split("."):
        if not isinstance(value, dict) or key not in value:
            return default
        value = value[key]
    return value


def load():
    """{file name: [documents]} of every .yaml/.yml file here."""
    files = {}
    for name in sorted(os.listdir(HERE)):
        if not name.endswith((".yaml", ".yml")):
            continue
        with open(os.path.join(HERE, name), encoding="utf-8") as handle:
            try:
                files[name] = [d for d in yaml.safe_load_all(handle) if d is not None]
            except yaml.YAMLError as error:
                problem(name, f"not valid YAML: {error}")
                files[name] = []
    return files


def where(name, document):
    return f"{name} {document.get('kind', '?')}/{get(document, 'metadata.name', '?')}"


def require(label, document, *paths):
    for path in paths:
        if get(document, path) in (None, "", [], {}):
            problem(label, f"missing {path}")


def check_common(name, document):
    label = where(name, document)
    if document.get("kind") == "Kustomization":
        require(label, document, "apiVersion", "kind")
        return
    require(label, document, "apiVersion", "kind", "metadata.name")
    if get(document, "metadata.namespace"):
        problem(label, "has metadata.namespace; the manifests are namespace-less (kubectl apply -k ... -n NS)")


def selects(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def check_deployment(name, document, configmaps, secrets, services, pdbs):
    label = where(name, document)
    require(label, document, "spec.selector.matchLabels", "spec.template.metadata.labels", "spec.template.spec.containers")
    selector = get(document, "spec.selector.matchLabels", {}) or {}
    labels = get(document, "spec.template.metadata.labels", {}) or {}
    if not selects(selector, labels):
        problem(label, f"selector {selector} does not match the pod template labels {labels}")
    if (get(document, "spec.replicas", 1) or 1) < 2:
        problem(label, "replicas < 2: the cluster setup runs two replicas sharing one database")
    pod = get(document, "spec.template.spec", {}) or {}
    pod_security = pod.get("securityContext") or {}
    volumes = {v.get("name"): v for v in pod.get("volumes") or []}
    for volume_name, volume in volumes.items():
        if "configMap" in volume:
            reference = volume["configMap"].get("name")
            if reference not in configmaps and not volume["configMap"].get("optional"):
                problem(label, f"volume {volume_name} mounts ConfigMap {reference}, which is not defined here (mark it optional)")

    containers = pod.get("containers") or []
    for container in containers:
        clabel = f"{label} container {container.get('name', '?')}"
        require(clabel, container, "name", "image")
        image = str(container.get("image", ""))
        if image.endswith(":latest"):
            problem(clabel, "image tag :latest; pin a version (kustomization images:)")
        ports = {p.get("name"): p.get("containerPort") for p in container.get("ports") or []}
        numbers = set(ports.values())
        if not numbers:
            problem(clabel, "declares no containerPort")

        def port_ok(port):
            return port in ports or port in numbers

        probes = {
            "readinessProbe": HEALTH + "/readiness",
            "livenessProbe": HEALTH + "/liveness",
            "startupProbe": None,
        }
        for probe_name, expected in probes.items():
            probe = container.get(probe_name)
            if not probe:
                problem(clabel, f"no {probe_name}")
                continue
            path = get(probe, "httpGet.path")
            port = get(probe, "httpGet.port")
            if path is None:
                problem(clabel, f"{probe_name} is not an httpGet on a health endpoint")
                continue
            if expected and path != expected:
                problem(clabel, f"{probe_name} asks {path}, expected {expected}")
            if not expected and not str(path).startswith(HEALTH):
                problem(clabel, f"{probe_name} asks {path}, not a health endpoint ({HEALTH}/...)")
            if not port_ok(port):
                problem(clabel, f"{probe_name} port {port!r} is not a port of the container {sorted(ports)}")

        # Services and their targetPort.
        for service_name, (service_label, service) in services.items():
            if not selects(get(service, "spec.selector", {}) or {}, labels):
                continue
            for port in get(service, "spec.ports", []) or []:
                target = port.get("targetPort", port.get("port"))
                if not port_ok(target):
                    problem(service_label, f"targetPort {target!r} is not a port of container {container.get('name')} "
                                           f"({sorted(str(p) for p in ports)} / {sorted(numbers)})")

        # Environment references.
        env_names = {}
        for source in container.get("envFrom") or []:
            if "configMapRef" in source:
                reference = source["configMapRef"].get("name")
                if reference not in configmaps:
                    problem(clabel, f"envFrom ConfigMap {reference} is not defined here")
                else:
                    env_names.update({k: ("configmap", reference) for k in configmaps[reference]})
            if "secretRef" in source:
                reference = source["secretRef"].get("name")
                if reference not in secrets:
                    problem(clabel, f"envFrom Secret {reference} is not in secret.example.yaml")
                else:
                    env_names.update({k: ("secret", reference) for k in secrets[reference]})
        for variable in container.get("env") or []:
            variable_name = variable.get("name")
            env_names[variable_name] = ("env", variable.get("value"))
            for kind, known in (("configMapKeyRef", configmaps), ("secretKeyRef", secrets)):
                reference = get(variable, f"valueFrom.{kind}")
                if not reference:
                    continue
                source, key = reference.get("name"), reference.get("key")
                if source not in known:
                    problem(clabel, f"env {variable_name}: {kind} {source} is not defined here")
                elif key not in known[source]:
                    problem(clabel, f"env {variable_name}: {kind} {source} has no key {key}")
        for variable in env_names:
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", str(variable)):
                problem(clabel, f"invalid environment variable name {variable!r}")

        # External services: the embedded ones would be per pod.
        values = {}
        for key, (kind, detail) in env_names.items():
            if kind == "configmap":
                values[key] = configmaps[detail].get(key)
            elif kind == "secret":
                values[key] = secrets[detail].get(key)
            else:
                values[key] = detail
        for variable in container.get("env") or []:
            if get(variable, "valueFrom.secretKeyRef"):
                reference = variable["valueFrom"]["secretKeyRef"]
                values[variable["name"]] = secrets.get(reference.get("name"), {}).get(reference.get("key"))
            if get(variable, "valueFrom.configMapKeyRef"):
                reference = variable["valueFrom"]["configMapKeyRef"]
                values[variable["name"]] = configmaps.get(reference.get("name"), {}).get(reference.get("key"))
        for service, keys in EXTERNAL.items():
            if not any(str(values.get(key) or "").strip() for key in keys):
                problem(clabel, f"no external {service} ({' or '.join(keys)}): each replica would start an embedded one")
        if str(values.get("CXR_WAREHOUSE_TLS", "")).lower() == "true":
            ca = values.get("CXR_WAREHOUSE_CA_FILE")
            mounts = [m.get("mountPath", "") for m in container.get("volumeMounts") or []]
            if ca and not any(str(ca).startswith(m.rstrip("/") + "/") for m in mounts):
                problem(clabel, f"CXR_WAREHOUSE_CA_FILE {ca} is not under a mounted volume")

        # Security and resources.
        security = container.get("securityContext") or {}
        run_as_non_root = security.get("runAsNonRoot", pod_security.get("runAsNonRoot"))
        uid = security.get("runAsUser", pod_security.get("runAsUser"))
        if run_as_non_root is not True:
            problem(clabel, "runAsNonRoot is not true")
        if uid is not None and int(uid) == 0:
            problem(clabel, "runAsUser 0")
        if security.get("allowPrivilegeEscalation") is not False:
            problem(clabel, "allowPrivilegeEscalation is not false")
        if security.get("readOnlyRootFilesystem") is not True:
            problem(clabel, "readOnlyRootFilesystem is not true")
        mounts = {m.get("mountPath"): m.get("name") for m in container.get("volumeMounts") or []}
        if "/tmp" not in mounts:
            problem(clabel, "a read-only root filesystem needs a writable /tmp (emptyDir): ONNX Runtime unpacks there")
        for path, volume_name in mounts.items():
            if volume_name not in volumes:
                problem(clabel, f"volumeMount {path} names volume {volume_name}, which the pod does not define")
        if "/tmp" in mounts and "emptyDir" not in volumes.get(mounts["/tmp"], {}):
            problem(clabel, "/tmp is not an emptyDir")
        if not get(container, "resources.requests.cpu") or not get(container, "resources.requests.memory"):
            problem(clabel, "no cpu/memory requests")
        if not get(container, "resources.limits.memory"):
            problem(clabel, "no memory limit (the JVM sizes its heap from it: -XX:MaxRAMPercentage)")

    # The PDBs and Services must select this Deployment's pods.
    for pdb_label, pdb in pdbs:
        if not selects(get(pdb, "spec.selector.matchLabels", {}) or {}, labels):
            problem(pdb_label, f"selector does not match the Deployment's pod labels {labels}")
    for service_label, service in services.values():
        if not selects(get(service, "spec.selector", {}) or {}, labels):
            problem(service_label, f"selector does not match the Deployment's pod labels {labels}")


def check_kustomization(name, document, files):
    label = f"{name}"
    resources = document.get("resources") or []
    if not resources:
        problem(label, "lists no resources")
    for resource in resources:
        if not os.path.isfile(os.path.join(HERE, resource)):
            problem(label, f"lists {resource}, which does not exist")
        if resource.endswith(".example.yaml"):
            problem(label, f"lists {resource}: example files hold placeholders and must not be applied")
    expected = {n for n in files if n not in ("kustomization.yaml", "kustomization.yml") and not n.endswith(".example.yaml")}
    for missing in sorted(expected - set(resources)):
        problem(label, f"does not list {missing}")
    for image in document.get("images") or []:
        if image.get("newTag") in (None, "", "latest") and not image.get("digest"):
            problem(label, f"image {image.get('name')} has no pinned newTag/digest")


def main():
    files = load()
    if "kustomization.yaml" not in files:
        problem("deploy/k8s", "no kustomization.yaml")
    configmaps, secrets, services, pdbs, deployments = {}, {}, {}, [], []
    counts = {}
    for name, documents in files.items():
        for document in documents:
            if not isinstance(document, dict):
                problem(name, "a document is not a mapping")
                continue
            check_common(name, document)
            kind = document.get("kind")
            counts[kind] = counts.get(kind, 0) + 1
            label = where(name, document)
            if kind == "ConfigMap":
                data = document.get("data") or {}
                for key, value in data.items():
                    if not isinstance(value, str):
                        problem(label, f"{key} is {type(value).__name__}, not a string: quote it")
                configmaps[get(document, "metadata.name")] = data
            elif kind == "Secret":
                data = dict(document.get("data") or {}, **(document.get("stringData") or {}))
                if not data:
                    problem(label, "has neither data nor stringData")
                for key, value in data.items():
                    if not isinstance(value, str):
                        problem(label, f"{key} is not a string: quote it")
                if name.endswith(".example.yaml"):
                    for key, value in (document.get("stringData") or {}).items():
                        if "REPLACE_ME" not in str(value):
                            problem(label, f"{key} holds a value, not a REPLACE_ME placeholder: no real secrets here")
                else:
                    problem(label, "a Secret outside *.example.yaml: real secrets come from the cluster, not from git")
                secrets[get(document, "metadata.name")] = data
            elif kind == "Service":
                require(label, document, "spec.selector", "spec.ports")
                for port in get(document, "spec.ports", []) or []:
                    if "port" not in port:
                        problem(label, "a port without port:")
                services[get(document, "metadata.name")] = (label, document)
            elif kind == "PodDisruptionBudget":
                require(label, document, "spec.selector.matchLabels")
                if get(document, "spec.minAvailable") is None and get(document, "spec.maxUnavailable") is None:
                    problem(label, "needs minAvailable or maxUnavailable")
                pdbs.append((label, document))
            elif kind == "Deployment":
                deployments.append((name, document))
            elif kind == "Kustomization":
                check_kustomization(name, document, files)
            else:
                problem(label, f"unexpected kind {kind}: add its checks to validate.py")
    if len(deployments) != 1:
        problem("deploy/k8s", f"expected one Deployment, found {len(deployments)}")
    for name, document in deployments:
        check_deployment(name, document, configmaps, secrets, services, pdbs)
    for kind in ("Service", "ConfigMap", "PodDisruptionBudget", "Secret"):
        if not counts.get(kind):
            problem("deploy/k8s", f"no {kind}")

    if problems:
        for message in problems:
            print(f"validate: FAIL: {message}", file=sys.stderr)
        print(f"validate: {len(problems)} problem(s) in deploy/k8s", file=sys.stderr)
        return 1
    summary = ", ".join(f"{count} {kind}" for kind, count in sorted(counts.items()))
    print(f"validate: OK ({summary}; files: {', '.join(files)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
