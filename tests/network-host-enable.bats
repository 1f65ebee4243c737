#!/usr/bin/env bats
# network-host:enable and :disable. Error cases first; state is read back through :report.
load test_helper

setup_file() { setup_dokku; }
teardown_file() { teardown_dokku; }
setup() { create_app; }
teardown() { destroy_app; }

report() { dokku network-host:report "$TEST_APP" "--network-host-$1"; }

@test "(network-host:enable) error when no app is given" {
  run dokku network-host:enable
  assert_failure
  assert_output --partial " !     Please specify an app to run the command on"
}

@test "(network-host:enable) error with exit 20 when the app does not exist" {
  run dokku network-host:enable no-such-app
  assert_failure 20
  assert_output --partial " !     App no-such-app does not exist"
}

@test "(network-host:enable) error on an invalid app name" {
  run dokku network-host:enable ../etc
  assert_failure
  assert_output --partial "App name must begin with lowercase alphanumeric character"
}

@test "(network-host:enable) error on an unknown phase or flag, and nothing changes" {
  run dokku network-host:enable "$TEST_APP" --phases build,release
  assert_failure
  assert_output --partial " !     Phase(s) must be one of [build deploy run]"
  run dokku network-host:enable "$TEST_APP" --phases
  assert_failure
  assert_output --partial "--phases requires a value"
  run dokku network-host:enable "$TEST_APP" --force-it
  assert_failure
  assert_output --partial "Unknown argument: force-it"
  run dokku network-host:enable "$TEST_APP" other-app
  assert_failure
  assert_output --partial "Unexpected argument: other-app"
  run report mode
  assert_output ""
  run report computed-mode
  assert_output "off"
}

@test "(network-host:enable) success on an app that is not deployed: stored, nothing rebuilt" {
  run dokku network-host:enable "$TEST_APP"
  assert_success
  assert_output --partial "-----> Giving $TEST_APP host networking (--network=host)"
  assert_output --partial "$TEST_APP is not deployed yet: the setting applies on its first deploy"
  assert_output --partial "Redeploys: zero downtime: each redeploy starts the new web container on the other port of the pair 5000/5001 (now 5000) while the old one serves"
  refute_output --partial "WARNING: Cannot build"
  run report computed-mode
  assert_output "host"
  run report deploy-args
  assert_output "--network=host"
  run report build-args
  assert_output "--network=host"
}

@test "(network-host:enable) --phases selects the phases; running it again changes nothing" {
  run dokku network-host:enable "$TEST_APP" --phases run,deploy --no-rebuild
  assert_success
  assert_output --partial "Phases: deploy,run"
  assert_output --partial "Skipping rebuild; apply the change with: dokku ps:rebuild $TEST_APP"
  run report build-args
  assert_output ""
  run report run-args
  assert_output "--network=host"
  run dokku network-host:enable "$TEST_APP" --phases deploy,run
  assert_success
  assert_output "-----> $TEST_APP already has host networking (--network=host); nothing changed"
}

@test "(network-host:enable) honours dokku --app" {
  run dokku --app "$TEST_APP" network-host:enable --no-rebuild
  assert_success
  run report mode
  assert_output "host"
}

@test "(network-host:disable) error when no app is given or the app does not exist" {
  run dokku network-host:disable
  assert_failure
  assert_output --partial "Please specify an app to run the command on"
  run dokku network-host:disable no-such-app
  assert_failure 20
}

@test "(network-host:disable) turns a mode off and overrides a global mode" {
  dokku network-host:enable "$TEST_APP" --no-rebuild
  run dokku network-host:disable "$TEST_APP" --no-rebuild
  assert_success
  assert_output --partial "Giving $TEST_APP no host access (Docker defaults)"
  run report computed-mode
  assert_output "off"
  dokku network-host:set --global mode host
  run report computed-mode
  assert_output "off"
  run report global-mode
  assert_output "host"
  dokku network-host:set --global mode
}
