#!/usr/bin/env bats
# Help output (the dokku script's help, plugins/plugin/help-functions): `dokku network-host` and `network-host:help` identical; the plugin's lines in `dokku help`.
load test_helper

setup_file() { setup_dokku; }
teardown_file() { teardown_dokku; }

@test "(network-host:help) dokku network-host and network-host:help print the same usage" {
  run dokku network-host
  assert_success
  default_output="$output"
  run dokku network-host:help
  assert_success
  assert_equal "$output" "$default_output"
  assert_line --index 0 "Usage: dokku network-host[:COMMAND]"
  assert_output --partial "Additional commands:"
  for command in check disable enable gateway help report set; do
    assert_output --partial "network-host:$command"
  done
}

@test "(network-host:help) dokku help lists the plugin once, dokku help --all lists every command" {
  run dokku help
  assert_success
  assert_output --regexp "network-host +Give apps host networking or a host-gateway entry"
  run dokku help --all
  assert_success
  assert_output --regexp "network-host:enable <app> \[--phases P\] \[--process PROC\]\.\.\. \[--no-rebuild\] +Give the app host networking"
  assert_output --regexp "network-host:gateway <app> .*--alias NAME.* +Give the app a host-gateway entry"
}

@test "(network-host:help) a subcommand answers --help without changing anything" {
  create_app helpapp
  run dokku network-host:enable helpapp --help
  assert_success
  assert_output --partial "Usage: dokku network-host:enable <app> [--phases P] [--process PROC]... [--no-rebuild]"
  run dokku network-host:report helpapp --network-host-mode
  assert_output ""
}

@test "(network-host) no file or folder named commands below the plugin root but the root one" {
  run find -L "$PLUGIN_PATH/enabled/network-host/" -name commands -not -path "*/node_modules/*"
  assert_success
  assert_output "$PLUGIN_PATH/enabled/network-host/commands"
}
