#!/usr/bin/env bats
# Installed as a new user would: `dokku plugin:install <git url>` clones the repository and has no build step
# (plugins/plugin/subcommands/install), so this proves the committed build is complete. Uses the last commit, not
# the working tree.
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
  # what the plugin wrote into other plugins' stores goes with it, and nothing else
  dokku domains:set-global dokku.me >/dev/null
  create_app labelled-app
  dokku ports:set labelled-app http:80:5077 >/dev/null
  dokku proxy:set labelled-app traefik >/dev/null
  dokku traefik:labels:add labelled-app traefik.http.middlewares.mine.headers.customrequestheaders.X-Mine yes >/dev/null
  dokku network-host:enable labelled-app --no-rebuild >/dev/null
  run dokku traefik:labels:show labelled-app
  assert_output --partial "labelled-app-web-host-network"
  run dokku plugin:uninstall network-host
  assert_success
  run test -e "$DOKKU_LIB_ROOT/config/network-host"
  assert_failure
  run test -e "$DOKKU_LIB_ROOT/data/network-host"
  assert_failure
  run dokku traefik:labels:show labelled-app
  refute_output --partial "host-network"
  assert_output --partial "X-Mine=yes"
}
