# shellcheck shell=bash
# Shared helpers for the end-to-end bats tests that run the plugin against the Dokku stand-in
# (tests/dokku). Load it with `load test_helper` (or `load ../test_helper` from a subdirectory).
#
#   setup_file()    { setup_dokku; }            # fresh stand-in root for this test file
#   teardown_file() { teardown_dokku; }         # its apps' containers and images, then the root
#   create_app [APP]                            # dokku apps:create (default: a unique $TEST_APP)
#   deploy_app [APP] [FIXTURE]                  # commit a fixture (name under tests/fixtures/apps, or a dir) and
#                                               # `git push` it to dokku@…:APP main: the pre-receive hook builds and deploys
#   git_push_dokku DIR APP [GIT PUSH ARGS...]   # git -C DIR push … dokku@dokku.invalid:APP ARGS, over the ssh stand-in
#   deploy_file_app PREFIX                      # (setup_file) one app PREFIX-<random> on a free port, deployed; exports APP APP_PORT
#   destroy_app [APP]                           # dokku --force apps:destroy
#   link_test_plugin DIR [NAME]                 # link DIR as plugins/available/NAME (default: DIR's name) and enable it
#   unlink_test_plugin NAME                     # disable and unlink it again
#   run_plugn_trigger TRIGGER [ARGS...]         # dokku plugin:trigger TRIGGER ARGS </dev/null
#   assert_output_contains TEXT [COUNT]         # Dokku-style: COUNT hits (default 1; 0 = none; -1 = at least one)
#   wait_until SECONDS CMD...                   # retry CMD every 0.2 s, fail after SECONDS
#
# As on a Dokku host, every `dokku …` a (root) test runs re-executes as the `dokku` user (HOME =
# DOKKU_ROOT, the environment kept, PATH = sudo's secure_path + tests/dokku/bin), except
# plugin:*, and a push is received as the dokku user through the ssh stand-in
# (tests/lib/standin-ssh.bash: sshd's PATH, SSH_ORIGINAL_COMMAND, then `dokku git-receive-pack
# 'APP'`). The root belongs to that user: files a test writes into it as root may not be
# writable by the commands afterwards. So that dokku-user processes can write test logs, the bats
# temp dirs (BATS_RUN_TMPDIR and below) are opened to other users (0777) when running as root;
# a log file a test creates itself must be made writable (chmod 0666) before a plugin appends.
# Set DOKKU_STANDIN_SETUP_ARGS=--as-caller for a root owned by the caller, where commands keep
# the caller's user (and its PATH is still the secure_path one).
#
# Environment a test may set before setup_dokku: NETWORK_HOST_PLUGIN_DIR (plugin to link,
# default the repo), DOKKU_STANDIN_SETUP_ARGS (extra tests/dokku/setup flags, e.g.
# "--no-plugin" or "--as-caller"), DOKKU_DEFAULT_CHECKS_WAIT (uptime check seconds, default 1
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
STANDIN_SSH="$NETWORK_HOST_TESTS_DIR/lib/standin-ssh.bash"

# the bats temp dirs are root's 0700/0755: open them so the dokku user can reach and write there
_standin_open_bats_tmpdirs() {
  local dir
  [[ "$EUID" -eq 0 && -n "$BATS_RUN_TMPDIR" && -d "$BATS_RUN_TMPDIR" ]] || return 0
  for dir in "$BATS_RUN_TMPDIR" "$BATS_RUN_TMPDIR/file" "$BATS_RUN_TMPDIR/test" \
    "${BATS_SUITE_TMPDIR:-}" "${BATS_FILE_TMPDIR:-}" "${BATS_TEST_TMPDIR:-}"; do
    [[ -n "$dir" && -d "$dir" && -O "$dir" ]] && chmod 0777 "$dir"
  done
  return 0
}
_standin_open_bats_tmpdirs
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

# git_push_dokku DIR APP [GIT PUSH ARGS...]: `git push dokku@dokku.invalid:APP ARGS` from the
# work tree DIR, as a developer pushes to a Dokku host: git runs `git-receive-pack 'APP'` over
# ssh, played by tests/lib/standin-ssh.bash (sshd + sshcommand's forced command), which runs
# `dokku git-receive-pack 'APP'` as the dokku user. The build and deploy output comes back as
# git's "remote: " lines; the push fails when the pre-receive hook (the deploy) fails.
git_push_dokku() {
  local dir="$1" app="$2"
  shift 2
  GIT_SSH_COMMAND="bash $STANDIN_SSH" GIT_SSH_VARIANT=simple git -C "$dir" push "dokku@dokku.invalid:$app" "$@"
}

# deploy_app [APP] [FIXTURE]: commit FIXTURE (tests/fixtures/apps/<name> or a directory; default
# hello) in a fresh temp work tree and force-push it to the app's deploy branch (main), which
# builds and deploys it through the pre-receive hook, as `git push dokku main` does on a Dokku
# host. Every call makes a new commit, so a redeploy of the same fixture is never a no-op push.
# Fails when the push (that is, the build or the deploy) fails; its output is the push's.
deploy_app() {
  local app="${1:-$TEST_APP}" fixture="${2:-hello}" src work status=0
  if [[ -d "$fixture" ]]; then src="$fixture"; else src="$NETWORK_HOST_TESTS_DIR/fixtures/apps/$fixture"; fi
  [[ -d "$src" ]] || { echo "deploy_app: no fixture $fixture" >&2 && return 1; }
  work="$(mktemp -d "${BATS_TEST_TMPDIR:-/tmp}/deploy.XXXXXX")"
  cp -a "$src/." "$work/"
  git -C "$work" init -q -b main
  git -C "$work" add -A
  git -C "$work" -c user.name=dokku-test -c user.email=test@dokku.invalid commit -q -m "deploy $app $(date +%s.%N) $RANDOM"
  git_push_dokku "$work" "$app" -f main 2>&1 || status=$?
  rm -rf "$work"
  return "$status"
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

# link_test_plugin DIR [NAME]: a community plugin that lives in DIR (a test's tmpdir: plugin.toml
# with a [plugin.config] table, executable hooks/commands), linked as plugins/available/NAME and
# enabled, as plugin:install + plugin:enable leave it (without running its install trigger)
link_test_plugin() {
  local dir name
  dir="$(cd "$1" && pwd)"
  name="${2:-${dir##*/}}"
  ln -sfn "$dir" "$PLUGIN_PATH/available/$name"
  ln -sfn "$PLUGIN_PATH/available/$name" "$PLUGIN_PATH/enabled/$name"
}

# unlink_test_plugin NAME: disable and forget a plugin linked by link_test_plugin
unlink_test_plugin() {
  rm -f "$PLUGIN_PATH/enabled/$1" "$PLUGIN_PATH/available/$1"
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
