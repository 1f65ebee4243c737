#!/usr/bin/env bats
# Host mode for chosen process types only (`--process`, the `processes` property): the worker shares the host's
# network, web keeps the bridge with Dokku's zero-downtime deploys, its scale and its proxy. Real containers through
# the stand-in's docker-local scheduler, which calls docker-args-process-deploy with the process type
# (tests/dokku/plugins/scheduler-docker-local/check-deploy, as Dokku's scheduler-deploy-process-container does).
load test_helper

setup_file() {
  setup_dokku
  export WEB_PORT=$(free_port)
}
teardown_file() { teardown_dokku; }
setup() {
  create_app >/dev/null
  dokku ports:set "$TEST_APP" "http:80:$WEB_PORT" >/dev/null
  # web serves as usual; the worker binds nothing and stops at once on SIGTERM
  SRC="$BATS_TEST_TMPDIR/src"
  cp -a "$NETWORK_HOST_TESTS_DIR/fixtures/apps/hello/." "$SRC/"
  printf '#!/bin/sh\ntrap "exit 0" TERM INT\necho "worker: started"\nwhile :; do sleep 1; done\n' >"$SRC/bin/worker"
  chmod +x "$SRC/bin/worker"
  printf 'web: /app/bin/web\nworker: /app/bin/worker\n' >"$SRC/Procfile"
  # Dokku scales a new process type to 0; before the first deploy there is no Procfile to check the name against
  dokku ps:scale --skip-deploy "$TEST_APP" worker=1 >/dev/null
}
teardown() {
  destroy_app >/dev/null 2>&1 || true
  dokku network-host:set --global processes >/dev/null 2>&1 || true
}

# network PROC INDEX: the network mode of the app's container PROC.INDEX
network() { "$DOCKER_BIN" inspect -f '{{.HostConfig.NetworkMode}}' "$(<"$DOKKU_ROOT/$TEST_APP/CONTAINER.$1.$2")"; }
running() { "$DOCKER_BIN" inspect -f '{{.State.Running}}' "$(<"$DOKKU_ROOT/$TEST_APP/CONTAINER.$1.$2")"; }
report() { dokku network-host:report "$TEST_APP" "--network-host-$1"; }

@test "(processes) enable --process worker: only the worker on the host network; web keeps the bridge, scales to 2 and deploys two containers" {
  require_docker
  run dokku network-host:enable "$TEST_APP" --process worker --no-rebuild
  assert_success
  assert_output --partial "Only worker of $TEST_APP gets host networking at deploys: web keeps Dokku's zero-downtime deploys, its scale and its proxy"
  run deploy_app "$TEST_APP" "$SRC"
  assert_success
  run network worker 1
  assert_output "host"
  run network web 1
  assert_success
  assert_output --regexp '^(bridge|default)$'
  # web scales as without the plugin: no refusal, no hand-off, both containers up on the bridge
  run dokku ps:scale "$TEST_APP" web=2
  assert_success
  refute_output --partial "refused"
  refute_output --partial "Host networking: stopping the previous"
  for index in 1 2; do
    run network web "$index"
    assert_output --regexp '^(bridge|default)$'
    run running web "$index"
    assert_output "true"
  done
  run network worker 1
  assert_output "host"
  run report containers
  assert_output "in sync"
  # a redeploy of web is Dokku's zero-downtime one: the plugin stops nothing
  run dokku ps:rebuild "$TEST_APP"
  assert_success
  refute_output --partial "Host networking: stopping the previous"
  for index in 1 2; do
    run running web "$index"
    assert_output "true"
  done
}

@test "(processes) a host-mode worker scaled to 2 deploys, and says that a fixed port would let only one bind it" {
  require_docker
  dokku network-host:enable "$TEST_APP" --process worker --no-rebuild >/dev/null
  run deploy_app "$TEST_APP" "$SRC"
  assert_success
  run dokku ps:scale "$TEST_APP" worker=2
  assert_success
  assert_output --partial "$TEST_APP runs 2 worker containers with host networking: they share the host's ports, so if worker listens on a fixed port only one of them can bind it. Fix then: dokku ps:scale $TEST_APP worker=1"
  for index in 1 2; do
    run "$DOCKER_BIN" inspect -f '{{.HostConfig.NetworkMode}} {{.State.Running}}' "$(<"$DOKKU_ROOT/$TEST_APP/CONTAINER.worker.$index")"
    assert_output "host true"
  done
  run dokku ps:scale "$TEST_APP" worker=1
  assert_success
}

