#!/usr/bin/env bats
# Commands, restarts and deploys side by side, as Dokku runs them: it locks only a git deploy of one app
# (plugins/common/functions, acquire_app_deploy_lock, from plugins/git/functions receive-app); ps:restart, ps:rebuild and
# every plugin command run concurrently. The plugin's one lock and its stamp check keep the settings, the precomputed
# answers and the containers in step (docs/derived-arguments.md).
load test_helper

setup_file() {
  setup_dokku
  export WEB_PORT=$(free_port)
}
teardown_file() { teardown_dokku; }
teardown() {
  for app in "${APPS[@]}"; do destroy_app "$app" >/dev/null 2>&1 || true; done
}

report() { dokku network-host:report "$1" "--network-host-$2"; }
deploy_args() { "$PLUGIN_PATH/enabled/network-host/docker-args-process-deploy" "$1" dockerfile latest web 1 </dev/null; }

# in_parallel LOG CMD...: each CMD (one string) runs as its own process at the same time; fails unless all of them succeed
in_parallel() {
  local log="$1" pids=() status=0 pid
  shift
  for cmd in "$@"; do
    bash -c "$cmd" >>"$log" 2>&1 &
    pids+=("$!")
  done
  for pid in "${pids[@]}"; do wait "$pid" || status=1; done
  return "$status"
}

@test "(concurrency) 8 parallel network-host:set of different keys and apps all land, with answers in step" {
  APPS=("con-a-$RANDOM" "con-b-$RANDOM")
  local a="${APPS[0]}" b="${APPS[1]}"
  create_app "$a" >/dev/null
  create_app "$b" >/dev/null
  run in_parallel "$BATS_TEST_TMPDIR/set.log" \
    "dokku network-host:set $a mode gateway" \
    "dokku network-host:set $a phases deploy,run" \
    "dokku network-host:set $a gateway-aliases db.internal,cache.internal" \
    "dokku network-host:set $a gateway-ip 10.0.0.5" \
    "dokku network-host:set $a k3s-node any" \
    "dokku network-host:set $b mode gateway" \
    "dokku network-host:set $b gateway-ip 10.0.0.6" \
    "dokku network-host:set $b phases deploy"
  assert_success
  run dokku network-host:report "$a" --format json
  assert_success
  assert_output --partial '"mode":"gateway"'
  assert_output --partial '"phases":"deploy,run"'
  assert_output --partial '"gateway-aliases":"db.internal,cache.internal"'
  assert_output --partial '"gateway-ip":"10.0.0.5"'
  assert_output --partial '"k3s-node":"any"'
  run report "$b" mode
  assert_output "gateway"
  run report "$b" gateway-ip
  assert_output "10.0.0.6"
  run report "$b" phases
  assert_output "deploy"
  for app in "$a" "$b"; do
    run report "$app" trigger-answers
    assert_output "in step"
  done
  # The sh entry answers from the stamped files, without Node, what the settings say.
  run env PATH=/nonexistent /bin/sh "$PLUGIN_PATH/enabled/network-host/docker-args-process-deploy" "$a" dockerfile latest web 1
  assert_output " --add-host=db.internal:10.0.0.5 --add-host=cache.internal:10.0.0.5"
  run env PATH=/nonexistent /bin/sh "$PLUGIN_PATH/enabled/network-host/docker-args-process-run" "$b" dockerfile latest
  assert_output ""
  run env PATH=/nonexistent /bin/sh "$PLUGIN_PATH/enabled/network-host/docker-args-process-deploy" "$b" dockerfile latest web 1
  assert_output " --add-host=host.docker.internal:10.0.0.6"
}

@test "(concurrency) network-host:disable racing a ps:restart of a host-mode app ends in step, and so do the containers after a rebuild" {
  require_docker
  APPS=("con-host-$RANDOM")
  local app="${APPS[0]}"
  create_app "$app" >/dev/null
  dokku ports:set "$app" "http:80:$WEB_PORT" >/dev/null
  dokku network-host:enable "$app" --no-rebuild >/dev/null
  deploy_app "$app" >"$BATS_TEST_TMPDIR/deploy.log" 2>&1 || { cat "$BATS_TEST_TMPDIR/deploy.log" && false; }
  run "$DOCKER_BIN" inspect -f '{{.HostConfig.NetworkMode}}' "$(<"$DOKKU_ROOT/$app/CONTAINER.web.1")"
  assert_output "host"
  # The restart's preflight and its docker-args calls derive answers while disable and :set write the settings: each
  # call of the trigger that finds no fresh answer (the stamp is taken away here) asks Node, which writes them again.
  rm -f "$DOKKU_LIB_ROOT/data/network-host/$app/args/stamp"
  dokku ps:restart "$app" >"$BATS_TEST_TMPDIR/restart.log" 2>&1 &
  local restart=$!
  sleep 0.3
  run in_parallel "$BATS_TEST_TMPDIR/disable.log" \
    "dokku network-host:disable $app --no-rebuild" \
    "dokku network-host:set $app gateway-aliases db.internal" \
    "dokku plugin:trigger docker-args-process-deploy $app dockerfile latest web 1 </dev/null" \
    "dokku plugin:trigger docker-args-process-run $app dockerfile latest </dev/null"
  assert_success
  wait "$restart" || { cat "$BATS_TEST_TMPDIR/restart.log" && false; }
  run report "$app" mode
  assert_output "off"
  run report "$app" gateway-aliases
  assert_output "db.internal"
  run report "$app" trigger-answers
  assert_output "in step"
  run deploy_args "$app"
  assert_success
  assert_output ""
  run dokku ps:rebuild "$app"
  assert_success
  run "$DOCKER_BIN" inspect -f '{{.HostConfig.NetworkMode}}' "$(<"$DOKKU_ROOT/$app/CONTAINER.web.1")"
  refute_output "host"
  run report "$app" containers
  assert_output "in sync"
}

@test "(concurrency) a lock left by a killed command is taken over by the next command" {
  APPS=("con-lock-$RANDOM")
  local app="${APPS[0]}" lock="$DOKKU_LIB_ROOT/data/network-host/--global/lock"
  create_app "$app" >/dev/null
  dokku network-host:set "$app" mode gateway >/dev/null
  sleep 300 &
  local holder=$!
  printf '%s %s other network-host:set %s phases run\n' "$holder" "$(cut -d' ' -f22 "/proc/$holder/stat")" "$app" >"$lock"
  chmod 0644 "$lock"
  kill -9 "$holder"
  wait "$holder" || true
  run dokku network-host:set "$app" phases deploy
  assert_success
  run report "$app" phases
  assert_output "deploy"
  [[ ! -e "$lock" ]]
}
