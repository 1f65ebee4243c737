#!/usr/bin/env bats
# The triggers, called the way Dokku calls them (plugn: every enabled plugin in turn, outputs concatenated; the
# argument orders of plugins/scheduler-docker-local, builder-*, apps and plugin).
load test_helper
bats_require_minimum_version 1.5.0

setup_file() { setup_dokku; }
teardown_file() { teardown_dokku; }
setup() { create_app; }
teardown() {
  destroy_app >/dev/null 2>&1 || true
  for key in mode phases gateway-aliases gateway-ip k3s-node; do dokku network-host:set --global "$key" >/dev/null; done
}

# Only this plugin's output, split the way Dokku splits it (fn-docker-args-split: xargs rules).
plugin_args() { "$PLUGIN_PATH/enabled/network-host/$1" "${@:2}" </dev/null | xargs -r printf '%s\n'; }

@test "(docker-args-process-*) an app without a setting gets nothing, without starting Node" {
  run plugin_args docker-args-process-deploy "$TEST_APP" dockerfile latest web 1
  assert_success
  assert_output ""
  run env PATH=/nonexistent /bin/sh "$PLUGIN_PATH/enabled/network-host/docker-args-process-deploy" "$TEST_APP" dockerfile latest web 1
  assert_success
  assert_output ""
}

@test "(docker-args-process-deploy) prints exactly the expected arguments for each mode" {
  dokku network-host:enable "$TEST_APP" --no-rebuild
  run "$PLUGIN_PATH/enabled/network-host/docker-args-process-deploy" "$TEST_APP" dockerfile latest web 1
  assert_output " --network=host"
  dokku network-host:gateway "$TEST_APP" --no-rebuild
  run "$PLUGIN_PATH/enabled/network-host/docker-args-process-deploy" "$TEST_APP" dockerfile latest web 1
  assert_output " --add-host=host.docker.internal:host-gateway"
  dokku network-host:disable "$TEST_APP" --no-rebuild
  run "$PLUGIN_PATH/enabled/network-host/docker-args-process-deploy" "$TEST_APP" dockerfile latest web 1
  assert_output ""
}

@test "(docker-args-process-deploy) through plugn, concatenated with the other plugins' arguments" {
  dokku network-host:enable "$TEST_APP" --no-rebuild
  run bash -c "dokku plugin:trigger docker-args-process-deploy $TEST_APP dockerfile latest web 1 </dev/null | xargs -r printf '%s\n'"
  assert_success
  assert_line "--network=host"
  assert_output_contains "--network=host" 1
}

@test "(docker-args-process-run) respects the selected phases" {
  dokku network-host:enable "$TEST_APP" --phases deploy --no-rebuild
  run plugin_args docker-args-process-run "$TEST_APP" dockerfile latest
  assert_output ""
  dokku network-host:set "$TEST_APP" phases deploy,run
  run plugin_args docker-args-process-run "$TEST_APP" dockerfile latest
  assert_output "--network=host"
}

@test "(docker-args-process-build) follows what each builder forwards" {
  dokku network-host:enable "$TEST_APP" --no-rebuild
  for builder in dockerfile herokuish pack; do
    run plugin_args docker-args-process-build "$TEST_APP" "$builder"
    assert_output "--network=host"
  done
  for builder in nixpacks railpack; do
    run --separate-stderr plugin_args docker-args-process-build "$TEST_APP" "$builder"
    assert_success
    assert_output ""
    assert_stderr --partial "The $builder builder does not support host networking"
  done
  dokku network-host:gateway "$TEST_APP" --ip 10.20.30.40 --no-rebuild
  for builder in dockerfile herokuish nixpacks; do
    run plugin_args docker-args-process-build "$TEST_APP" "$builder"
    assert_output "--add-host=host.docker.internal:10.20.30.40"
  done
  run --separate-stderr plugin_args docker-args-process-build "$TEST_APP" pack
  assert_output ""
  assert_stderr --partial "The pack builder does not support host entries"
}

@test "(docker-args-process-build) gateway builds get the address Docker gives host-gateway, not host-gateway" {
  require_docker
  dokku network-host:gateway "$TEST_APP" --no-rebuild
  run plugin_args docker-args-process-build "$TEST_APP" dockerfile
  assert_output "--add-host=host.docker.internal:$(docker0_ip)"
  run dokku network-host:report --global --network-host-bridge-address
  assert_output "$(docker0_ip)"
}

