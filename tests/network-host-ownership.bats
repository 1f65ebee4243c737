#!/usr/bin/env bats
# The plugin's files get Dokku's owner and modes (plugins/common/properties.go: files 0600, directories 0755, the
# dokku user's), whether written by a command (re-executed as dokku) or by a trigger Dokku runs as root (install).
load test_helper

setup_file() { setup_dokku; }
teardown_file() { teardown_dokku; }

owner_and_mode() { stat -c '%U:%G %a' "$@"; }

@test "(ownership) a subcommand run by root is re-executed as dokku and writes dokku-owned 0600 files in 0755 dirs" {
  dokku apps:create owned-app
  dokku network-host:gateway owned-app --alias db.internal --no-rebuild
  run owner_and_mode "$DOKKU_LIB_ROOT/config/network-host" "$DOKKU_LIB_ROOT/config/network-host/owned-app" "$DOKKU_LIB_ROOT/config/network-host/owned-app/mode"
  assert_output $'dokku:dokku 755\ndokku:dokku 755\ndokku:dokku 600'
}

@test "(ownership) triggers run as root still leave dokku-owned files" {
  rm -rf "$DOKKU_LIB_ROOT/config/network-host"
  run dokku plugin:install
  assert_success
  run owner_and_mode "$DOKKU_LIB_ROOT/config/network-host"
  assert_output "dokku:dokku 755"
  dokku apps:create owned-source
  dokku network-host:gateway owned-source --no-rebuild
  # install (as root) writes every app's precomputed answers again: still the dokku user's
  rm -rf "$DOKKU_LIB_ROOT/data/network-host"
  run dokku plugin:install
  run owner_and_mode "$DOKKU_LIB_ROOT/data/network-host" "$DOKKU_LIB_ROOT/data/network-host/owned-source/args" "$DOKKU_LIB_ROOT/data/network-host/owned-source/args/deploy"
  assert_output $'dokku:dokku 755\ndokku:dokku 755\ndokku:dokku 600'
  run dokku apps:clone --skip-deploy owned-source owned-copy
  assert_success
  run owner_and_mode "$DOKKU_LIB_ROOT/config/network-host/owned-copy" "$DOKKU_LIB_ROOT/config/network-host/owned-copy/mode"
  assert_output $'dokku:dokku 755\ndokku:dokku 600'
}
