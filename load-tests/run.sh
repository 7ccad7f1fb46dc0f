#!/usr/bin/env bash
# Builds the server, starts it in embedded (development) mode on a fresh data directory, preloads a data shape,
# runs the Gatling simulations against it and stops it. Reports: load-tests/target/gatling/<simulation>-<time>/.
#
#   load-tests/run.sh [--shape tenants|big] [--auth jwt|open] [--sims "SearchVector Store ..."] [--duration 30]
#                     [--no-build] [--keep] [--settle]
#
# --settle waits after the preload, up to 5 minutes, until the server uses under a tenth of a core: a tenant that
# crossed SOMA_ANN_MIN_VECTORS builds its graph then, and until it is built its searches scan exactly while the
# build takes CPU from them.
#
# Offered rates per simulation (requests/s) come from the environment: RATE_SEARCH (5000), RATE_STORE (2000),
# RATE_TEXT (100), RATE_MIXED (2000), RATE_OVERLOAD (2 x RATE_SEARCH). SOMA_JAVA_OPTS sets the server's JVM flags.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
shape=tenants auth=jwt duration=30 build=true keep=false settle=false
sims="SearchVector SearchText Store Mixed Overload"
while [ $# -gt 0 ]; do
  case "$1" in
    --shape) shape="$2"; shift 2 ;;
    --auth) auth="$2"; shift 2 ;;
    --sims) sims="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --no-build) build=false; shift ;;
    --keep) keep=true; shift ;;
    --settle) settle=true; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

if [ -z "${JAVA_HOME:-}" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-2[1-9]* /usr/lib/jvm/java-2[1-9]-*; do
    if [ -x "$candidate/bin/java" ]; then export JAVA_HOME="$candidate"; break; fi
  done
fi
export PATH="$JAVA_HOME/bin:$PATH"
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
mvn=("$root/mvnw" -B -q -f "$here/pom.xml")

if $build || [ ! -f "$root/target/soma.jar" ]; then
  (cd "$root" && ./mvnw -B -q -DskipTests package)
fi
"${mvn[@]}" test-compile

port="${PORT:-19595}"
url="http://127.0.0.1:$port"
data="$(mktemp -d)"
mkdir -p "$here/target"
secret="load-test-secret-$(date +%s)-0123456789abcdef0123456789"
server_env=(MEMORY_MODE=development SOMA_DATA_DIR="$data" SOMA_API_PORT="$port")
[ "$auth" = jwt ] && server_env+=(SOMA_JWT_SECRET="$secret")
env "${server_env[@]}" SOMA_JAVA_OPTS="${SOMA_JAVA_OPTS:--Xmx4g}" "$root/bin/soma" serve > "$here/target/server.log" 2>&1 &
server=$!
stop() {
  kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  if $keep; then echo "data kept in $data"; else rm -rf "$data"; fi
}
trap stop EXIT
for _ in $(seq 1 240); do
  curl -fs "$url/readyz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { echo "the server did not start:"; tail -20 "$here/target/server.log"; exit 1; }
  sleep 0.5
done
curl -fs "$url/readyz" >/dev/null || { echo "the server is not ready after 120 s"; exit 1; }

props=(-DbaseUrl="$url" -Dshape="$shape" -Dduration="$duration")
[ "$auth" = jwt ] && props+=(-Djwt.secret="$secret")
run() {
  local sim="$1"; shift
  echo "== $sim $* (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  "${mvn[@]}" gatling:test -Dgatling.simulationClass="org.somafractal.load.${sim}Simulation" "${props[@]}" "$@" \
    > "$here/target/$sim-$shape.log" 2>&1 && status=ok || status=FAILED
  sed -n '/Global Information/,/^=====/p' "$here/target/$sim-$shape.log" | grep -E 'request count|throughput|percentile|Global'
  grep -E 'Global: .*(true|false)' "$here/target/$sim-$shape.log" || true
  echo "   -> $status (log: load-tests/target/$sim-$shape.log)"
}

start=$(date +%s)
run Preload
echo "   preload took $(( $(date +%s) - start )) s"
if [ "$settle" = true ]; then
  ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
  hz="$(getconf CLK_TCK)"
  start=$(date +%s)
  while [ $(( $(date +%s) - start )) -lt 300 ]; do
    before=$(ticks); sleep 2; after=$(ticks)
    [ $(( (after - before) * 10 )) -lt $(( 2 * hz )) ] && break
  done
  echo "   settled after $(( $(date +%s) - start )) s"
fi
search_rate="${RATE_SEARCH:-5000}"
for sim in $sims; do
  case "$sim" in
    SearchVector) run SearchVector -Drate="$search_rate" ;;
    SearchText) run SearchText -Drate="${RATE_TEXT:-100}" ;;
    Store) run Store -Drate="${RATE_STORE:-2000}" ;;
    Mixed) run Mixed -Drate="${RATE_MIXED:-2000}" ;;
    Overload) run Overload -Drate="${RATE_OVERLOAD:-$(( search_rate * 2 ))}" ;;
    *) echo "unknown simulation $sim" >&2 ;;
  esac
done
grep -E 'WARN|ERROR' "$here/target/server.log" | tail -5 || true
