#!/usr/bin/env bats
# Every command and every trigger entry that starts Node, once each, on the Node.js a host has: `tests/run` runs this
# file (with every other suite) under the oldest supported Node.js, then alone under each other version a
# Dokku-supported distribution ships (tests/lib/with-node; docs/node-versions.md). The built bundles run, through the
# stand-in, with real containers; `dependencies` runs against a fake apt-get.
load test_helper

setup_file() {
  setup_dokku
  deploy_file_app nodes
  export SERVICE_PORT
  SERVICE_PORT=$(free_port)
}
teardown_file() { teardown_dokku; }
teardown() { host_service_stop_all; }

# as_dokku CMD...: CMD as the dokku user, with the PATH Dokku gives it (sudo's secure_path)
as_dokku() { setpriv --reuid=dokku --regid=dokku --init-groups env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"; }
web_cid() { cat "$DOKKU_ROOT/$1/CONTAINER.web.1"; }
answers() { timeout 3 wget -qO- "http://127.0.0.1:$1/" 2>/dev/null; }

@test "(Node.js) the node every process finds is the one under test" {
  [[ -n "${NETWORK_HOST_NODE_VERSION:-}" ]] || fail "run this file through tests/lib/with-node VERSION (as tests/run does)"
  run as_dokku node --version
  assert_output "v$NETWORK_HOST_NODE_VERSION"
  run node --version
  assert_output "v$NETWORK_HOST_NODE_VERSION"
}

@test "(Node.js) install and update write the answers; no warning about Node" {
  dokku network-host:set "$APP" gateway-aliases db.internal >/dev/null
  rm -rf "$DOKKU_LIB_ROOT/data/network-host/$APP/args"
  for trigger in install update; do
    run dokku plugin:trigger "$trigger"
    assert_success
    refute_output --partial "Node.js"
    run test -f "$DOKKU_LIB_ROOT/data/network-host/$APP/args/stamp"
    assert_success
  done
  dokku network-host:set "$APP" gateway-aliases >/dev/null
}

@test "(Node.js) gateway, set, report, help and check: the app's containers reach a host service through host.docker.internal" {
  host_service_start 0.0.0.0 "$SERVICE_PORT" "hello from the host"
  run dokku network-host:gateway "$APP" --alias host.docker.internal --alias db.internal
  assert_success
  assert_output --partial "All checks successful"
  run "$DOCKER_BIN" exec "$(web_cid "$APP")" wget -qO- "http://db.internal:$SERVICE_PORT/"
  assert_output "hello from the host"
  run dokku network-host:set "$APP" phases deploy,run
  assert_success
  run dokku network-host:report "$APP" --network-host-build-args
  assert_output ""
  run dokku network-host:report "$APP" --format json
  assert_success
  assert_output --partial '"computed-mode":"gateway"'
  run dokku network-host:report --global
  assert_output --partial "network-host information"
  run dokku network-host:help
  assert_output --partial "network-host:enable"
  run dokku network-host:check "$APP" --port "$SERVICE_PORT"
  assert_success
  assert_output --partial "reachable"
  dokku network-host:set "$APP" phases >/dev/null
}

@test "(Node.js) docker-args triggers and the report block from Node when the answers are stale" {
  dokku network-host:gateway "$APP" --alias db.internal --ip 10.0.0.9 --no-rebuild >/dev/null
  plugin="$PLUGIN_PATH/enabled/network-host"
  stamp="$DOKKU_LIB_ROOT/data/network-host/$APP/args/stamp"
  for call in "docker-args-process-deploy $APP dockerfile latest web 1" "docker-args-process-run $APP dockerfile latest" "docker-args-process-build $APP dockerfile"; do
    rm -f "$stamp"
    # shellcheck disable=SC2086 # the call's words
    run as_dokku "$plugin/"$call
    assert_success
    assert_output " --add-host=db.internal:10.0.0.9"
    # only Node writes the answers again
    run test -f "$stamp"
    assert_success
  done
  rm -f "$stamp"
  run as_dokku "$plugin/report" "$APP"
  assert_output --regexp "Network host computed mode: +gateway"
}

@test "(Node.js) host mode: the preflight, a redeploy on the other port of the pair, dokku run, and a broken release that leaves the old one serving" {
  run dokku network-host:enable "$APP"
  assert_success
  # the bridge container it replaces holds no host port: nothing to stop first
  refute_output --partial "Host networking: stopping the previous"
  run "$DOCKER_BIN" inspect -f '{{.HostConfig.NetworkMode}}' "$(web_cid "$APP")"
  assert_output "host"
  run answers "$APP_PORT"
  assert_output --partial "hello from the app"
  run dokku ps:restart "$APP"
  assert_success
  assert_output --partial "Host networking: the new web container gets port $((APP_PORT + 1)); the old one serves on port $APP_PORT"
  run answers "$((APP_PORT + 1))"
  assert_output --partial "hello from the app"
  run dokku run "$APP" true
  assert_success
  previous=$(web_cid "$APP")
  broken="$BATS_TEST_TMPDIR/broken"
  cp -a "$NETWORK_HOST_TESTS_DIR/fixtures/apps/hello" "$broken"
  printf '#!/bin/sh\nexit 3\n' >"$broken/bin/web"
  run deploy_app "$APP" "$broken"
  assert_failure
  assert_output --partial "The new web container of $APP failed; the old one serves on port $((APP_PORT + 1)), and $APP's ports are as they were"
  run answers "$((APP_PORT + 1))"
  assert_output --partial "hello from the app"
  [[ "$(web_cid "$APP")" == "$previous" ]]
}

@test "(Node.js) apps:clone and apps:rename carry the settings" {
  dokku network-host:gateway "$APP" --no-rebuild >/dev/null
  run dokku apps:clone --skip-deploy "$APP" "$APP-c"
  assert_success
  run dokku apps:rename --skip-deploy "$APP-c" "$APP-r"
  assert_success
  run dokku network-host:report "$APP-r" --network-host-mode
  assert_output "gateway"
  run test -e "$DOKKU_LIB_ROOT/config/network-host/$APP-c"
  assert_failure
  dokku --force apps:destroy "$APP-r" >/dev/null
  run test -e "$DOKKU_LIB_ROOT/config/network-host/$APP-r"
  assert_failure
}

@test "(Node.js) k3s: a deploy in host mode gives the pods hostNetwork (post-extract)" {
  app="$APP-k"
  create_app "$app" >/dev/null
  dokku scheduler:set "$app" selected k3s >/dev/null
  mkdir -p "$DOKKU_LIB_ROOT/data/scheduler-k3s"
  echo '[{"Name":"server-a1","Roles":["control-plane"],"Ready":true,"RemoteHost":"","Version":"v1.32.4+k3s1"}]' >"$DOKKU_LIB_ROOT/data/scheduler-k3s/.cluster-nodes.json"
  chown -R dokku:dokku "$DOKKU_LIB_ROOT/data/scheduler-k3s"
  dokku network-host:enable "$app" --no-rebuild >/dev/null
  run deploy_app "$app"
  assert_success
  run grep -c "hostNetwork: true" "$DOKKU_LIB_ROOT/data/scheduler-k3s/$app/applied.yaml"
  assert_output "1"
  dokku --force apps:destroy "$app" >/dev/null
}

# fake_tools DIR [APT_STATUS] [NODE_VERSION]: an apt-get that logs its calls and exits APT_STATUS (default 0); with
# NODE_VERSION, a node that prints it, which apt-get "installs" when there is none
fake_tools() {
  mkdir -p "$1"
  cat >"$1/apt-get" <<EOF
#!/bin/sh
echo "apt-get \$*" >>"$1/apt.log"
case "\$*" in *install*nodejs*) [ -n "$3" ] && printf '#!/bin/sh\necho v$3\n' >"$1/node" && chmod +x "$1/node" ;; esac
exit ${2:-0}
EOF
  chmod +x "$1/apt-get"
}
# dependencies [PATH]: the trigger as plugin:install-dependencies runs it (as root), with PATH
dependencies() { PATH="$1" "$PLUGIN_PATH/enabled/network-host/dependencies"; }

