# shellcheck shell=bash
# Shared helpers for the end-to-end bats tests that run the plugin against the Dokku stand-in
# (tests/dokku). Load it with `load test_helper` (or `load ../test_helper` from a subdirectory).
#
#   setup_file()    { setup_dokku; }            # fresh stand-in root for this test file
#   teardown_file() { teardown_dokku; }         # its apps' containers and images, then the root
#   create_app [APP]                            # dokku apps:create (default: a unique $TEST_APP)
#   deploy_app [APP] [FIXTURE]                  # git push a fixture (name under tests/fixtures/apps, or a dir), then ps:rebuild
#   destroy_app [APP]                           # dokku --force apps:destroy
#   run_plugn_trigger TRIGGER [ARGS...]         # dokku plugin:trigger TRIGGER ARGS </dev/null
#   assert_output_contains TEXT [COUNT]         # Dokku-style: COUNT hits (default 1; 0 = none; -1 = at least one)
#
# Environment a test may set before setup_dokku: NETWORK_HOST_PLUGIN_DIR (plugin to link,
# default the repo), DOKKU_STANDIN_SETUP_ARGS (extra tests/dokku/setup flags, e.g.
# "--no-plugin" or "--with-user"), DOKKU_DEFAULT_CHECKS_WAIT (uptime check seconds, default 1
# here; Dokku 10), DOKKU_STANDIN_LISTENING_CHECK_WAIT (default 1 here; Dokku 5).

NETWORK_HOST_TESTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NETWORK_HOST_REPO_DIR="$(cd "$NETWORK_HOST_TESTS_DIR/.." && pwd)"

load "$NETWORK_HOST_REPO_DIR/node_modules/bats-support/load"
load "$NETWORK_HOST_REPO_DIR/node_modules/bats-assert/load"
# shellcheck source=lib/require-docker.bash
source "$NETWORK_HOST_TESTS_DIR/lib/require-docker.bash"
# shellcheck source=lib/host-service.bash
source "$NETWORK_HOST_TESTS_DIR/lib/host-service.bash"

export PATH="$NETWORK_HOST_TESTS_DIR/dokku/bin:$PATH"
export DOCKER_BIN="${DOCKER_BIN:-/usr/bin/docker}"
export DOKKU_DEFAULT_CHECKS_WAIT="${DOKKU_DEFAULT_CHECKS_WAIT:-1}"
export DOKKU_STANDIN_LISTENING_CHECK_WAIT="${DOKKU_STANDIN_LISTENING_CHECK_WAIT:-1}"

# setup_dokku [SETUP ARGS...]: a fresh stand-in root for this test file (call in setup_file)
setup_dokku() {
  local args=() line
  # shellcheck disable=SC2206 # word-split on purpose: a flag list
  [[ -n "$DOKKU_STANDIN_SETUP_ARGS" ]] && args=($DOKKU_STANDIN_SETUP_ARGS)
  line="$("$NETWORK_HOST_TESTS_DIR/dokku/setup" "${args[@]}" "$@")" || return 1
  export DOKKU_STANDIN_ROOT="${line#export DOKKU_STANDIN_ROOT=}"
  export DOKKU_ROOT="$DOKKU_STANDIN_ROOT/home/dokku"
  export DOKKU_LIB_ROOT="$DOKKU_STANDIN_ROOT/var/lib/dokku"
  export PLUGIN_PATH="$DOKKU_LIB_ROOT/plugins"
}

# teardown_dokku: remove the apps' containers and images, then the root (call in teardown_file)
teardown_dokku() {
  [[ -n "$DOKKU_STANDIN_ROOT" ]] || return 0
  "$NETWORK_HOST_TESTS_DIR/dokku/setup" --teardown "$DOKKU_STANDIN_ROOT"
}

# create_app [APP]: without APP, a unique name is exported as TEST_APP
create_app() {
  local app="$1"
  if [[ -z "$app" ]]; then
    TEST_APP="rdmtestapp-$(tr -dc 'a-z0-9' </dev/urandom | head -c 10)"
    export TEST_APP
    app="$TEST_APP"
  fi
  dokku apps:create "$app"
}

destroy_app() {
  local app="${1:-$TEST_APP}"
  dokku --force apps:destroy "$app"
}

# deploy_app [APP] [FIXTURE]: commit FIXTURE (tests/fixtures/apps/<name> or a directory; default
# hello) in a temp work tree, push it to the app's bare repo (branch main), then run
# `dokku ps:rebuild APP`, the receive-app path a `git push dokku main` takes on a Dokku host.
deploy_app() {
  local app="${1:-$TEST_APP}" fixture="${2:-hello}" src work
  if [[ -d "$fixture" ]]; then src="$fixture"; else src="$NETWORK_HOST_TESTS_DIR/fixtures/apps/$fixture"; fi
  [[ -d "$src" ]] || { echo "deploy_app: no fixture $fixture" >&2 && return 1; }
  work="$(mktemp -d "${BATS_TEST_TMPDIR:-/tmp}/deploy.XXXXXX")"
  cp -a "$src/." "$work/"
  git -C "$work" init -q -b main
  git -C "$work" add -A
  git -C "$work" -c user.name=dokku-test -c user.email=test@dokku.invalid commit -q -m "deploy $app"
  local receive_pack=git-receive-pack
  # a root made with --with-user belongs to the dokku user, who receives the push (as over ssh)
  if [[ "$(stat -c %U "$DOKKU_ROOT")" == dokku ]]; then
    receive_pack="env HOME=$DOKKU_ROOT setpriv --reuid=dokku --regid=dokku --init-groups git-receive-pack"
  fi
  git -C "$work" push -q -f --receive-pack="$receive_pack" "$DOKKU_ROOT/$app" main 2>&1 || return 1
  rm -rf "$work"
  dokku ps:rebuild "$app"
}

# deploy_file_app PREFIX: for a whole test file, one app named PREFIX-<random> on a free web port (never 5000, so it
# cannot collide in host mode), deployed once; exports APP and APP_PORT (call in setup_file, after setup_dokku).
deploy_file_app() {
  APP="$1-$(tr -dc 'a-z0-9' </dev/urandom | head -c 8)"
  APP_PORT="$(free_port)"
  export APP APP_PORT
  create_app "$APP" >/dev/null
  dokku ports:set "$APP" "http:80:$APP_PORT" >/dev/null
  deploy_app "$APP" >"$BATS_FILE_TMPDIR/deploy.log" 2>&1 || {
    cat "$BATS_FILE_TMPDIR/deploy.log" >&2
    return 1
  }
}

run_plugn_trigger() {
  dokku plugin:trigger "$@" </dev/null
}

# assert_output_contains TEXT [COUNT]: $output contains TEXT exactly COUNT times (default 1);
# COUNT 0 = must not contain, -1 = at least once (Dokku's test_helper semantics)
assert_output_contains() {
  local expected="$1" count="${2:-1}" input="$output" found=0
  while [[ -n "$expected" && "$input" == *"$expected"* ]]; do
    input="${input/"$expected"/}"
    found=$((found + 1))
  done
  if [[ "$count" == "-1" ]]; then
    ((found > 0)) || fail "expected output to contain: $expected"$'\n'"output: $output"
    return 0
  fi
  [[ "$found" == "$count" ]] || fail "expected $count occurrence(s) of: $expected (found $found)"$'\n'"output: $output"
}

# wait_until SECONDS CMD...: retry CMD every 0.2 s until it succeeds; fail after SECONDS
wait_until() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}
