#!/usr/bin/env bats
# network-host:gateway: aliases and IP validated before anything is stored.
load test_helper

setup_file() { setup_dokku; }
teardown_file() { teardown_dokku; }
setup() { create_app; }
teardown() { destroy_app; }

report() { dokku network-host:report "$TEST_APP" "--network-host-$1"; }

@test "(network-host:gateway) error on aliases that are not host names, and nothing changes" {
  for alias in "bad name" "it's" "-leading-dash" "a=b" "a..b" '$(id)' "--privileged" "ünïcode"; do
    run dokku network-host:gateway "$TEST_APP" "--alias=$alias"
    assert_failure
    assert_output --partial "is not a valid host name"
  done
  run dokku network-host:gateway "$TEST_APP" '--alias="quoted"'
  assert_failure
  assert_output --partial 'Invalid argument --alias="quoted": no valid value contains quotes'
  run dokku network-host:gateway "$TEST_APP" --alias
  assert_failure
  assert_output --partial "--alias requires a value"
  run report gateway-aliases
  assert_output ""
  run report mode
  assert_output ""
}

@test "(network-host:gateway) error on an IP that is not an IP, and nothing changes" {
  for ip in 1.2.3 256.1.1.1 localhost "1.2.3.4 --privileged" ""; do
    run dokku network-host:gateway "$TEST_APP" "--ip=$ip"
    assert_failure
  done
  run dokku network-host:gateway "$TEST_APP" --ip 1.2.3
  assert_output --partial " !     Gateway IP must be host-gateway or an IPv4/IPv6 address"
  run report computed-gateway-ip
  assert_output "host-gateway"
}

@test "(network-host:gateway) error when the app does not exist" {
  run dokku network-host:gateway no-such-app
  assert_failure 20
}

@test "(network-host:gateway) defaults: host.docker.internal -> host-gateway in every phase, bridge address for builds" {
  run dokku network-host:gateway "$TEST_APP"
  assert_success
  assert_output --partial "Hosts: host.docker.internal -> host-gateway"
  run report deploy-args
  assert_output "--add-host=host.docker.internal:host-gateway"
  run report run-args
  assert_output "--add-host=host.docker.internal:host-gateway"
  run report build-args
  assert_output --regexp "^--add-host=host.docker.internal:[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$"
}

@test "(network-host:gateway) repeated --alias and --ip" {
  run dokku network-host:gateway "$TEST_APP" --alias db.internal --alias host.docker.internal --ip 10.11.12.13 --no-rebuild
  assert_success
  run report deploy-args
  assert_output "--add-host=db.internal:10.11.12.13 --add-host=host.docker.internal:10.11.12.13"
  run report build-args
  assert_output "--add-host=db.internal:10.11.12.13 --add-host=host.docker.internal:10.11.12.13"
  run report gateway-aliases
  assert_output "db.internal,host.docker.internal"
}

@test "(network-host:gateway) switching from host keeps nothing of host mode" {
  dokku network-host:enable "$TEST_APP" --no-rebuild
  run dokku network-host:gateway "$TEST_APP" --no-rebuild
  assert_success
  run report deploy-args
  assert_output "--add-host=host.docker.internal:host-gateway"
}

@test "(network-host:gateway) warns when the app's builder cannot take host entries; the report says so for that builder, or lists such builders" {
  run dokku network-host:gateway "$TEST_APP" --no-rebuild
  run report warnings
  assert_output "Builds with pack or railpack get no build arguments (those builders drop the option)"
  dokku builder:set "$TEST_APP" selected pack
  run dokku network-host:gateway "$TEST_APP" --phases build,deploy,run --alias host.docker.internal --no-rebuild
  run dokku network-host:set "$TEST_APP" phases deploy,run
  run dokku network-host:set "$TEST_APP" phases build,deploy,run
  assert_success
  assert_output --partial " !     The pack builder does not support host entries (--add-host): build steps will not reach the host"
  run report warnings
  assert_output "The pack builder does not support host entries (--add-host): build steps will not reach the host"
  run report build-args
  assert_output ""
}
