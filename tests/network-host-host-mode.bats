#!/usr/bin/env bats
# Host mode that survives redeploys, with no conflict or duplicate left to the user (issue 4, PRODUCT.md §7).
# Real containers: the web container binds its port on the host itself. The failure without the plugin
# (dokku/dokku#5219) is reproduced by the stand-in's own test, tests/standin.bats.
load test_helper

setup_file() {
  setup_dokku
  export WEB_PORT=$(free_port)
}
teardown_file() { teardown_dokku; }
setup() { create_app; }
teardown() { destroy_app >/dev/null 2>&1 || true; }

web_answers() { dokku enter "$TEST_APP" web timeout 3 wget -qO- "http://127.0.0.1:$1/"; }
report() { dokku network-host:report "$TEST_APP" "--network-host-$1"; }

@test "(network-host:enable) host-mode app is deployed, redeployed and restarted again and again, answering each time" {
  require_docker
  dokku ports:set "$TEST_APP" "http:80:$WEB_PORT"
  dokku network-host:enable "$TEST_APP"
  run deploy_app "$TEST_APP"
  assert_success
  run web_answers "$WEB_PORT"
  assert_output --partial "hello from the app"
  for round in 1 2 3; do
    previous=$("$DOCKER_BIN" inspect -f '{{.Id}}' "$TEST_APP.web.1")
    run dokku ps:rebuild "$TEST_APP"
    assert_success
    assert_output --partial "Host networking: stopping the previous web.1 container so its replacement can bind port $WEB_PORT"
    assert_output --partial "All checks successful"
    run "$DOCKER_BIN" inspect -f '{{.Id}} {{.HostConfig.NetworkMode}}' "$TEST_APP.web.1"
    refute_output --partial "$previous"
    assert_output --partial " host"
    run web_answers "$WEB_PORT"
    assert_output --partial "hello from the app"
    run dokku ps:restart "$TEST_APP"
    assert_success
    run web_answers "$WEB_PORT"
    assert_output --partial "hello from the app"
  done
  run report containers
  assert_output "in sync"
}

@test "(network-host:enable) a replacement that fails its checks gives the port back to the previous container" {
  require_docker
  dokku ports:set "$TEST_APP" "http:80:$WEB_PORT"
  dokku network-host:enable "$TEST_APP" --no-rebuild
  deploy_app "$TEST_APP"
  previous=$("$DOCKER_BIN" inspect -f '{{.Id}}' "$TEST_APP.web.1")
  # A release whose web process exits at once: its checks fail.
  broken="$BATS_TEST_TMPDIR/broken"
  cp -a "$NETWORK_HOST_TESTS_DIR/fixtures/apps/hello" "$broken"
  printf '#!/bin/sh\necho "web: broken release"\nexit 3\n' >"$broken/bin/web"
  run deploy_app "$TEST_APP" "$broken"
  assert_failure
  assert_output --partial "the previous one was restarted and serves again"
  run "$DOCKER_BIN" inspect -f '{{.Id}} {{.State.Running}}' "$previous"
  assert_output "$previous true"
  run web_answers "$WEB_PORT"
  assert_output --partial "hello from the app"
}

@test "(network-host:enable) refused when the web process is scaled above one" {
  dokku ps:scale "$TEST_APP" web=2
  run dokku network-host:enable "$TEST_APP"
  assert_failure
  assert_output --partial "Host networking cannot be enabled for $TEST_APP"
  assert_output --partial "dokku ps:scale $TEST_APP web=1"
  run report mode
  assert_output ""
}

@test "(ps:scale) a deploy that would start a second host-mode web container fails before it binds anything" {
  require_docker
  dokku ports:set "$TEST_APP" "http:80:$WEB_PORT"
  dokku network-host:enable "$TEST_APP" --no-rebuild
  deploy_app "$TEST_APP"
  run dokku ps:scale "$TEST_APP" web=2
  assert_failure
  assert_output --partial "a second web container (web.2) would bind the same port $WEB_PORT. Fix: dokku ps:scale $TEST_APP web=1"
  run web_answers "$WEB_PORT"
  assert_output --partial "hello from the app"
}

@test "(ports:set) a deploy that would put a second host-mode app on a port in use fails, naming the fix" {
  require_docker
  create_app port-owner-app
  dokku ports:set port-owner-app "http:80:$WEB_PORT"
  dokku network-host:enable port-owner-app --no-rebuild
  deploy_app port-owner-app
  dokku ports:set "$TEST_APP" "http:80:$((WEB_PORT + 2))"
  dokku network-host:enable "$TEST_APP" --no-rebuild
  deploy_app "$TEST_APP"
  dokku ports:set "$TEST_APP" "http:80:$WEB_PORT"
  run dokku ps:rebuild "$TEST_APP"
  assert_failure
  assert_output --partial "Host-mode app port-owner-app already uses port $WEB_PORT. Fix: give $TEST_APP another port, e.g. dokku ports:set $TEST_APP http:80:$((WEB_PORT + 1))"
  TEST_APP=port-owner-app run web_answers "$WEB_PORT"
  assert_output --partial "hello from the app"
  destroy_app port-owner-app
}

