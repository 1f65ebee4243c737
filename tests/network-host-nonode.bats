#!/usr/bin/env bats
# Without Node: apps that never use the plugin never notice it, and configured apps still deploy with their
# arguments. Node is taken away as an operator's host would lose it: in a mount namespace of the test, /usr/bin/node
# is covered by an empty, non-executable file, for every process of the command (the dokku user's included).
load test_helper

setup_file() {
  setup_dokku
  deploy_file_app nonode
}
teardown_file() { teardown_dokku; }
teardown() { rm -rf "$DOKKU_LIB_ROOT/config/network-host/--global" "$DOKKU_LIB_ROOT/data/network-host/--global"; }

# without_node CMD...: CMD with no Node anywhere on the PATHs Dokku's processes use
without_node() {
  : >"$BATS_TEST_TMPDIR/no-node"
  export -f deploy_app git_push_dokku
  export STANDIN_SSH NETWORK_HOST_TESTS_DIR
  unshare -m bash -c '
    for node in /usr/bin/node /usr/local/bin/node; do [[ -e $node ]] && mount --bind "$0" "$node"; done
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin sh -c "command -v node" >/dev/null && { echo "node is still there" >&2; exit 99; }
    "$@"' "$BATS_TEST_TMPDIR/no-node" "$@"
}

root_calls() {
  # Every root executable of the plugin, with the arguments Dokku passes, for an app without settings.
  local plugin="$PLUGIN_PATH/enabled/network-host" cid
  cid="$(<"$DOKKU_ROOT/$APP/CONTAINER.web.1")"
  cat <<EOF
commands help
commands git-hook $APP
commands git-receive-pack '$APP'
commands network-host
commands apps:list
docker-args-process-build $APP dockerfile
docker-args-process-deploy $APP dockerfile latest web 1
docker-args-process-deploy $APP dockerfile latest worker
docker-args-process-deploy $APP herokuish latest
docker-args-process-run $APP dockerfile latest
scheduler-deploy docker-local $APP latest
scheduler-run docker-local $APP 0 -- true
post-container-create app $cid $APP deploy web
post-container-create app $cid $APP build
check-deploy $APP $cid web 5000 127.0.0.1 1
scheduler-register-retired $APP $cid 60
scheduler-register-retired "" $cid 60
scheduler-register-retired $APP ""
post-extract $APP /tmp/none abc
post-app-clone-setup $APP $APP-copy
post-app-rename-setup $APP $APP-renamed
report $APP
subcommands/help network-host:help
subcommands/default network-host
EOF
}

# every_call: run each root call as the dokku user, printing its exit status and output
every_call() {
  local line status
  while IFS= read -r line; do
    eval "set -- $line"
    local file="$1"
    shift
    printf '== %s\n' "$line"
    setpriv --reuid=dokku --regid=dokku --init-groups env HOME="$DOKKU_ROOT" PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
      DOKKU_ROOT="$DOKKU_ROOT" DOKKU_LIB_ROOT="$DOKKU_LIB_ROOT" PLUGIN_PATH="$PLUGIN_PATH" PLUGIN_ENABLED_PATH="$PLUGIN_PATH/enabled" \
      DOCKER_BIN="$DOCKER_BIN" "$PLUGIN_PATH/enabled/network-host/$file" "$@" 2>&1 </dev/null && status=0 || status=$?
    printf '== exit %s\n' "$status"
  done < <(root_calls)
}

@test "(without Node) every root executable gives an app without settings the same exit code and output as with Node" {
  every_call >"$BATS_TEST_TMPDIR/with-node"
  export -f every_call root_calls
  without_node bash -c every_call >"$BATS_TEST_TMPDIR/without-node"
  run diff "$BATS_TEST_TMPDIR/with-node" "$BATS_TEST_TMPDIR/without-node"
  assert_success
  run cat "$BATS_TEST_TMPDIR/without-node"
  refute_output --partial "network-host: Node.js"
  assert_output_contains "== exit 10" 3
  assert_output --partial "$APP network-host information"
  # a global setting whose mode is off must not start Node for every app either
  dokku network-host:set --global mode off >/dev/null
  dokku network-host:set --global phases deploy >/dev/null
  every_call >"$BATS_TEST_TMPDIR/with-node"
  without_node bash -c every_call >"$BATS_TEST_TMPDIR/without-node"
  run diff "$BATS_TEST_TMPDIR/with-node" "$BATS_TEST_TMPDIR/without-node"
  assert_success
  refute_output --partial "network-host: Node.js"
}

@test "(without Node) dokku report prints the block Node prints for an app without settings" {
  for global in "" "mode off" "phases run"; do
    [[ -n "$global" ]] && dokku network-host:set --global $global >/dev/null
    run dokku network-host:report "$APP"
    local from_node="$output"
    run without_node dokku report "$APP"
    assert_success
    assert_output --partial "$from_node"
  done
}

@test "(without Node) a git push, restart, rebuild, run and report of an app without settings never start Node" {
  run without_node deploy_app "$APP"
  assert_success
  refute_output --partial "network-host: Node.js"
  for command in "ps:restart $APP" "ps:rebuild $APP" "run $APP true" "report $APP"; do
    run without_node dokku $command
    assert_success
    refute_output --partial "network-host: Node.js"
  done
}

@test "(without Node) a gateway app and a host app deploy with their arguments and reach their host services" {
  require_docker
  local gw="$APP-gw" host="$APP-host" gw_port host_port service
  gw_port=$(free_port)
  host_port=$(free_port)
  service=$(free_port)
  host_service_start 0.0.0.0 "$service" "hello from the host"
  create_app "$gw"
  create_app "$host"
  dokku ports:set "$host" "http:80:$host_port"
  dokku ports:set "$gw" "http:80:$gw_port"
  dokku network-host:gateway "$gw" --no-rebuild
  dokku network-host:enable "$host" --no-rebuild
  run without_node deploy_app "$gw"
  assert_success
  run without_node deploy_app "$host"
  assert_success
  run dokku enter "$gw" web timeout 3 wget -qO- "http://host.docker.internal:$service/"
  assert_output "hello from the host"
  run dokku enter "$host" web timeout 3 wget -qO- "http://127.0.0.1:$service/"
  assert_output "hello from the host"
  run without_node dokku run "$gw" timeout 3 wget -qO- "http://host.docker.internal:$service/"
  assert_output --partial "hello from the host"
  host_service_stop "$service"
  destroy_app "$gw"
  destroy_app "$host"
}
