#!/usr/bin/env bats
# Property files get Dokku's owner and modes (contract §4.1), also when a trigger runs as root (install, lifecycle).
# This file runs the stand-in as Dokku does: commands re-executed as the `dokku` user, plugin:* and triggers as root.
load test_helper

setup_file() { DOKKU_STANDIN_SETUP_ARGS=--with-user setup_dokku; }
teardown_file() { teardown_dokku; }

owner_and_mode() { stat -c '%U:%G %a' "$@"; }

@test "(ownership) a subcommand run by root is re-executed as dokku and writes dokku-owned 0600 files in 0755 dirs" {
  [[ $(id -u) == 0 ]] || skip "needs root to create the dokku user"
  dokku apps:create owned-app
  dokku network-host:gateway owned-app --alias db.internal --no-rebuild
  run owner_and_mode "$DOKKU_LIB_ROOT/config/network-host" "$DOKKU_LIB_ROOT/config/network-host/owned-app" "$DOKKU_LIB_ROOT/config/network-host/owned-app/mode"
  assert_output $'dokku:dokku 755\ndokku:dokku 755\ndokku:dokku 600'
}

@test "(ownership) triggers run as root still leave dokku-owned files" {
  [[ $(id -u) == 0 ]] || skip "needs root to create the dokku user"
  rm -rf "$DOKKU_LIB_ROOT/config/network-host"
  run dokku plugin:install
  assert_success
  run owner_and_mode "$DOKKU_LIB_ROOT/config/network-host"
  assert_output "dokku:dokku 755"
  dokku apps:create owned-source
  dokku network-host:enable owned-source --no-rebuild
  run "$PLUGIN_PATH/enabled/network-host/post-app-clone-setup" owned-source owned-copy
  assert_success
  run owner_and_mode "$DOKKU_LIB_ROOT/config/network-host/owned-copy" "$DOKKU_LIB_ROOT/config/network-host/owned-copy/mode"
  assert_output $'dokku:dokku 755\ndokku:dokku 600'
}