@test "(docker-args-process-*) a global mode applies to apps without their own setting" {
  dokku network-host:set --global mode host
  run plugin_args docker-args-process-deploy "$TEST_APP" dockerfile latest web 1
  assert_output "--network=host"
  dokku network-host:disable "$TEST_APP" --no-rebuild
  run plugin_args docker-args-process-deploy "$TEST_APP" dockerfile latest web 1
  assert_output ""
}

@test "(docker-args-process-deploy) a hand-edited invalid value fails the deploy naming the app, the key and the fix" {
  dokku network-host:enable "$TEST_APP" --no-rebuild
  printf 'hots' >"$DOKKU_LIB_ROOT/config/network-host/$TEST_APP/mode"
  run "$PLUGIN_PATH/enabled/network-host/docker-args-process-deploy" "$TEST_APP" dockerfile latest web 1
  assert_failure
  assert_output --partial "Invalid network-host mode stored for app $TEST_APP"
  assert_output --partial "dokku network-host:set $TEST_APP mode <value>"
  refute_output --partial "--network"
  create_app other-app
  run plugin_args docker-args-process-deploy other-app dockerfile latest web 1
  assert_success
  assert_output ""
  destroy_app other-app
}

@test "(docker-args-process-deploy) a hand-edited invalid global value fails only the apps that inherit it, naming the fix" {
  dokku network-host:set --global gateway-aliases db.internal >/dev/null
  printf 'bui' >"$DOKKU_LIB_ROOT/config/network-host/--global/phases"
  # an app that never used the plugin (mode off) inherits nothing it would use: its deploys go on
  run plugin_args docker-args-process-deploy "$TEST_APP" dockerfile latest web 1
  assert_success
  assert_output ""
  # an app in host mode without phases of its own inherits the broken value
  create_app inheriting-app
  mkdir -p "$DOKKU_LIB_ROOT/config/network-host/inheriting-app"
  printf 'host' >"$DOKKU_LIB_ROOT/config/network-host/inheriting-app/mode"
  run "$PLUGIN_PATH/enabled/network-host/docker-args-process-deploy" inheriting-app dockerfile latest web 1
  assert_failure
  assert_output --partial "Invalid network-host phases stored for the global settings"
  assert_output --partial "dokku network-host:set --global phases <value>"
  destroy_app inheriting-app
}

@test "(apps:rename) the settings follow the app (post-app-rename-setup, then post-delete of the old name)" {
  dokku network-host:gateway "$TEST_APP" --alias db.internal --no-rebuild
  dokku apps:rename "$TEST_APP" "$TEST_APP-renamed"
  run dokku network-host:report "$TEST_APP-renamed" --network-host-gateway-aliases
  assert_output "db.internal"
  run test -e "$DOKKU_LIB_ROOT/config/network-host/$TEST_APP"
  assert_failure
  TEST_APP="$TEST_APP-renamed"
}

@test "(apps:clone) the clone gets the same settings (post-app-clone-setup)" {
  dokku network-host:enable "$TEST_APP" --phases deploy --no-rebuild
  dokku apps:clone "$TEST_APP" "$TEST_APP-clone"
  run dokku network-host:report "$TEST_APP-clone" --network-host-phases
  assert_output "deploy"
  run dokku network-host:report "$TEST_APP" --network-host-mode
  assert_output "host"
  destroy_app "$TEST_APP-clone"
}

@test "(apps:destroy) the settings and the plugin's data are removed (post-delete), also for an app in a global mode" {
  dokku network-host:set --global mode host
  mkdir -p "$DOKKU_LIB_ROOT/data/network-host/$TEST_APP/handoff"
  chown -R dokku:dokku "$DOKKU_LIB_ROOT/data/network-host"
  destroy_app
  run test -e "$DOKKU_LIB_ROOT/data/network-host/$TEST_APP"
  assert_failure
  dokku network-host:set --global mode
  create_app "$TEST_APP"
  dokku network-host:enable "$TEST_APP" --no-rebuild
  destroy_app
  run test -e "$DOKKU_LIB_ROOT/config/network-host/$TEST_APP"
  assert_failure
  create_app "$TEST_APP"
  run dokku network-host:report "$TEST_APP" --network-host-mode
  assert_output ""
}

