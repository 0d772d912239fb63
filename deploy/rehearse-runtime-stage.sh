#!/usr/bin/env bash
# Rehearses the Dockerfile's runtime stage on this machine, without Docker: its RUN commands, its user, its
# ENTRYPOINT + CMD and its HEALTHCHECK, on a throwaway copy of this (Debian) system.
#
#   bash deploy/rehearse-runtime-stage.sh      # as root (CI is); needs app/target/cxr.jar
#
# How: in private mount and PID namespaces, an overlay of / (writes go to a tmpfs, never to the host) becomes the
# container's root. There the stage's RUN commands run with /bin/sh -c as Docker runs them, the jar is copied where
# COPY --from=build puts it, and the entrypoint starts as the stage's USER with the stage's ENV and WORKDIR, until the
# HEALTHCHECK command (run as in the image) passes. Then: health is public, the API asks for sign-in, the process runs
# as that uid, the data directory is its, and the health check fails once the server is gone. When the script ends,
# the namespaces end with it: every process in them is killed and every mount is gone.
#
# What it cannot prove: the image's base is Ubuntu noble with Temurin's JRE, this is Debian with its own JDK (`java`
# on the PATH); the network is the host's, so the server gets a free port instead of 8080 (SERVER_PORT, which the
# HEALTHCHECK follows).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/app/target/cxr.jar"

if [ "${1:-}" != "--inside" ]; then
  [ "$(id -u)" -eq 0 ] || { echo "rehearse-runtime-stage: run as root (namespaces and an overlay mount are needed)" >&2; exit 2; }
  for tool in unshare setpriv chroot curl python3; do
    command -v "$tool" > /dev/null || { echo "rehearse-runtime-stage: $tool is missing" >&2; exit 2; }
  done
  [ -f "$jar" ] || { echo "rehearse-runtime-stage: $jar is missing; build it first: ./mvnw -B -DskipTests -pl app -am package" >&2; exit 2; }
  work=$(mktemp -d "${TMPDIR:-/tmp}/cxr-rehearsal.XXXXXX")
  # --kill-child: when unshare ends, the namespace's first process is killed, and the kernel kills the rest with it.
  # unshare itself ignores SIGTERM, so a stopped rehearsal (CI cancelled) kills it outright.
  unshare --mount --pid --fork --kill-child --mount-proc bash "$0" --inside "$work" &
  rehearsal=$!
  trap 'kill -KILL "$rehearsal" 2> /dev/null || true; wait "$rehearsal" 2> /dev/null || true; rm -rf "$work"' EXIT
  trap 'exit 130' INT TERM
  status=0
  wait "$rehearsal" || status=$?
  if getent passwd 10001 > /dev/null && [ ! -f "$work/host-had-10001" ]; then
    echo "rehearse-runtime-stage: FAILED: the host now has a user 10001" >&2
    status=1
  fi
  exit $status
fi

# ---------------------------------------------------------------------------------------------- inside the namespaces
work="$2"
log() { echo "rehearse-runtime-stage: $*"; }
fail() { echo "rehearse-runtime-stage: FAILED: $*" >&2; exit 1; }
getent passwd 10001 > /dev/null && touch "$work/host-had-10001"

# 1. What the runtime stage says, read from the Dockerfile (the last stage), as shell variables.
eval "$(python3 - "$root/Dockerfile" <<'PYTHON'
import json, shlex, sys

lines, current = [], ""
for raw in open(sys.argv[1], encoding="utf-8"):
    line = raw.rstrip("\n")
    if not current and (not line.strip() or line.lstrip().startswith("#")):
        continue
    if current and line.lstrip().startswith("#"):
        continue  # a comment inside a continued instruction
    if line.endswith("\\"):
        current += line[:-1] + " "
        continue
    lines.append((current + line).strip())
    current = ""

stages = []
for line in lines:
    keyword, _, argument = line.partition(" ")
    keyword = keyword.upper()
    if keyword == "FROM":
        stages.append([])
    elif stages:
        stages[-1].append((keyword, argument.strip()))
runtime = stages[-1]

runs, env, copies = [], [], []
user = workdir = entrypoint = cmd = healthcheck = None
for keyword, argument in runtime:
    if keyword == "RUN":
        if argument.startswith("["):
            raise SystemExit("exec-form RUN is not rehearsed: " + argument)
        runs.append(argument)
    elif keyword == "ENV":
        env.extend(shlex.split(argument))
    elif keyword == "USER":
        user = argument
    elif keyword == "WORKDIR":
        workdir = argument
    elif keyword == "COPY" and argument.startswith("--from="):
        parts = argument.split()
        copies.append((parts[1], parts[2]))
    elif keyword == "ENTRYPOINT":
        entrypoint = json.loads(argument)
    elif keyword == "CMD":
        cmd = json.loads(argument)
    elif keyword == "HEALTHCHECK":
        healthcheck = json.loads(argument[argument.index("CMD") + 3:].strip())

if len(copies) != 1 or not copies[0][0].endswith("/app/target/cxr.jar"):
    raise SystemExit("expected one COPY --from=build of app/target/cxr.jar, found " + repr(copies))