@test "(processes) the report shows the processes and the deploy arguments per process type; web's lines say it is not in host mode" {
  require_docker
  dokku network-host:enable "$TEST_APP" --process worker --process clock --no-rebuild >/dev/null
  run report processes
  assert_output "clock,worker"
  run report computed-processes
  assert_output "clock,worker"
  run deploy_app "$TEST_APP" "$SRC"
  assert_success
  run report process-deploy-args
  assert_output "web: none; clock: --network=host; worker: --network=host; others: none"
  run report redeploys
  assert_output "zero downtime: the new container is checked while the old one serves (web is not in host mode; host mode for clock, worker)"
  run report proxy
  assert_output "web is not in host mode: nginx reaches it as it would without the plugin"
  run report trigger-answers
  assert_output "in step"
  # the global value, and an app value that takes it back
  dokku network-host:set "$TEST_APP" processes >/dev/null
  dokku network-host:set --global processes web worker >/dev/null
  run report computed-processes
  assert_output "web,worker"
  run report global-processes
  assert_output "web,worker"
  run report process-deploy-args
  assert_output "web: --network=host; worker: --network=host; others: none"
}

@test "(processes) a process type that is not one is refused Dokku-style and changes nothing" {
  run dokku network-host:enable "$TEST_APP" --process 'work er' --no-rebuild
  assert_failure
  assert_output --partial ' !     Process type "work er" is not valid'
  run dokku network-host:set "$TEST_APP" processes ../x
  assert_failure
  assert_output --partial ' !     Process type "../x" is not valid'
  run report mode
  assert_output ""
  run report processes
  assert_output ""
}

@test "(processes) the trigger answers each process type without Node: worker, web, a type that is not selected, an app.json task" {
  dokku network-host:enable "$TEST_APP" --process worker --no-rebuild >/dev/null
  local hook="$PLUGIN_PATH/enabled/network-host/docker-args-process-deploy"
  run env PATH=/nonexistent /bin/sh "$hook" "$TEST_APP" dockerfile latest worker 1
  assert_output " --network=host"
  run env PATH=/nonexistent /bin/sh "$hook" "$TEST_APP" dockerfile latest web 1
  assert_output ""
  run env PATH=/nonexistent /bin/sh "$hook" "$TEST_APP" dockerfile latest clock 1
  assert_output ""
  run env PATH=/nonexistent /bin/sh "$hook" "$TEST_APP" dockerfile latest
  assert_output " --network=host"
}

@test "(processes) a host-mode worker binding a port of its own redeploys once Dokku stops the old one first (checks:disable APP worker)" {
  require_docker
  local worker_port
  worker_port=$(free_port)
  printf '#!/bin/sh\nPORT=%s exec /app/bin/web\n' "$worker_port" >"$SRC/bin/worker"
  dokku network-host:enable "$TEST_APP" --process worker --no-rebuild >/dev/null
  dokku checks:disable "$TEST_APP" worker >/dev/null
  run deploy_app "$TEST_APP" "$SRC"
  assert_success
  previous="$(<"$DOKKU_ROOT/$TEST_APP/CONTAINER.worker.1")"
  # the worker listens on the host itself
  run timeout 3 wget -qO- "http://127.0.0.1:$worker_port/"
  assert_output --partial "hello from the app"
  run dokku ps:rebuild "$TEST_APP"
  assert_success
  assert_output --partial "Zero downtime is disabled, stopping currently running containers  (worker)"
  [[ "$(<"$DOKKU_ROOT/$TEST_APP/CONTAINER.worker.1")" != "$previous" ]]
  run network worker 1
  assert_output "host"
  run running worker 1
  assert_output "true"
  run timeout 3 wget -qO- "http://127.0.0.1:$worker_port/"
  assert_output --partial "hello from the app"
}
