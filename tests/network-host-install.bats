#!/usr/bin/env bats
# Installed as a new user would: `dokku plugin:install <git url>` clones the repository and has no build step
# (contract §1.5), so this proves the committed build is complete. Uses the last commit, not the working tree.
load test_helper

setup_file() {
  DOKKU_STANDIN_SETUP_ARGS=--no-plugin setup_dokku
  export CLONE="$BATS_FILE_TMPDIR/dokku-network-host"
  git clone -q "$NETWORK_HOST_REPO_DIR" "$CLONE"
}
teardown_file() { teardown_dokku; }

@test "(plugin:install) from a git url: named network-host, triggers and commands work without a build" {
  run dokku plugin:install "file://$CLONE"
  assert_success
  run dokku plugin:list
  assert_output --partial "network-host"
  run test -L "$PLUGIN_PATH/available/network-host/docker-args-process-deploy"
  assert_success
  create_app installed-app
  run dokku network-host:enable installed-app
  assert_success
  assert_output --partial "installed-app is not deployed yet"
  run bash -c "dokku plugin:trigger docker-args-process-deploy installed-app dockerfile latest web 1 </dev/null | xargs -r printf '%s\n'"
  assert_line "--network=host"
  run dokku network-host:report installed-app --network-host-deploy-args
  assert_output "--network=host"
  run dokku plugin:uninstall network-host
  assert_success
  run test -e "$DOKKU_LIB_ROOT/config/network-host"
  assert_failure
}
