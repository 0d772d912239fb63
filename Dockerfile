# syntax=docker/dockerfile:1
#
# The cxr web application (and its command line) as one container image.
#
#   docker build -t cxr:local .
#   docker run -p 8080:8080 -e CXR_ADMIN_PASSWORD=... cxr:local                # embedded PostgreSQL, S3 and warehouse
#   docker run -v "$PWD/my-model:/models:ro" -e CXR_MODEL_DIR=/models ... cxr:local
#   docker run ... cxr:local backup                                             # any ./cxr command instead of serve
#
# deploy/check-dockerfile.sh checks this file without Docker; docs/deploy.md explains every setting.
# Both base images are pinned to one Temurin release (17.0.20.1+1, Ubuntu 24.04 "noble": glibc, which ONNX Runtime's
# and embedded PostgreSQL's native code need). Pin by digest too (image@sha256:...) once you mirror them.

############################## build: the runnable jar, exactly as ./cxr builds it ##############################
FROM eclipse-temurin:17.0.20.1_1-jdk-noble AS build
WORKDIR /src

# 1. The Maven wrapper: this layer (Maven itself) is rebuilt only when the wrapper changes.
COPY mvnw ./
COPY .mvn/ .mvn/
RUN chmod +x mvnw && ./mvnw -B -q --version

# 2. Every pom of the reactor (Maven reads all modules listed in pom.xml, bench included, even with -pl).
#    The dependency layer below is rebuilt only when a pom changes, not on every source edit. go-offline is a
#    prefetch: what it misses (it is known not to see every plugin dependency) the package step downloads.
COPY pom.xml ./
COPY imaging/pom.xml imaging/
COPY detector/pom.xml detector/
COPY phantom/pom.xml phantom/
COPY lake/pom.xml lake/
COPY backup/pom.xml backup/
COPY warehouse/pom.xml warehouse/
COPY datamart/pom.xml datamart/
COPY app/pom.xml app/
COPY bench/pom.xml bench/
COPY spark/pom.xml spark/
RUN ./mvnw -B -q -pl app -am org.apache.maven.plugins:maven-dependency-plugin:3.8.1:go-offline -DexcludeGroupIds=org.cxr \
    || echo "cxr: dependency prefetch incomplete; the package step downloads the rest" >&2

# 3. The sources of the modules the application is built from, and the demo model it bundles.
COPY imaging/src imaging/src
COPY detector/src detector/src
COPY phantom/src phantom/src
COPY lake/src lake/src
COPY backup/src backup/src
COPY warehouse/src warehouse/src
COPY datamart/src datamart/src
COPY app/src app/src
COPY models/demo/ models/demo/
RUN ./mvnw -B -DskipTests -pl app -am package

############################## runtime: a JRE, the jar, and nothing else ##############################
FROM eclipse-temurin:17.0.20.1_1-jre-noble AS runtime

LABEL org.opencontainers.image.title="cxr" \
      org.opencontainers.image.description="Chest X-ray abnormality detection platform (web application and pipelines). Not for clinical use." \
      org.opencontainers.image.base.name="docker.io/library/eclipse-temurin:17.0.20.1_1-jre-noble"

# A fixed, non-root user: embedded PostgreSQL's initdb refuses root, and nothing here needs root.
# /var/lib/cxr is the data directory (embedded servers, data mart); /models is where a model folder is mounted
# (read-only) for CXR_MODEL_DIR=/models. Without it the demo model bundled in the jar is used.
RUN set -eu; \
    groupadd --system --gid 10001 cxr; \
    useradd --system --uid 10001 --gid cxr --home-dir /var/lib/cxr --no-create-home --shell /usr/sbin/nologin cxr; \
    mkdir -p /opt/cxr /var/lib/cxr /models; \
    chown cxr:cxr /var/lib/cxr; \
    chmod 0750 /var/lib/cxr

# Owned by root and read-only for the application user.
COPY --from=build /src/app/target/cxr.jar /opt/cxr/cxr.jar

# ORT_DISABLE_TELEMETRY: a medical application sends no telemetry (./cxr sets it too).
ENV ORT_DISABLE_TELEMETRY=1 \
    CXR_DATA_DIR=/var/lib/cxr \
    SERVER_PORT=8080

# Declared after the chown above, so a new named volume starts owned by the application user.
VOLUME ["/var/lib/cxr"]
EXPOSE 8080
USER 10001:10001
WORKDIR /var/lib/cxr

# The health check installs nothing: bash's /dev/tcp sends one HTTP request to the readiness group (model, database,
# object store) and accepts only a 200 status line. curl is in today's Temurin base, but Adoptium keeps it only "for
# historical reasons" (adoptium/containers#255), so relying on it could break on a base update; installing our own
# would add a package (and its CVEs) to the image for one probe. A JVM-based check would take seconds of CPU each time.
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${SERVER_PORT:-8080} && printf 'GET /actuator/health/readiness HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && IFS= read -r -t 4 status <&3 && [[ $status == 'HTTP/1.'?' 200'* ]]"]

# Container-aware memory: the heap takes 75% of the container's limit, the rest is left to ONNX Runtime's native
# memory, metaspace and threads. More JVM flags: JAVA_TOOL_OPTIONS (the JVM reads it; CXR_JAVA_OPTS is ./cxr's).
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/cxr/cxr.jar"]
CMD ["serve"]