@test "(network-host:enable) refused when another host-mode app uses the same web port" {
  create_app other-host-app
  dokku ports:set other-host-app "http:80:$WEB_PORT"
  dokku network-host:enable other-host-app --no-rebuild
  dokku ports:set "$TEST_APP" "http:80:$WEB_PORT"
  run dokku network-host:enable "$TEST_APP"
  assert_failure
  assert_output --partial "Host-mode app other-host-app already uses port $WEB_PORT"
  assert_output --partial "dokku ports:set $TEST_APP http:80:$((WEB_PORT + 1))"
  dokku ports:set "$TEST_APP" "http:80:$((WEB_PORT + 1))"
  run dokku network-host:enable "$TEST_APP" --no-rebuild
  assert_success
  destroy_app other-host-app
}

@test "(network-host:enable) refused with the network plugin's initial or attached networks" {
  dokku network:set "$TEST_APP" initial-network backend
  run dokku network-host:enable "$TEST_APP"
  assert_failure
  assert_output --partial "joins network backend"
  assert_output --partial "Fix: dokku network:set $TEST_APP initial-network"
  dokku network:set "$TEST_APP" initial-network
  dokku network:set --global attach-post-deploy monitoring
  run dokku network-host:enable "$TEST_APP"
  assert_failure
  assert_output --partial "Fix: dokku network:set $TEST_APP attach-post-deploy"
  dokku network:set --global attach-post-deploy
  run report mode
  assert_output ""
}

@test "(network-host:enable) refused with the app's own --network, --net, --link or --network-alias; -p only warns" {
  for option in --network=backend "--net backend" "--link db:db" --network-alias=web; do
    dokku docker-options:add "$TEST_APP" deploy "$option"
    run dokku network-host:enable "$TEST_APP"
    assert_failure
    assert_output --partial "Fix: dokku docker-options:remove $TEST_APP deploy '$option'"
    dokku docker-options:remove "$TEST_APP" deploy "$option"
  done
  dokku docker-options:add "$TEST_APP" deploy "-p 8080:5000"
  run dokku network-host:enable "$TEST_APP" --no-rebuild
  assert_success
  assert_output --partial "is ignored with host networking"
  run report mode
  assert_output "host"
}

@test "(network-host:enable) adopts the seed recipe's hand-written options, and nothing else" {
  dokku docker-options:add "$TEST_APP" build,deploy,run --net=host
  dokku docker-options:add "$TEST_APP" deploy "--network host"
  dokku docker-options:add "$TEST_APP" deploy --restart=always
  run report hand-written
  assert_output "build: --net=host; deploy: --net=host; deploy: --network host; run: --net=host"
  run dokku network-host:enable "$TEST_APP" --no-rebuild
  assert_success
  assert_output_contains "Adopted your" 4
  run dokku docker-options:report "$TEST_APP" --docker-options-deploy
  assert_output "--restart=always"
  run dokku docker-options:report "$TEST_APP" --docker-options-build
  assert_output ""
  run report hand-written
  assert_output ""
  run bash -c "dokku plugin:trigger docker-args-process-deploy $TEST_APP dockerfile latest web 1 </dev/null; dokku plugin:trigger docker-args-deploy $TEST_APP latest web 1 </dev/null"
  assert_output_contains "--network=host" 1
  assert_output_contains "--net=host" 0
}

@test "(network-host:gateway) adopts a hand-written host-gateway entry in either spelling" {
  dokku docker-options:add "$TEST_APP" deploy --add-host=host.docker.internal:host-gateway
  dokku docker-options:add "$TEST_APP" run "--add-host host.docker.internal:host-gateway"
  dokku docker-options:add "$TEST_APP" run --add-host=other.internal:host-gateway
  run dokku network-host:gateway "$TEST_APP" --no-rebuild
  assert_success
  assert_output_contains "Adopted your" 2
  run dokku docker-options:report "$TEST_APP" --docker-options-run
  assert_output "--add-host=other.internal:host-gateway"
}

@test "(network-host:set apply) docker-options mode writes the same arguments into docker-options and keeps them in step" {
  dokku docker-options:add "$TEST_APP" deploy --restart=always
  dokku network-host:enable "$TEST_APP" --phases deploy,run --no-rebuild
  run dokku network-host:set "$TEST_APP" apply docker-options
  assert_success
  run dokku docker-options:report "$TEST_APP" --docker-options-deploy
  assert_output "--network=host --restart=always"
  run dokku docker-options:report "$TEST_APP" --docker-options-run
  assert_output "--network=host"
  run "$PLUGIN_PATH/enabled/network-host/docker-args-process-deploy" "$TEST_APP" dockerfile latest web 1
  assert_output ""
  dokku network-host:gateway "$TEST_APP" --alias db.internal --no-rebuild
  run dokku docker-options:report "$TEST_APP" --docker-options-deploy
  assert_output "--add-host=db.internal:host-gateway --restart=always"
  dokku network-host:set "$TEST_APP" apply
  run dokku docker-options:report "$TEST_APP" --docker-options-deploy
  assert_output "--restart=always"
  run dokku docker-options:report "$TEST_APP" --docker-options-run
  assert_output ""
}

@test "(network-host:set apply) a global apply=docker-options reaches existing and new apps, and is removed with the global mode" {
  dokku network-host:set --global mode host
  dokku network-host:set --global apply docker-options
  run dokku docker-options:report "$TEST_APP" --docker-options-deploy
  assert_output "--network=host"
  create_app new-app-after-global
  run dokku docker-options:report new-app-after-global --docker-options-run
  assert_output "--network=host"
  dokku network-host:set --global mode
  run dokku docker-options:report new-app-after-global --docker-options-run
  assert_output ""
  dokku network-host:set --global apply
  destroy_app new-app-after-global
}
