#!/usr/bin/env bats
# network-host:report follows Dokku's :report conventions (plugins/common/common.go, ParseReportArgs and ReportSingleApp).
load test_helper

setup_file() {
  setup_dokku
  dokku apps:create report-a
  dokku apps:create report-b
  dokku network-host:enable report-a --no-rebuild
}
teardown_file() { teardown_dokku; }

@test "(network-host:report) error with an unknown app, an unknown flag, two flags or a bad format" {
  run dokku network-host:report no-such-app
  assert_failure 20
  run dokku network-host:report report-a --network-host-nope
  assert_failure
  assert_output --partial "Invalid flag passed, valid flags: --network-host-applies, --network-host-build-args,"
  run dokku network-host:report report-a --network-host-mode --network-host-phases
  assert_failure
  assert_output --partial "network-host:report command allows only a single flag"
  run dokku network-host:report report-a --format yaml
  assert_failure
  run dokku network-host:report report-a --format json --network-host-mode
  assert_failure
  assert_output --partial "--format flag cannot be specified when specifying an info flag"
}

@test "(network-host:report) one app: every key with app, global and computed values, and each phase" {
  run dokku network-host:report report-a
  assert_success
  assert_line --index 0 "=====> report-a network-host information"
  for key in mode phases processes "gateway aliases" "gateway ip" "k3s node"; do
    assert_output --regexp "       Network host $key: +"
    assert_output --regexp "       Network host global $key: +"
    assert_output --regexp "       Network host computed $key: +"
  done
  assert_output --regexp "       Network host deploy args: +--network=host"
  assert_output --regexp "       Network host build args: +--network=host"
  assert_output --regexp "       Network host run args: +--network=host"
  assert_output --regexp "       Network host containers: +not running"
  assert_output --regexp "       Network host applies: +builds, deploys and app.json tasks, dokku run and cron"
  assert_output --regexp "       Network host proxy: +nginx reaches the app at 127.0.0.1 on port 5000"
  assert_output --regexp "       Network host process deploy args: +web: --network=host; others: --network=host"
  assert_output --regexp "       Network host trigger answers: +in step"
}

@test "(network-host:report) says what a redeploy really does, checks disabled included" {
  run dokku network-host:report report-a --network-host-redeploys
  assert_output --regexp "^zero downtime: each redeploy starts the new web container on the other port of the pair [0-9]+/[0-9]+ "
  dokku checks:disable report-a
  run dokku network-host:report report-a --network-host-redeploys
  assert_output --regexp "^stop-first: checks are disabled for web, so Dokku stops the old container first"
  dokku checks:enable report-a
  run dokku network-host:report report-b --network-host-redeploys
  assert_output "Dokku's own (network-host changes nothing)"
}

@test "(network-host:report) every app: only the apps the user-auth-app trigger lets the user see (dokku-acl)" {
  local plugin="$DOKKU_LIB_ROOT/plugins/available/acl-test"
  mkdir -p "$plugin"
  printf '[plugin]\ndescription = "acl test"\nversion = "0.0.1"\n[plugin.config]\n' >"$plugin/plugin.toml"
  # user-auth-app USER NAME APP...: print the apps the user may see (here: all but report-b)
  printf '#!/bin/sh\nshift 2\nfor app in "$@"; do [ "$app" = report-b ] || echo "$app"; done\n' >"$plugin/user-auth-app"
  chmod +x "$plugin/user-auth-app"
  ln -s "$plugin" "$DOKKU_LIB_ROOT/plugins/enabled/acl-test"
  run dokku network-host:report
  rm -rf "$DOKKU_LIB_ROOT/plugins/enabled/acl-test" "$plugin"
  assert_success
  assert_output --partial "=====> report-a network-host information"
  refute_output --partial "report-b"
}

@test "(network-host:report) no app reports every app" {
  run dokku network-host:report
  assert_success
  assert_output --partial "=====> report-a network-host information"
  assert_output --partial "=====> report-b network-host information"
}

@test "(network-host:report) --global reports global and computed values only" {
  run dokku network-host:report --global
  assert_success
  assert_line --index 0 "=====> --global network-host information"
  assert_output --regexp "Network host computed mode: +off"
  refute_output --partial "Network host mode:"
  refute_output --partial "args"
  assert_output --regexp "Network host bridge address: +[0-9.]+"
}

@test "(network-host:report) a single flag prints the raw value" {
  run dokku network-host:report report-a --network-host-computed-phases
  assert_success
  assert_output "build,deploy,run"
}

@test "(network-host:report) --format json parses and holds the same facts" {
  run dokku network-host:report report-a --format json
  assert_success
  run node -e 'const r = JSON.parse(process.argv[1]); console.log(r.mode, r["computed-mode"], r["deploy-args"], r["computed-gateway-aliases"])' "$output"
  assert_output "host host --network=host host.docker.internal"
}

@test "(network-host:report) dokku report APP includes the plugin's block (report trigger)" {
  run dokku report report-a
  assert_success
  assert_output --partial "=====> report-a network-host information"
}
