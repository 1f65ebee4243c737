#!/usr/bin/env bats
# network-host:set follows Dokku's :set conventions (common.CommandPropertySet).
load test_helper

setup_file() { setup_dokku; }
teardown_file() { teardown_dokku; }
setup() { create_app; }
teardown() {
  destroy_app
  for key in mode phases gateway-aliases gateway-ip k3s-node; do dokku network-host:set --global "$key" >/dev/null; done
}

report() { dokku network-host:report "$TEST_APP" "--network-host-$1"; }

@test "(network-host:set) error without app, key, or with an unknown key" {
  run dokku network-host:set
  assert_failure
  assert_output --partial "Please specify an app to run the command on"
  run dokku network-host:set "$TEST_APP"
  assert_failure
  assert_output --partial "No property specified"
  run dokku network-host:set "$TEST_APP" network host
  assert_failure
  assert_output --partial " !     Invalid property specified, valid properties include: gateway-aliases, gateway-ip, k3s-node, mode, phases, processes"
  run dokku network-host:set no-such-app mode host
  assert_failure 20
}

@test "(network-host:set) error on invalid values, and nothing changes" {
  dokku network-host:set "$TEST_APP" mode gateway
  run dokku network-host:set "$TEST_APP" mode bridge
  assert_failure
  assert_output --partial "Mode must be one of [host gateway off]"
  run dokku network-host:set "$TEST_APP" phases build,release
  assert_failure
  run dokku network-host:set "$TEST_APP" gateway-aliases "a b"
  assert_failure
  run dokku network-host:set "$TEST_APP" gateway-ip nope
  assert_failure
  run dokku network-host:set "$TEST_APP" k3s-node Bad_Node
  assert_failure
  assert_output --partial "K3s node must be server, any or a node name"
  run dokku network-host:set --global mode "host --privileged"
  assert_failure
  run report mode
  assert_output "gateway"
  run report computed-phases
  assert_output "build,deploy,run"
  run dokku network-host:report --global --network-host-global-mode
  assert_output ""
}

@test "(network-host:set) sets and unsets an app value" {
  run dokku network-host:set "$TEST_APP" phases run,deploy
  assert_success
  assert_output --partial "=====> Setting phases to deploy,run"
  run report phases
  assert_output "deploy,run"
  run dokku network-host:set "$TEST_APP" phases
  assert_success
  assert_output --partial "=====> Unsetting phases"
  run report phases
  assert_output ""
  run report computed-phases
  assert_output "build,deploy,run"
}

@test "(network-host:set) a global value applies to apps without their own, and says how to apply it" {
  run dokku network-host:set --global mode gateway
  assert_success
  assert_output --partial "dokku ps:rebuild --all"
  run report computed-mode
  assert_output "gateway"
  run report deploy-args
  assert_output "--add-host=host.docker.internal:host-gateway"
  run dokku network-host:set --global gateway-aliases db.internal,cache.internal
  assert_success
  run report deploy-args
  assert_output "--add-host=db.internal:host-gateway --add-host=cache.internal:host-gateway"
}

@test "(network-host:set) 20 concurrent writes leave one valid value" {
  for i in $(seq 1 20); do
    if ((i % 2)); then dokku network-host:set "$TEST_APP" mode host >/dev/null & else dokku network-host:set "$TEST_APP" mode gateway >/dev/null & fi
  done
  wait
  run report mode
  assert_output --regexp "^(host|gateway)$"
  run find "$DOKKU_LIB_ROOT/config/network-host/$TEST_APP" -name '.*'
  assert_output ""
}

@test "(network-host:set) mode host is refused like enable: an app on another network, with its fix; nothing is written" {
  dokku docker-options:add "$TEST_APP" deploy,run --net=host
  dokku network:set "$TEST_APP" initial-network mynet
  run dokku network-host:set "$TEST_APP" mode host
  assert_failure
  assert_output --partial "This network-host setting cannot be used for $TEST_APP:"
  assert_output --partial "joins network mynet (network:set initial-network); a container cannot be on it and on the host network. Fix: dokku network:set $TEST_APP initial-network"
  run report mode
  assert_output ""
  run dokku network-host:enable "$TEST_APP"
  assert_failure
  assert_output --partial "joins network mynet"
  run dokku docker-options:report "$TEST_APP" --docker-options-deploy
  assert_output "--net=host"
}

@test "(network-host:set) --global mode host lists the apps that would clash, naming each fix; nothing is written" {
  local second="$TEST_APP-b"
  create_app "$second"
  dokku ports:set "$TEST_APP" http:80:5000
  dokku ports:set "$second" http:80:5000
  run dokku network-host:set --global mode host
  assert_failure
  assert_output --partial "This network-host setting cannot be used as the global setting:"
  assert_output --partial "$TEST_APP: Host-mode app $second already uses port 5000 (its redeploys alternate between 5000 and 5001). Fix: give $TEST_APP another port, e.g. dokku ports:set $TEST_APP http:80:5002"
  assert_output --partial "$second: Host-mode app $TEST_APP already uses port 5000"
  run dokku network-host:report --global --network-host-global-mode
  assert_output ""
  dokku ports:set "$second" http:80:5002
  run dokku network-host:set --global mode host
  assert_success
  assert_output --partial "2 app(s) use it from their next deploy ($TEST_APP, $second); apply it now with: dokku ps:rebuild --all"
  destroy_app "$second"
}

@test "(network-host:set) --global adopts the documented recipe of every app it affects" {
  dokku ports:set "$TEST_APP" http:80:5003
  dokku docker-options:add "$TEST_APP" deploy --add-host=host.docker.internal:host-gateway
  run dokku network-host:set --global mode gateway
  assert_success
  assert_output --partial "Adopted the deploy docker-option --add-host=host.docker.internal:host-gateway of $TEST_APP"
  run dokku docker-options:report "$TEST_APP" --docker-options-deploy
  assert_output ""
}
