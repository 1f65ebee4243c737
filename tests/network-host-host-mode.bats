#!/usr/bin/env bats
# Host mode that survives redeploys, with no conflict or duplicate left to the user (docs/host-mode.md). Real
# containers: the web container binds its port on the host itself. The failure without the plugin (dokku/dokku#5219)
# is reproduced by the stand-in's own test, tests/standin.bats.
load test_helper

setup_file() {
  setup_dokku
  export WEB_PORT=$(free_port)
}
teardown_file() { teardown_dokku; }
setup() { create_app; }
teardown() {
  host_service_stop_all
  destroy_app >/dev/null 2>&1 || true
  # the second apps of a test that failed before its own cleanup would hold their ports for the next tests
  for app in default-port-app other-host-app port-owner-app; do dokku --force apps:destroy "$app" >/dev/null 2>&1 || true; done
}

# answers PORT: the app answers on the host's port (where nginx reaches a host-mode app)
answers() { timeout 3 wget -qO- "http://127.0.0.1:$1/" 2>/dev/null; }
web_id() { "$DOCKER_BIN" inspect -f '{{.Id}}' "$(<"$DOKKU_ROOT/$TEST_APP/CONTAINER.web.1")"; }
report() { dokku network-host:report "$TEST_APP" "--network-host-$1"; }

# deployed_in_host_mode: the test's app deployed in host mode on WEB_PORT; its web container's ID in $previous
deployed_in_host_mode() {
  require_docker
  dokku ports:set "$TEST_APP" "http:80:$WEB_PORT"
  dokku network-host:enable "$TEST_APP" --no-rebuild
  deploy_app "$TEST_APP"
  previous=$(web_id)
}

# watch PORT FILE: every 0.2 s, append to FILE what the port answers ("-" for no answer), until FILE.stop exists
watch_port() {
  while [[ ! -e "$2.stop" ]]; do
    { answers "$1" || echo -; } | head -n1 >>"$2"
    sleep 0.2
  done
}

@test "(host mode) an app is deployed, redeployed and restarted again and again, answering each time: on the two ports of its pair in turn" {
  require_docker
  dokku ports:set "$TEST_APP" "http:80:$WEB_PORT"
  dokku network-host:enable "$TEST_APP"
  run deploy_app "$TEST_APP"
  assert_success
  run answers "$WEB_PORT"
  assert_output --partial "hello from the app"
  local port=$WEB_PORT next
  for round in 1 2 3; do
    for command in ps:rebuild ps:restart; do
      previous=$(web_id)
      next=$((port == WEB_PORT ? WEB_PORT + 1 : WEB_PORT))
      run dokku "$command" "$TEST_APP"
      assert_success
      assert_output --partial "Host networking: the new web container gets port $next; the old one serves on port $port until the new one passes its checks"
      refute_output --partial "Host networking: stopping the previous"
      assert_output --partial "All checks successful"
      run "$DOCKER_BIN" inspect -f '{{.Id}} {{.HostConfig.NetworkMode}}' "$(web_id)"
      refute_output --partial "$previous"
      assert_output --partial " host"
      run answers "$next"
      assert_output --partial "hello from the app"
      # the old one is retired: nothing answers on its port
      run answers "$port"
      assert_output ""
      run dokku ports:report "$TEST_APP" --ports-map
      assert_output "http:80:$next"
      port=$next
    done
  done
  run report containers
  assert_output "in sync"
  # nothing is left of the switches and hand-offs once the replacements serve
  run find "$DOKKU_LIB_ROOT/data/network-host/$TEST_APP" -name switch -o -path '*handoff/*' -type f
  assert_output ""
}

@test "(host mode) a broken release leaves the previous container serving: nothing else answers, and it serves after" {
  deployed_in_host_mode
  # A release whose web process exits at once: its checks fail.
  broken="$BATS_TEST_TMPDIR/broken"
  cp -a "$NETWORK_HOST_TESTS_DIR/fixtures/apps/hello" "$broken"
  printf '#!/bin/sh\necho "web: broken release"\nexit 3\n' >"$broken/bin/web"
  watch_port "$WEB_PORT" "$BATS_TEST_TMPDIR/answers" &
  run deploy_app "$TEST_APP" "$broken"
  touch "$BATS_TEST_TMPDIR/answers.stop"
  wait
  assert_failure
  # Dokku's kill_new retires the replacement from its EXIT trap, with an empty app name: the record finds the app.
  assert_output --partial "The new web container of $TEST_APP failed; the previous one was started again and serves"
  run "$DOCKER_BIN" inspect -f '{{.Id}} {{.State.Running}}' "$previous"
  assert_output "$previous true"
  [[ "$(web_id)" == "$previous" ]]
  run answers "$WEB_PORT"
  assert_output --partial "hello from the app"
  # Throughout the failed deploy, whatever answered was the previous release.
  run sort -u "$BATS_TEST_TMPDIR/answers"
  assert_line --partial "hello from the app"
  refute_line --regexp '^[^-h]'
}