print("RUNS=(" + " ".join(shlex.quote(r) for r in runs) + ")")
print("ENVS=(" + " ".join(shlex.quote(e) for e in env) + ")")
print("USER_SPEC=" + shlex.quote(user or ""))
print("WORKDIR=" + shlex.quote(workdir or "/"))
print("JAR_DESTINATION=" + shlex.quote(copies[0][1]))
print("COMMAND=(" + " ".join(shlex.quote(c) for c in entrypoint + cmd) + ")")
print("HEALTHCHECK=(" + " ".join(shlex.quote(c) for c in healthcheck) + ")")
PYTHON
)"
[ -n "$USER_SPEC" ] || fail "the runtime stage sets no USER"
uid=${USER_SPEC%%:*}
gid=${USER_SPEC#*:}
log "runtime stage: ${#RUNS[@]} RUN, USER $USER_SPEC, WORKDIR $WORKDIR, command: ${COMMAND[*]}"

# 2. The container's root: an overlay of / whose writes land in a tmpfs of this namespace.
mount --make-rprivate /
mkdir -p "$work/layers"
mount -t tmpfs -o size=4g tmpfs "$work/layers"
mkdir -p "$work/layers/upper" "$work/layers/work" "$work/layers/root"
mount -t overlay overlay -o "lowerdir=/,upperdir=$work/layers/upper,workdir=$work/layers/work" "$work/layers/root" \
  || { echo "rehearse-runtime-stage: cannot mount an overlay of / here" >&2; exit 3; }
top="$work/layers/root"
mount --rbind /dev "$top/dev"
mount -t proc proc "$top/proc"
mount --rbind /sys "$top/sys"
mount -t tmpfs tmpfs "$top/tmp"
# What the image does not have and the host does must not help: no earlier cxr data, no host user 10001.
if [ -e "$top$WORKDIR" ]; then rm -rf "${top:?}$WORKDIR"; fi
in_container() { chroot "$top" "$@"; }

# 3. The stage's RUN commands, as Docker runs them.
for command in "${RUNS[@]}"; do
  in_container /bin/sh -c "$command" || fail "RUN failed: $command"
done
log "RUN commands: OK"
in_container getent passwd "$uid" > /dev/null || fail "no user $uid after the RUN commands"

# 4. COPY --from=build: the jar, owned by root, readable by all.
mkdir -p "$top$(dirname "$JAR_DESTINATION")"
install -o root -g root -m 0644 "$jar" "$top$JAR_DESTINATION"

# 5. The entrypoint as the stage's user, with its ENV and WORKDIR; a free port, embedded servers on free ports.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
admin_password=$(head -c 15 /dev/urandom | base64 | tr -d '/+=' | head -c 20)
environment=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME="$WORKDIR" "${ENVS[@]}"
  SERVER_PORT="$port" CXR_EMBEDDED_POSTGRES_PORT=0 CXR_EMBEDDED_S3_PORT=0 CXR_EMBEDDED_WAREHOUSE_PORT=0
  CXR_ADMIN_PASSWORD="$admin_password" CXR_BACKUP_CRON=- CXR_WAREHOUSE_CRON=-)
as_user() { chroot --userspec="$uid:$gid" --groups="$gid" "$top" /usr/bin/env -i "${environment[@]}" "$@"; }
log "java: $(as_user java -version 2>&1 | head -1) (the host's; the image has Temurin's)"
started=$(date +%s)
chroot --userspec="$uid:$gid" --groups="$gid" "$top" /usr/bin/env -i "${environment[@]}" /bin/sh -c 'cd "$1" && shift && exec "$@"' - "$WORKDIR" "${COMMAND[@]}" \
  > "$work/server.log" 2>&1 &
server=$!

# 6. The HEALTHCHECK, as Docker would run it, until it passes.
healthy=""
for _ in $(seq 1 120); do
  kill -0 "$server" 2> /dev/null || { tail -60 "$work/server.log"; fail "the server exited"; }
  if as_user "${HEALTHCHECK[@]}" > /dev/null 2>&1; then healthy=yes; break; fi
  sleep 2
done
[ -n "$healthy" ] || { tail -60 "$work/server.log"; fail "the HEALTHCHECK did not pass within 240 s"; }
log "HEALTHCHECK passed after $(( $(date +%s) - started )) s"

# 7. From outside: health public, API behind sign-in; the process's uid; the data directory is the user's.
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/actuator/health")" = 200 ] || fail "/actuator/health is not 200"
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/v1/model")" = 401 ] || fail "/api/v1/model is not 401 without sign-in"
[ "$(curl -s -o /dev/null -w '%{http_code}' -u "admin:$admin_password" "http://127.0.0.1:$port/api/v1/users")" = 200 ] \
  || fail "the admin made from CXR_ADMIN_PASSWORD cannot sign in"
java_pid=$(pgrep -f -- "-jar $JAR_DESTINATION" | head -1)
effective_uid=$(awk '/^Uid:/ {print $3}' "/proc/$java_pid/status")
[ "$effective_uid" = "$uid" ] || fail "the server runs as uid $effective_uid, not $uid"
data_directory=$(printf '%s\n' "${ENVS[@]}" | sed -n 's/^CXR_DATA_DIR=//p')
[ "$(stat -c %u "$top$data_directory")" = "$uid" ] || fail "$data_directory is not owned by $uid"
for folder in postgres s3 warehouse; do
  [ -d "$top$data_directory/$folder" ] || fail "no $folder/ in the data directory"
done
if pgrep -u 0 -f postgres > /dev/null; then fail "a postgres runs as root"; fi
log "server as uid $effective_uid, data in $data_directory (postgres/, s3/, warehouse/) owned by it, health public, API signed in: OK"

# 8. Stop it (SIGTERM, as docker stop does); the HEALTHCHECK must then fail.
kill -TERM "$java_pid"
for _ in $(seq 1 60); do kill -0 "$java_pid" 2> /dev/null || break; sleep 1; done
kill -0 "$java_pid" 2> /dev/null && fail "the server did not stop within 60 s of SIGTERM"
if as_user "${HEALTHCHECK[@]}" > /dev/null 2>&1; then fail "the HEALTHCHECK passes with no server"; fi
log "stopped on SIGTERM; HEALTHCHECK fails without a server: OK"
log "OK"