@test "(install) creates the config and data dirs, is idempotent, never fails, and writes the precomputed answers again" {
  dokku network-host:gateway "$TEST_APP" --no-rebuild
  rm -rf "$DOKKU_LIB_ROOT/data/network-host"
  run dokku network-host:report "$TEST_APP" --network-host-trigger-answers
  assert_output --partial "missing"
  run dokku plugin:install
  assert_success
  run dokku plugin:install
  assert_success
  run stat -c '%a %U' "$DOKKU_LIB_ROOT/config/network-host" "$DOKKU_LIB_ROOT/data/network-host"
  assert_output $'755 dokku\n755 dokku'
  run dokku network-host:report "$TEST_APP" --network-host-trigger-answers
  assert_output "in step"
}

@test "(install) an earlier release's apply=docker-options entries are removed, exactly those, and the triggers give them" {
  dokku network-host:enable "$TEST_APP" --phases deploy,run --no-rebuild
  dokku docker-options:add "$TEST_APP" deploy,run --network=host
  dokku docker-options:add "$TEST_APP" deploy --restart=always
  printf 'deploy --network=host\nrun --network=host' >"$DOKKU_LIB_ROOT/config/network-host/$TEST_APP/applied-docker-options"
  printf 'docker-options' >"$DOKKU_LIB_ROOT/config/network-host/$TEST_APP/apply"
  run dokku plugin:install
  assert_success
  assert_output --partial "network-host: $TEST_APP's arguments come from the plugin's triggers now"
  run dokku docker-options:report "$TEST_APP" --docker-options-deploy
  assert_output "--restart=always"
  run dokku docker-options:report "$TEST_APP" --docker-options-run
  assert_output ""
  run ls "$DOKKU_LIB_ROOT/config/network-host/$TEST_APP"
  assert_output $'mode\nphases'
  run plugin_args docker-args-process-run "$TEST_APP" dockerfile latest
  assert_output "--network=host"
}

@test "(uninstall) only acts when the argument names this plugin" {
  dokku network-host:enable "$TEST_APP" --no-rebuild
  run "$PLUGIN_PATH/enabled/network-host/uninstall" some-other-plugin
  assert_success
  run dokku network-host:report "$TEST_APP" --network-host-mode
  assert_output "host"
  run "$PLUGIN_PATH/enabled/network-host/uninstall" network-host
  assert_success
  run test -e "$DOKKU_LIB_ROOT/config/network-host"
  assert_failure
  run test -e "$DOKKU_LIB_ROOT/data/network-host"
  assert_failure
}


@test "(properties) files are 0600 in 0755 directories" {
  dokku network-host:gateway "$TEST_APP" --alias a.internal --no-rebuild
  run stat -c '%a' "$DOKKU_LIB_ROOT/config/network-host/$TEST_APP" "$DOKKU_LIB_ROOT/config/network-host/$TEST_APP/mode" "$DOKKU_LIB_ROOT/config/network-host/$TEST_APP/gateway-aliases"
  assert_output $'755\n600\n600'
}

@test "(scheduler-register-retired) what Dokku really passes: an empty container ID (herokuish), an empty app (kill_new), odd arguments" {
  dokku network-host:enable "$TEST_APP" --no-rebuild
  mkdir -p "$DOKKU_LIB_ROOT/data/network-host/$TEST_APP/handoff"
  for args in "$TEST_APP ''" "'' ''" "'' 0123456789ab 60" "$TEST_APP 0123456789ab" "$TEST_APP" ""; do
    eval "set -- $args"
    run --separate-stderr "$PLUGIN_PATH/enabled/network-host/scheduler-register-retired" "$@"
    assert_success
    assert_output ""
    assert_stderr ""
  done
}

@test "(post-container-create) service containers, builds, runs and apps without a previous container need nothing" {
  dokku network-host:enable "$TEST_APP" --no-rebuild
  for args in "service 0123456789ab $TEST_APP" "app 0123456789ab $TEST_APP build" "app 0123456789ab $TEST_APP run" "app 0123456789ab $TEST_APP deploy web" "app"; do
    eval "set -- $args"
    run --separate-stderr "$PLUGIN_PATH/enabled/network-host/post-container-create" "$@"
    assert_success
    assert_output ""
    assert_stderr ""
  done
}