@test "(Node.js) dependencies exits 0: nothing to do with this Node; the distribution's nodejs without one; a warning otherwise" {
  tools="$BATS_TEST_TMPDIR/tools"
  fake_tools "$tools"
  run dependencies "$tools:$PATH"
  assert_success
  assert_output ""
  run test -e "$tools/apt.log"
  assert_failure
  # No Node at all (only the fake tools and the shell's own): the distribution's package is installed
  bare="$BATS_TEST_TMPDIR/bare"
  mkdir -p "$bare" && ln -s /bin/sh /bin/chmod "$bare/"
  fake_tools "$tools" 0 12.22.9
  run dependencies "$tools:$bare"
  assert_success
  assert_output --partial "Installing Node.js for network-host"
  run cat "$tools/apt.log"
  assert_line --partial "install -y -qq --no-install-recommends nodejs"
  refute_output --partial "needs Node.js"
  # apt-get fails: a warning with the fix, exit 0
  rm -f "$tools/node" "$tools/apt.log"
  fake_tools "$tools" 100
  run dependencies "$tools:$bare"
  assert_success
  assert_output --partial "apt-get could not install nodejs"
  assert_output --partial "network-host needs Node.js >= 12.22.0 for its commands (found: none)"
  # A Node.js older than the floor: the found version in the warning, exit 0
  rm -f "$tools/apt.log"
  printf '#!/bin/sh\necho v10.24.0\n' >"$tools/node" && chmod +x "$tools/node"
  run dependencies "$tools:$bare"
  assert_success
  assert_output --partial "network-host needs Node.js >= 12.22.0 for its commands (found: v10.24.0)"
}

@test "(Node.js) uninstall removes what the plugin stored; install makes its directories again" {
  dokku network-host:gateway "$APP" --no-rebuild >/dev/null
  run dokku plugin:trigger uninstall network-host
  assert_success
  run test -e "$DOKKU_LIB_ROOT/config/network-host"
  assert_failure
  run dokku plugin:trigger install
  assert_success
  run test -d "$DOKKU_LIB_ROOT/data/network-host"
  assert_success
}
