#!/usr/bin/env bats
# Safety against bad input and faults: hostile values and app names, atomic writes, Docker missing or down.
load test_helper
bats_require_minimum_version 1.5.0

setup_file() { setup_dokku; }
teardown_file() { teardown_dokku; }
setup() { create_app; }
teardown() {
  destroy_app >/dev/null 2>&1 || true
  rm -rf "$DOKKU_LIB_ROOT/config/network-host/--global"
}

trigger() { "$PLUGIN_PATH/enabled/network-host/$1" "${@:2}" </dev/null; }
# The trigger's output split exactly the way Dokku splits it (fn-docker-args-split = xargs rules), one argument a line.
split_args() { trigger "$@" | xargs -r printf '%s\n'; }

HOSTILE=('--privileged' '$(id)' '`id`' "a'b" 'a"b' 'a b' $'host\n--privileged' $'db\n-v' '-v /:/host' 'host-gateway --cap-add=ALL'
  'é.internal' "$(printf 'a%.0s' {1..3000})" $'\t' ';rm -rf /' 'host;' 'build,deploy --privileged')

@test "(safety) hand-edited hostile values never reach Docker: the deploy fails naming app, key and fix" {
  dokku network-host:gateway "$TEST_APP" --no-rebuild
  dir="$DOKKU_LIB_ROOT/config/network-host/$TEST_APP"
  for key in mode phases gateway-aliases gateway-ip k3s-node; do
    for value in "${HOSTILE[@]}"; do
      cp -a "$dir" "$BATS_TEST_TMPDIR/saved"
      printf '%s' "$value" >"$dir/$key"
      for phase in build deploy run; do
        run --separate-stderr trigger "docker-args-process-$phase" "$TEST_APP" dockerfile latest web 1
        assert_failure
        assert_output ""
        assert_stderr --partial "Invalid network-host $key stored for app $TEST_APP"
        assert_stderr --partial "dokku network-host:set $TEST_APP $key"
      done
      rm -rf "$dir" && mv "$BATS_TEST_TMPDIR/saved" "$dir"
    done
  done
}

@test "(safety) unusual but valid values give exactly the intended arguments after xargs splitting" {
  long="$(printf 'a%.0s' {1..63}).$(printf 'b%.0s' {1..63}).internal"
  dokku network-host:gateway "$TEST_APP" --alias "$long" --alias x-1.y --ip fd00::17 --no-rebuild
  run split_args docker-args-process-run "$TEST_APP" dockerfile latest
  assert_output "--add-host=$long:fd00::17"$'\n'"--add-host=x-1.y:fd00::17"
}

@test "(safety) hostile app names read nothing outside the store and print no argument" {
  dokku network-host:set --global mode host
  for app in ../x .. -rf a/b '$(id)' 'a b' ../../etc/passwd; do
    for name in docker-args-process-deploy docker-args-process-build scheduler-deploy post-delete report; do
      run --separate-stderr trigger "$name" "$app" dockerfile latest web 1
      assert_success
      assert_output ""
      assert_stderr ""
    done
  done
  for app in ../x -rf; do
    run dokku network-host:enable "$app"
    assert_failure
    run dokku network-host:set "$app" mode host
    assert_failure
  done
}

@test "(safety) concurrent writers and readers: a reader never sees half a value" {
  long="$(printf 'alias%.0s.' {1..40})internal"
  for i in $(seq 1 20); do
    if ((i % 2)); then dokku network-host:set "$TEST_APP" gateway-aliases "$long" >/dev/null &
    else dokku network-host:set "$TEST_APP" gateway-aliases short.internal >/dev/null & fi
  done
  for _ in $(seq 1 40); do
    value=$(cat "$DOKKU_LIB_ROOT/config/network-host/$TEST_APP/gateway-aliases" 2>/dev/null || true)
    [[ -z "$value" || "$value" == "$long" || "$value" == short.internal ]] || fail "a reader saw a partial value: $value"
  done
  wait
  run dokku network-host:report "$TEST_APP" --network-host-gateway-aliases
  assert_output --regexp "^($long|short.internal)$"
}

@test "(safety) docker missing: check and report fail with a clear message; gateway builds fail with the fix; settings stay" {
  dokku network-host:gateway "$TEST_APP" --no-rebuild
  # Dokku takes DOCKER_BIN from /etc/default/dokku only (its script resets an inherited one).
  cp "$DOKKU_STANDIN_ROOT/etc/default/dokku" "$BATS_TEST_TMPDIR/default"
  echo 'DOCKER_BIN=/nonexistent/docker' >>"$DOKKU_STANDIN_ROOT/etc/default/dokku"
  run dokku network-host:check "$TEST_APP" --port 5432
  assert_failure
  assert_output --partial "Docker is not available"
  run dokku network-host:report "$TEST_APP"
  assert_failure
  assert_output --partial "Docker did not answer"
  run dokku report "$TEST_APP"
  assert_success
  cp "$BATS_TEST_TMPDIR/default" "$DOKKU_STANDIN_ROOT/etc/default/dokku"
  # the precomputed answers need no Docker; once they are gone the build asks Docker, and fails with the fix
  run env DOCKER_BIN=/nonexistent/docker "$PLUGIN_PATH/enabled/network-host/docker-args-process-build" "$TEST_APP" dockerfile
  assert_success
  assert_output --regexp "^ --add-host=host.docker.internal:[0-9.]+$"
  rm -rf "$DOKKU_LIB_ROOT/data/network-host/$TEST_APP/args"
  run env DOCKER_BIN=/nonexistent/docker "$PLUGIN_PATH/enabled/network-host/docker-args-process-build" "$TEST_APP" dockerfile
  assert_failure
  assert_output --partial "Unable to find the address host-gateway resolves to for the build of $TEST_APP"
  assert_output --partial "dokku network-host:set $TEST_APP gateway-ip <ip>"
  run dokku network-host:report "$TEST_APP" --network-host-mode
  assert_output "gateway"
}

@test "(safety) engine down: the rebuild fails with a clear message and a non-zero exit, the new setting is kept" {
  require_docker
  deploy_app "$TEST_APP"
  run env DOCKER_HOST=unix:///nonexistent/docker.sock dokku network-host:gateway "$TEST_APP"
  assert_failure
  assert_output --partial "ps:rebuild of $TEST_APP failed"
  assert_output --partial "the setting is saved. Fix the cause, then run: dokku ps:rebuild $TEST_APP"
  run dokku network-host:report "$TEST_APP" --network-host-mode
  assert_output "gateway"
  run env DOCKER_HOST=unix:///nonexistent/docker.sock dokku network-host:check "$TEST_APP" --port 5432
  assert_failure
  assert_output --partial "The Docker engine does not answer"
}
