# shellcheck shell=bash
# Host-side HTTP services for the container tests: the "PostgreSQL installed with apt" of
# Dokku's blog recipe ("Connecting to network processes running directly on the host", dokku.com/blog, 2024),
# played by `python3 -m http.server` as there, bound to exactly the address a test names.
# Source this file; it sets no shell options of its own.
#
# State lives in files (one dir per port) rather than shell variables, so a service started in
# a `run` subshell can still be stopped. Under bats the files are scoped: a service started in a
# test (or its setup) belongs to that test, one started in setup_file to the file, so a test's
# host_service_stop_all never touches a parallel test's services nor the file-level ones.
# Only 127.0.0.1, 0.0.0.0 or the docker0 address should ever be passed as ADDR.

HOST_SERVICE_PYTHON="${HOST_SERVICE_PYTHON:-python3}"

# The state dir of the current scope (HOST_SERVICE_DIR overrides).
host_service_dir() {
  echo "${HOST_SERVICE_DIR:-${BATS_TEST_TMPDIR:-${BATS_FILE_TMPDIR:-${TMPDIR:-/tmp}}}/network-host-services}"
}

# port_in_use PORT [STATE]: true when a local TCP socket (v4 or v6) uses PORT, in any state or
# only in STATE as /proc/net/tcp writes it (0A = LISTEN).
port_in_use() {
  local hex
  hex="$(printf '%04X' "$1")"
  # Column 2 is local_address as HEXIP:HEXPORT, column 4 the state; the header never matches.
  awk -v p="$hex" -v st="${2:-}" '
    { split($2, a, ":"); if (a[length(a)] == p && (st == "" || $4 == st)) found = 1 }
    END { exit !found }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# free_port: print a TCP port in 20000-40000 that nothing on this host uses.
free_port() {
  local tries port
  # Start at a random point so parallel test files rarely pick the same port.
  # Any state counts, so a port still in TIME_WAIT from an earlier test is not handed out.
  port=$((20000 + RANDOM % 20001))
  for ((tries = 0; tries < 200; tries++)); do
    if ! port_in_use "$port"; then
      echo "$port"
      return 0
    fi
    port=$((port >= 40000 ? 20000 : port + 1))
  done
  echo "free_port: no free TCP port found in 20000-40000" >&2
  return 1
}

# docker0_ip: the address Docker gives host-gateway, asked of Docker itself: the /etc/hosts line a container gets
# for --add-host=probe:host-gateway. Never `docker network inspect bridge`'s Gateway, which a daemon that created
# docker0 itself (the first start after boot) does not list. Cached per test file (one container run).
docker0_ip() {
  local cache="${BATS_FILE_TMPDIR:-${TMPDIR:-/tmp}}/network-host-host-gateway" ip
  if [[ -s "$cache" ]]; then
    cat "$cache"
    return 0
  fi
  ip="$("${DOCKER_BIN:-/usr/bin/docker}" container run --rm --add-host=probe.host-gateway:host-gateway \
    "${NETWORK_HOST_TEST_IMAGE:-network-host-test/busybox:latest}" awk '$2 == "probe.host-gateway" { print $1; exit }' /etc/hosts)" || return 1
  [[ -n "$ip" ]] || return 1
  echo "$ip" | tee "$cache"
}

# host_service_start ADDR PORT [TEXT]: serve TEXT (default "hello world") as /index.html on
# exactly ADDR:PORT in the background; returns once it accepts connections (at most 5 s).
host_service_start() {
  local addr="$1" port="$2" text="${3:-hello world}"
  local dir pid tries
  dir="$(host_service_dir)/$port"
  # Only a listener blocks us: http.server sets SO_REUSEADDR, so TIME_WAIT leftovers of a
  # service stopped earlier on the same port do not.
  if port_in_use "$port" 0A; then
    echo "host_service_start: TCP port $port is already taken on this host" >&2
    return 1
  fi
  mkdir -p "$dir/www"
  printf '%s\n' "$text" >"$dir/www/index.html"
  # Every fd closed or redirected (including bats' fd 3), else bats waits for the server to exit.
  "$HOST_SERVICE_PYTHON" -u -m http.server --bind "$addr" --directory "$dir/www" "$port" \
    </dev/null >"$dir/log" 2>&1 3>&- &
  pid=$!
  echo "$pid" >"$dir/pid"
  for ((tries = 0; tries < 50; tries++)); do
    if ! process_running "$pid"; then
      echo "host_service_start: the server for $addr:$port exited (port taken, or not an address of this host?):" >&2
      tail -n 3 "$dir/log" >&2
      rm -rf "$dir"
      return 1
    fi
    # Python prints this line once its socket listens; only then probe it, so a connection
    # can never be answered by anything but our own server.
    if grep -q '^Serving HTTP on' "$dir/log" && can_connect "$addr" "$port"; then
      return 0
    fi
    sleep 0.1
  done
  echo "host_service_start: the server on $addr:$port did not accept connections within 5 s" >&2
  host_service_stop "$port"
  return 1
}

# process_running PID: alive and not a zombie (kill -0 succeeds on an unreaped zombie).
process_running() {
  local state
  state="$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" || return 1
  [[ -n "$state" && "$state" != Z ]]
}

# can_connect ADDR PORT: a TCP connect succeeds within 1 s (0.0.0.0 reaches a wildcard listener
# through loopback). The single quotes are deliberate: the inner bash expands $0 and $1.
can_connect() {
  # shellcheck disable=SC2016
  timeout 1 bash -c 'exec 9<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null
}

# host_service_stop PORT: stop the service started on PORT in this scope (nothing else).
host_service_stop() {
  local port="$1" dir pid tries
  dir="$(host_service_dir)/$port"
  [[ -f "$dir/pid" ]] || return 0
  pid="$(<"$dir/pid")"
  # Guard against PID reuse: only signal our own http.server.
  if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'http.server'; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((tries = 0; tries < 50; tries++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -rf "$dir"
}

# host_service_stop_all: stop every service started in this scope.
host_service_stop_all() {
  local pidfile
  for pidfile in "$(host_service_dir)"/*/pid; do
    [[ -f "$pidfile" ]] || continue
    host_service_stop "$(basename "$(dirname "$pidfile")")"
  done
}
