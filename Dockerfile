# syntax=docker/dockerfile:1
# SomaFractalMemory: the server (and `soma consumer`) as a container image.
#
# Stage 1 builds target/soma.jar with the Maven wrapper on a JDK 25, the command CI runs minus the tests (CI runs
# them on every change). Stage 2 runs that same jar on a JRE 25 as a non-root user, with the JVM flags bin/soma
# gives it: the incubating Vector API for the fast core and native access for ONNX Runtime and SQLite.
#
#   docker build -t soma-fractal-memory:0.1.0 .
#   docker run -p 9595:9595 -v soma-data:/data soma-fractal-memory:0.1.0          # development mode, SQLite in /data
#
# Configuration is the environment: every key of the README's table (MEMORY_MODE, POSTGRES_URL, REDIS_URL, ...).

FROM eclipse-temurin:25.0.3_9-jdk-noble AS build
WORKDIR /build
COPY mvnw pom.xml ./
COPY .mvn/ .mvn/
COPY src/ src/
RUN --mount=type=cache,target=/root/.m2 \
    MAVEN_OPTS="--sun-misc-unsafe-memory-access=allow" ./mvnw -B -q -DskipTests package

FROM eclipse-temurin:25.0.3_9-jre-noble
RUN groupadd --system --gid 10001 soma \
    && useradd --system --uid 10001 --gid soma --home-dir /app --shell /usr/sbin/nologin soma \
    && mkdir -p /app /data \
    && chown soma:soma /data
WORKDIR /app
COPY --from=build /build/target/soma.jar /app/soma.jar
# Listen on every interface of the container; keep SQLite (development mode) on the volume. The native libraries
# unpack under /tmp (the tokenizer's under DJL_CACHE_DIR, by default the home directory), so a read-only root file
# system with a writable /tmp suffices.
ENV SOMA_API_HOST=0.0.0.0 \
    SOMA_API_PORT=9595 \
    SOMA_DATA_DIR=/data \
    DJL_CACHE_DIR=/tmp/djl
USER soma
VOLUME ["/data"]
EXPOSE 9595
# Liveness without curl (not in the JRE image): an HTTP GET /healthz over bash's /dev/tcp.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/9595 && printf 'GET /healthz HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
# The heap follows the container's memory limit; JAVA_TOOL_OPTIONS adds flags without rebuilding.
ENTRYPOINT ["java", "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-XX:MaxGCPauseMillis=20", "-XX:MaxRAMPercentage=75", "-jar", "/app/soma.jar"]
CMD ["serve"]