@test "(host mode) the previous container stops with the app's stop timeout" {
  require_docker
  dokku ports:set "$TEST_APP" "http:80:$WEB_PORT"
  dokku ps:set "$TEST_APP" stop-timeout-seconds 2
  dokku network-host:enable "$TEST_APP" --no-rebuild
  # A web process that ignores SIGTERM (a long graceful shutdown): docker stop kills it when the timeout ends.
  slow="$BATS_TEST_TMPDIR/slow"
  cp -a "$NETWORK_HOST_TESTS_DIR/fixtures/apps/hello" "$slow"
  printf '#!/bin/sh\ntrap "" TERM\nbusybox httpd -f -p "0.0.0.0:$PORT" -h /app/www &\nwait\n' >"$slow/bin/web"
  deploy_app "$TEST_APP" "$slow"
  previous=$(web_id)
  "$DOCKER_BIN" events --filter "container=$previous" --filter event=kill --format '{{.TimeNano}} {{.Actor.Attributes.signal}}' >"$BATS_TEST_TMPDIR/events" &
  events=$!
  run dokku ps:restart "$TEST_APP"
  kill "$events"
  assert_success
  run awk '$2 == 15 { term = $1 } $2 == 9 && term { printf "%.0f\n", ($1 - term) / 1e9; exit }' "$BATS_TEST_TMPDIR/events"
  assert_output 2
}

@test "(host mode) ps:scale web=2 is refused before any container is touched, on every deploy, naming ps:scale APP web=1" {
  deployed_in_host_mode
  run dokku ps:scale "$TEST_APP" web=2
  assert_failure
  assert_output --partial "The deploy of $TEST_APP is refused by network-host:"
  assert_output --partial "runs 2 web containers; with host networking they would all bind port $WEB_PORT. Fix: dokku ps:scale $TEST_APP web=1"
  refute_output --partial "Host networking: stopping the previous"
  [[ "$(web_id)" == "$previous" ]]
  run answers "$WEB_PORT"
  assert_output --partial "hello from the app"
  # the stored scale keeps refusing, and touching nothing, until it is fixed
  run dokku ps:restart "$TEST_APP"
  assert_failure
  assert_output --partial "dokku ps:scale $TEST_APP web=1"
  [[ "$(web_id)" == "$previous" ]]
  run dokku ps:scale "$TEST_APP" web=1
  assert_success
}

@test "(host mode) a deploy onto a port another host-mode app uses fails before anything is touched, naming the fix" {
  require_docker
  create_app port-owner-app
  dokku ports:set port-owner-app "http:80:$WEB_PORT"
  dokku network-host:enable port-owner-app --no-rebuild
  deploy_app port-owner-app
  dokku ports:set "$TEST_APP" "http:80:$((WEB_PORT + 2))"
  dokku network-host:enable "$TEST_APP" --no-rebuild
  deploy_app "$TEST_APP"
  previous=$(web_id)
  dokku ports:set "$TEST_APP" "http:80:$WEB_PORT"
  run dokku ps:rebuild "$TEST_APP"
  assert_failure
  assert_output --partial "Host-mode app port-owner-app already uses port $WEB_PORT (its redeploys alternate between $WEB_PORT and $((WEB_PORT + 1))). Fix: give $TEST_APP another port, e.g. dokku ports:set $TEST_APP http:80:$((WEB_PORT + 2))"
  [[ "$(web_id)" == "$previous" ]]
  run answers "$WEB_PORT"
  assert_output --partial "hello from the app"
  destroy_app port-owner-app
}

@test "(host mode) a datastore link added after host mode was enabled fails the next deploy early, with both fixes" {
  deployed_in_host_mode
  # what postgres:link writes (dokku-postgres common-functions: build, deploy and run)
  dokku docker-options:add "$TEST_APP" build,deploy,run "--link dokku.postgres.main:dokku-postgres-main"
  run dokku ps:restart "$TEST_APP"
  assert_failure
  assert_output --partial "$TEST_APP is linked to the postgres service main"
  assert_output --partial "dokku network-host:gateway $TEST_APP"
  assert_output --partial "dokku postgres:expose main <port>"
  refute_output --partial "conflicting options"
  [[ "$(web_id)" == "$previous" ]]
}

