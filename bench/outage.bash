#!/usr/bin/env bash
# bench/outage.bash: the outage a host-mode web redeploy costs, seen by a client of the Dokku stand-in's nginx. Prints
# one line per redeploy, `KIND N OUTAGE_MS`, and exits non-zero when a step fails (the lines before it are printed).
#
# Kinds, each one app in host mode (`network-host:enable`, the plugin linked as on a Dokku host) with the hello
# fixture booting for 2 s (BOOT_SECONDS=2) on its own free ports (`ports:set APP http:NGINX_PORT:APP_PORT`):
#   port   the app binds $PORT (Dokku's APP_PORT): a redeploy may hand the new container another port
#   fixed  the app binds APP_PORT whatever $PORT says (FIXED_PORT): only stop-first can redeploy it
# Each app is redeployed 3 times (`dokku ps:restart APP`) under tests/lib/request-loop.bash: a request every 0.1 s to
# nginx (`curl -H "Host: APP.dokku.me" http://127.0.0.1:NGINX_PORT/`). A redeploy's window opens when ps:restart
# starts and closes 0.3 s after the first 200 started after it returned (the app may still be booting when the deploy
# returns); OUTAGE_MS is request_loop_outage_ms over it (each run of failed requests from its first failure to the
# next success; ±0.1 s). Stop-first costs about the boot (2 s) plus the container's start; a hand-off that keeps the
# old container serving until the new one answers costs 0.
#
# The uptime check (DOKKU_DEFAULT_CHECKS_WAIT) is 4 s here, longer than the boot (the stand-in counts whole seconds,
# so that is at least 3 s): with test_helper's 1 s Dokku's checks pass a container that is still booting, and even a
# perfect hand-off would show the rest of the boot as outage. wait-to-retire is the stand-in's default, 0.
# About a minute: two deploys, six redeploys of about 6 s each.
# shellcheck source-path=SCRIPTDIR
set -eo pipefail
bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export DOKKU_DEFAULT_CHECKS_WAIT=4
BOOT_SECONDS=2
REDEPLOYS=3

# test_helper.bash is written for bats (see bench/life.bash): `load X` sources X.bash
# shellcheck disable=SC1090 # bats' load: the path is its argument
load() { source "$1.bash"; }
# shellcheck source=../tests/test_helper.bash
source "$bench_dir/../tests/test_helper.bash"
# shellcheck source=../tests/lib/request-loop.bash
source "$bench_dir/../tests/lib/request-loop.bash"

work="$(mktemp -d "${TMPDIR:-/tmp}/network-host-bench-outage.XXXXXX")"
chmod 0755 "$work"
export BATS_TEST_TMPDIR="$work"
log="$work/requests"

cleanup() {
  local status=$?
  request_loop_stop "$log" || true
  if [[ -n "$DOKKU_STANDIN_ROOT" ]]; then
    "$NETWORK_HOST_TESTS_DIR/dokku/plugins/nginx-vhosts/standin-nginx-stop" "$DOKKU_STANDIN_ROOT" >/dev/null 2>&1 || true
    teardown_dokku >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# quietly WHAT CMD...: run CMD with its output in a file, shown (the last lines) when it fails
quietly() {
  local what="$1"
  shift
  if ! "$@" >"$work/step.out" 2>&1; then
    echo "outage: $what failed: $*" >&2
    tail -n 30 "$work/step.out" >&2
    return 1
  fi
}

# answered_200_since MS: the loop logged a 200 for a request started at MS or later
answered_200_since() {
  awk -v from="$1" '$1 >= from && $2 == "200" { found = 1 } END { exit !found }' "$log"
}

# kind NAME [KNOB...]: a host-mode app booting for BOOT_SECONDS (and KNOBs, NAME=VALUE env vars; APP_PORT in a value is
# the app's port), deployed, then REDEPLOYS redeploys under the request loop, a line each
kind() {
  local name="$1" app nginx_port app_port knob n from returned to
  shift
  app="bench-outage-$name-$(od -An -N4 -tx4 /dev/urandom | tr -d " ")"
  nginx_port="$(free_port)"
  app_port="$(free_port)"
  while [[ "$app_port" == "$nginx_port" ]]; do app_port="$(free_port)"; done
  quietly "apps:create" create_app "$app"
  quietly "ports:set" dokku ports:set "$app" "http:$nginx_port:$app_port"
  for knob in "BOOT_SECONDS=$BOOT_SECONDS" "$@"; do
    quietly "docker-options:add" dokku docker-options:add "$app" deploy "--env=${knob//APP_PORT/$app_port}"
  done
  # not deployed yet: enable stores the mode, the first deploy applies it
  quietly "network-host:enable" dokku network-host:enable "$app"
  quietly "deploy" deploy_app "$app"
  [[ "$(dokku network-host:report "$app" --network-host-deploy-args 2>/dev/null)" == *--network=host* ]] ||
    { echo "outage: $app is not in host mode" >&2 && return 1; }
  request_loop_start "$log" "$nginx_port" "$app.dokku.me"
  from="$(request_loop_now_ms)"
  wait_until 10 answered_200_since "$from" || { echo "outage: $app does not answer through nginx" >&2 && return 1; }
  for ((n = 1; n <= REDEPLOYS; n++)); do
    sleep 0.5
    from="$(request_loop_now_ms)"
    quietly "ps:restart ($name $n)" dokku ps:restart "$app"
    returned="$(request_loop_now_ms)"
    wait_until 15 answered_200_since "$returned" ||
      { echo "outage: $app did not answer 200 within 15 s after redeploy $n" >&2 && return 1; }
    sleep 0.3
    to="$(request_loop_now_ms)"
    echo "$name $n $(request_loop_outage_ms "$log" "$from" "$to")"
  done
  request_loop_stop "$log"
  quietly "apps:destroy" dokku --force apps:destroy "$app"
}

# shellcheck disable=SC2119 # no extra setup flags
setup_dokku >/dev/null
dokku domains:set-global dokku.me >/dev/null
kind port
kind fixed FIXED_PORT=APP_PORT
