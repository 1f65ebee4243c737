#!/usr/bin/env bash
# bench/life.bash: the whole life of an app that never uses the plugin, through the Dokku stand-in with the plugin
# installed, counting the Node starts of each step. Prints one line per step, `STEP NODE_STARTS SECONDS`, and exits
# non-zero when a step fails (the counts of the steps before it are printed).
#
# Counting: for the duration of the run, a `node` wrapper is installed as /usr/local/bin/node. The stand-in re-executes
# every command with sudo's secure_path (tests/dokku/bin/dokku, as Dokku's `sudo -u dokku -E -H` does), on which
# /usr/local/bin precedes /usr/bin, so plugin code started as `node …` or `#!/usr/bin/env node` finds the wrapper,
# whichever user the stand-in switches to. The wrapper appends a line to $NETWORK_HOST_BENCH_NODE_LOG only when that
# variable is set (it is exported here and survives the user switch, like `sudo -E`), then execs the real node: for
# every other process on the machine it is a transparent extra `sh` start. Whatever was at /usr/local/bin/node before
# is put back on exit; a lock keeps two bench runs from installing it at once.
# shellcheck source-path=SCRIPTDIR
set -eo pipefail
bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
wrapper=/usr/local/bin/node
secure_path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# test_helper.bash is written for bats: `load X` sources X.bash, and its helpers report errors with bats-support's
# `fail`. Sourcing it keeps the deploy step identical to the bats tests' deploy_app, whatever that becomes.
# shellcheck disable=SC1090 # bats' load: the path is its argument
load() { source "$1.bash"; }
# shellcheck source=../tests/test_helper.bash
source "$bench_dir/../tests/test_helper.bash"

work="$(mktemp -d "${TMPDIR:-/tmp}/network-host-bench-life.XXXXXX")"
chmod 0755 "$work"
export BATS_TEST_TMPDIR="$work"
log="$work/node-starts"
: >"$log"
chmod 0666 "$log" # the stand-in may run the plugin as the dokku user
backup=""
installed=false

cleanup() {
  local status=$?
  teardown_dokku >/dev/null 2>&1 || true
  if $installed; then
    if [[ -n "$backup" ]]; then mv -f "$backup" "$wrapper"; else rm -f "$wrapper"; fi
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

exec 9>/tmp/network-host-bench-node-wrapper.lock
flock -w 600 9 || { echo "life: another bench holds the node wrapper lock" >&2 && exit 1; }
marker="network-host bench: counts Node starts"
# a wrapper left behind by a killed run is ours to remove (under the lock no other run owns it)
grep -qs "$marker" "$wrapper" && rm -f "$wrapper"
# The real node: the first on secure_path (a node already at the wrapper's place is moved aside and still used).
real="$(PATH="$secure_path" command -v node)" || { echo "life: no node on $secure_path" >&2 && exit 1; }
if [[ -e "$wrapper" || -L "$wrapper" ]]; then
  backup="/usr/local/bin/.node.network-host-bench.$$"
  mv "$wrapper" "$backup"
  installed=true
  [[ "$real" == "$wrapper" ]] && real="$backup"
fi
real="$(readlink -f "$real")"
cat >"$work/node" <<EOF
#!/bin/sh
# $marker (installed by bench/life.bash for one bench run; removed afterwards)
[ -n "\$NETWORK_HOST_BENCH_NODE_LOG" ] && echo "\$PPID \$*" >>"\$NETWORK_HOST_BENCH_NODE_LOG"
exec "$real" "\$@"
EOF
chmod 0755 "$work/node"
installed=true
mv -f "$work/node" "$wrapper"
# the wrapper is really what the stand-in's PATH finds
[[ "$(PATH="$secure_path" command -v node)" == "$wrapper" ]] || { echo "life: $wrapper is not first on secure_path" >&2 && exit 1; }
export NETWORK_HOST_BENCH_NODE_LOG="$log"
# control: one Node start with the stand-in's PATH is one line, or the counts below mean nothing
PATH="$secure_path" /usr/bin/env node -e 0
[[ "$(wc -l <"$log")" == 1 ]] || { echo "life: the node wrapper did not count a Node start" >&2 && exit 1; }
: >"$log"

app="bench-life-$(od -An -N4 -tx4 /dev/urandom | tr -d " ")"

# step NAME CMD...: run CMD (its output to a file, shown on failure), then print NAME, its Node starts and its seconds.
step() {
  local name="$1" before after start
  shift
  before="$(wc -l <"$log")"
  start="$EPOCHREALTIME"
  if ! "$@" >"$work/step.out" 2>&1; then
    echo "life: step $name failed: $*" >&2
    tail -n 30 "$work/step.out" >&2
    return 1
  fi
  after="$(wc -l <"$log")"
  # EPOCHREALTIME is seconds.microseconds: print the duration in tenths of a second
  local tenths=$(((${EPOCHREALTIME/./} - ${start/./}) / 100000))
  printf '%s %d %d.%d\n' "$name" "$((after - before))" "$((tenths / 10))" "$((tenths % 10))"
}

# shellcheck disable=SC2119 # no extra setup flags
setup_dokku >/dev/null
step apps:create create_app "$app"
step deploy deploy_app "$app"
step ps:restart dokku ps:restart "$app"
step ps:rebuild dokku ps:rebuild "$app"
# the fixture image is busybox, which has no bash (Dokku's default command): pass one
step run dokku run "$app" true
step report dokku report "$app"
step apps:rename dokku apps:rename "$app" "$app-renamed"
step apps:clone dokku apps:clone "$app-renamed" "$app-clone"
step apps:destroy dokku --force apps:destroy "$app-renamed"
step apps:destroy-clone dokku --force apps:destroy "$app-clone"