@test "(network-host:enable) refused when the web process is scaled above one" {
  dokku ps:scale --skip-deploy "$TEST_APP" web=2
  run dokku network-host:enable "$TEST_APP"
  assert_failure
  assert_output --partial "This network-host setting cannot be used for $TEST_APP"
  assert_output --partial "dokku ps:scale $TEST_APP web=1"
  run report mode
  assert_output ""
}

@test "(network-host:enable) refused when another host-mode app uses the same web port, or the port listens on the host" {
  create_app other-host-app
  dokku ports:set other-host-app "http:80:$WEB_PORT"
  dokku network-host:enable other-host-app --no-rebuild
  dokku ports:set "$TEST_APP" "http:80:$WEB_PORT"
  run dokku network-host:enable "$TEST_APP"
  assert_failure
  assert_output --partial "Host-mode app other-host-app already uses port $WEB_PORT"
  assert_output --partial "dokku ports:set $TEST_APP http:80:$((WEB_PORT + 2))"
  # the pair's second port is the other app's too
  dokku ports:set "$TEST_APP" "http:80:$((WEB_PORT + 1))"
  run dokku network-host:enable "$TEST_APP"
  assert_failure
  assert_output --partial "Host-mode app other-host-app already uses port $((WEB_PORT + 1)) (its redeploys alternate between $WEB_PORT and $((WEB_PORT + 1)))"
  destroy_app other-host-app
  # an image that EXPOSEs a port something on the host already listens on (nginx on 80, here a test service)
  busy=$(free_port)
  host_service_start 127.0.0.1 "$busy"
  dokku ports:set "$TEST_APP" "http:80:$busy"
  run dokku network-host:enable "$TEST_APP"
  host_service_stop "$busy"
  assert_failure
  assert_output --partial "Port $busy already listens on this host"
  dokku ports:set "$TEST_APP" "http:80:$((WEB_PORT + 1))"
  run dokku network-host:enable "$TEST_APP" --no-rebuild
  assert_success
}

@test "(network-host:enable) refused with the network plugin's initial or attached networks" {
  dokku network:set "$TEST_APP" initial-network backend
  run dokku network-host:enable "$TEST_APP"
  assert_failure
  assert_output --partial "joins network backend"
  assert_output --partial "Fix: dokku network:set $TEST_APP initial-network"
  dokku network:set "$TEST_APP" initial-network
  dokku network:set --global attach-post-deploy monitoring
  run dokku network-host:enable "$TEST_APP"
  assert_failure
  assert_output --partial "Fix: dokku network:set $TEST_APP attach-post-deploy"
  dokku network:set --global attach-post-deploy
  run report mode
  assert_output ""
}

@test "(network-host:enable) refused with the app's own --network, --net, --link or --network-alias, in any scope; -p only warns" {
  for option in --network=backend "--net backend" "--link db:db" --network-alias=web; do
    dokku docker-options:add "$TEST_APP" deploy "$option"
    run dokku network-host:enable "$TEST_APP"
    assert_failure
    assert_output --partial "Fix: dokku docker-options:remove $TEST_APP deploy"
    dokku docker-options:remove "$TEST_APP" deploy "$option"
  done
  dokku docker-options:add --process web "$TEST_APP" deploy --network=backend
  run dokku network-host:enable "$TEST_APP"
  assert_failure
  assert_output --partial "(process web) puts $TEST_APP on another network. Fix: dokku docker-options:remove --process web $TEST_APP deploy --network=backend"
  dokku docker-options:remove --process web "$TEST_APP" deploy --network=backend
  dokku docker-options:add "$TEST_APP" deploy "-p 8080:5000"
  run dokku network-host:enable "$TEST_APP" --no-rebuild
  assert_success
  assert_output --partial "is ignored with host networking"
  run report mode
  assert_output "host"
}

@test "(network-host:enable) adopts the documented recipe's hand-written options, and nothing else" {
  dokku docker-options:add "$TEST_APP" build,deploy,run --net=host
  dokku docker-options:add "$TEST_APP" deploy "--network host"
  dokku docker-options:add "$TEST_APP" deploy --restart=always
  run dokku network-host:enable "$TEST_APP" --no-rebuild
  assert_success
  assert_output_contains "Adopted the" 4
  run dokku docker-options:report "$TEST_APP" --docker-options-deploy
  assert_output "--restart=always"
  run dokku docker-options:report "$TEST_APP" --docker-options-build
  assert_output ""
  run bash -c "dokku plugin:trigger docker-args-process-deploy $TEST_APP dockerfile latest web 1 </dev/null; dokku plugin:trigger docker-args-deploy $TEST_APP latest web 1 </dev/null"
  assert_output_contains "--network=host" 1
  assert_output_contains "--net=host" 0
}

@test "(network-host:gateway) adopts a hand-written host-gateway entry in either spelling" {
  dokku docker-options:add "$TEST_APP" deploy --add-host=host.docker.internal:host-gateway
  dokku docker-options:add "$TEST_APP" run "--add-host host.docker.internal:host-gateway"
  dokku docker-options:add "$TEST_APP" run --add-host=other.internal:host-gateway
  run dokku network-host:gateway "$TEST_APP" --no-rebuild
  assert_success
  assert_output_contains "Adopted the" 2
  run dokku docker-options:report "$TEST_APP" --docker-options-run
  assert_output "--add-host=other.internal:host-gateway"
}

@test "(apps:clone) a host-mode app's clone gets mode off instead of a first deploy that cannot bind the port" {
  dokku ports:set "$TEST_APP" "http:80:$WEB_PORT"
  dokku network-host:enable "$TEST_APP" --phases deploy,run --no-rebuild
  run dokku apps:clone --skip-deploy "$TEST_APP" "$TEST_APP-clone"
  assert_success
  assert_output --partial "$TEST_APP-clone would bind port $WEB_PORT of $TEST_APP with host networking, so it gets mode off"
  run dokku network-host:report "$TEST_APP-clone" --network-host-mode
  assert_output "off"
  run dokku network-host:report "$TEST_APP-clone" --network-host-phases
  assert_output "deploy,run"
  destroy_app "$TEST_APP-clone"
}

@test "(host mode) two apps on Dokku's default port (never built: ports-get gives http:80:5000) cannot both be in host mode" {
  create_app default-port-app
  dokku ports:clear "$TEST_APP" >/dev/null
  dokku network-host:enable default-port-app --no-rebuild
  run dokku network-host:enable "$TEST_APP" --no-rebuild
  assert_failure
  assert_output --partial "Host-mode app default-port-app already uses port 5000"
  destroy_app default-port-app
}

@test "(host mode) a port set after enable that another program holds fails the first deploy early, naming the fix" {
  require_docker
  dokku network-host:enable "$TEST_APP" --no-rebuild
  host_service_start 127.0.0.1 "$WEB_PORT" "not the app"
  dokku ports:set "$TEST_APP" "http:80:$WEB_PORT"
  run deploy_app "$TEST_APP"
  assert_failure
  assert_output --partial "Port $WEB_PORT already listens on this host (a program that is not a host-mode app), so $TEST_APP could not bind it with host networking. Fix: stop that program, or give $TEST_APP another port"
  run "$DOCKER_BIN" container ls -aq --filter "label=com.dokku.app-name=$TEST_APP"
  assert_output ""
  host_service_stop "$WEB_PORT"
}

@test "(host mode) the recipe's --net=host added after enable is adopted at the next deploy, which then works" {
  deployed_in_host_mode
  dokku docker-options:add "$TEST_APP" deploy --net=host
  run dokku ps:rebuild "$TEST_APP"
  assert_success
  assert_output --partial "Adopted the"
  refute_output --partial "specified multiple times"
  run dokku docker-options:report "$TEST_APP" --docker-options-deploy
  assert_output ""
  # the redeploy moved the web container to the other port of its pair
  run answers "$((WEB_PORT + 1))"
  assert_output --partial "hello from the app"
}

@test "(network-host:enable) after disable --no-rebuild the app's own host-mode container holds its port: enable again is accepted" {
  deployed_in_host_mode
  dokku network-host:disable "$TEST_APP" --no-rebuild
  run dokku network-host:enable "$TEST_APP" --no-rebuild
  assert_success
  refute_output --partial "already listens"
}

@test "(network-host:enable) EXPOSE P gives the detected map http:P:P, where nginx itself listens: refused, naming nginx and ports:set APP http:80:P" {
  require_docker
  local exposed="$BATS_TEST_TMPDIR/exposed"
  cp -a "$NETWORK_HOST_TESTS_DIR/fixtures/apps/hello" "$exposed"
  echo "EXPOSE $WEB_PORT" >>"$exposed/Dockerfile"
  dokku ports:clear "$TEST_APP" >/dev/null
  deploy_app "$TEST_APP" "$exposed" >/dev/null
  dokku network-host:set "$TEST_APP" phases build,deploy,run >/dev/null
  run dokku network-host:report "$TEST_APP" --network-host-ports
  assert_output "http:$WEB_PORT:$WEB_PORT"
  wait_until 5 port_in_use "$WEB_PORT" 0A
  run dokku network-host:enable "$TEST_APP" --no-rebuild
  assert_failure
  assert_output --partial "Port $WEB_PORT is where nginx listens for $TEST_APP's own port map http:$WEB_PORT:$WEB_PORT"
  assert_output --partial "Fix: dokku ports:set $TEST_APP http:80:$WEB_PORT"
}
