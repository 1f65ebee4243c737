#!/usr/bin/env bats
# Zero-downtime redeploys in host mode (docs/zero-downtime.md): a steady request loop through the stand-in's real
# nginx (tests/lib/request-loop.bash) while a host-mode app that takes seconds to boot is redeployed, fails a release,
# redeploys within wait-to-retire, and while an app that listens on a fixed port falls back to the stop-first hand-off.
load test_helper
# shellcheck source=lib/request-loop.bash
source "$NETWORK_HOST_TESTS_DIR/lib/request-loop.bash"

setup_file() {
  setup_dokku
  dokku domains:set-global dokku.me >/dev/null
}
teardown_file() {
  [[ -n "$DOKKU_STANDIN_ROOT" ]] && "$NETWORK_HOST_TESTS_DIR/dokku/plugins/nginx-vhosts/standin-nginx-stop" "$DOKKU_STANDIN_ROOT"
  teardown_dokku
}
setup() {
  require_docker
  create_app >/dev/null
  PROXY_PORT=$(free_port)
  # a free pair: the app's port and the next one
  WEB_PORT=$(free_port)
  while port_in_use $((WEB_PORT + 1)); do WEB_PORT=$(free_port); done
  dokku ports:set "$TEST_APP" "http:$PROXY_PORT:$WEB_PORT" >/dev/null 2>&1
  LOOP="$BATS_TEST_TMPDIR/requests"
}
teardown() {
  request_loop_stop "$LOOP" 2>/dev/null || true
  destroy_app >/dev/null 2>&1 || true
}

# boot_in_host_mode [ENV...]: the hello app booting in 2 s (plus ENV options), deployed in host mode
boot_in_host_mode() {
  dokku docker-options:add "$TEST_APP" deploy "--env=BOOT_SECONDS=2" >/dev/null
  local env
  for env in "$@"; do dokku docker-options:add "$TEST_APP" deploy "--env=$env" >/dev/null; done
  dokku network-host:enable "$TEST_APP" --no-rebuild >/dev/null 2>&1
  deploy_app "$TEST_APP" >/dev/null 2>&1
  wait_until 10 curl -fsS -o /dev/null -H "Host: $TEST_APP.dokku.me" "http://127.0.0.1:$PROXY_PORT/"
}
web_id() { "$DOCKER_BIN" inspect -f '{{.Id}}' "$(<"$DOKKU_ROOT/$TEST_APP/CONTAINER.web.1")"; }
map() { dokku ports:report "$TEST_APP" --ports-map; }
upstream() { grep -o 'server 127.0.0.1:[0-9]*' "$DOKKU_ROOT/$TEST_APP/nginx.conf"; }
loop_start() { request_loop_start "$LOOP" "$PROXY_PORT" "$TEST_APP.dokku.me"; }
# loop_result: stop the loop, print its figures into the TAP stream, leave "FAILED TOTAL" in $output
loop_result() {
  request_loop_stop "$LOOP"
  output="$(request_loop_failures "$LOOP") $(request_loop_total "$LOOP")"
  echo "# $BATS_TEST_DESCRIPTION: $output (failed, sent)" >&3
}

@test "(zero downtime) three redeploys and a failed release of a \$PORT app that boots in 2 s lose no request through nginx" {
  boot_in_host_mode
  loop_start
  local port=$WEB_PORT next
  for round in 1 2 3; do
    next=$((port == WEB_PORT ? WEB_PORT + 1 : WEB_PORT))
    run dokku ps:restart "$TEST_APP"
    assert_success
    assert_output --partial "Host networking: the new web container gets port $next; the old one serves on port $port until the new one passes its checks"
    run map
    assert_output "http:$PROXY_PORT:$next"
    run upstream
    assert_output "server 127.0.0.1:$next"
    port=$next
  done
  # a release that never listens: the old container serves on, the map and nginx stay as they were
  previous=$(web_id)
  dokku docker-options:add "$TEST_APP" deploy "--env=FAIL_BOOT=1" >/dev/null
  run dokku ps:restart "$TEST_APP"
  assert_failure
  assert_output --partial "The new web container of $TEST_APP stopped before listening on port $WEB_PORT (its PORT); the old one serves on port $port"
  [[ "$(web_id)" == "$previous" ]]
  run map
  assert_output "http:$PROXY_PORT:$port"
  run upstream
  assert_output "server 127.0.0.1:$port"
  sleep 1
  loop_result
  assert_output --regexp '^0 [0-9]+$'
  (($(request_loop_total "$LOOP") > 100))
  # the next good release moves again
  dokku docker-options:remove "$TEST_APP" deploy "--env=FAIL_BOOT=1" >/dev/null
  run dokku ps:restart "$TEST_APP"
  assert_success
  run map
  assert_output "http:$PROXY_PORT:$WEB_PORT"
  run dokku network-host:report "$TEST_APP" --network-host-redeploys
  assert_output "zero downtime: each redeploy starts the new web container on the other port of the pair $WEB_PORT/$((WEB_PORT + 1)) (now $WEB_PORT) while the old one serves; nginx switches when it passes its checks"
}

@test "(zero downtime) a redeploy while the previous old container still drains (wait-to-retire) finds its port free" {
  # the old container keeps its port for 20 s after SIGTERM (a graceful drain), and retires after 30
  boot_in_host_mode DRAIN_SECONDS=20
  dokku checks:set "$TEST_APP" wait-to-retire 30 >/dev/null
  dokku ps:restart "$TEST_APP" >/dev/null 2>&1
  loop_start
  run dokku ps:restart "$TEST_APP"
  assert_success
  assert_output --partial "stopping $TEST_APP's retiring web container"
  assert_output --partial "Host networking: the new web container gets port $WEB_PORT; the old one serves on port $((WEB_PORT + 1))"
  loop_result
  assert_output --regexp '^0 [0-9]+$'
}

@test "(zero downtime) an app that listens on a fixed port whatever \$PORT says: found at its first redeploy, which stops the old container first; the report says why" {
  boot_in_host_mode "FIXED_PORT=$WEB_PORT"
  loop_start
  run dokku ps:restart "$TEST_APP"
  assert_success
  assert_output --partial "Host networking: $TEST_APP's new web container stopped before listening on port $((WEB_PORT + 1)) (its PORT); it listens on port $WEB_PORT whatever PORT says. So this redeploy stopped the old container first"
  run map
  assert_output "http:$PROXY_PORT:$WEB_PORT"
  run dokku network-host:report "$TEST_APP" --network-host-redeploys
  assert_output --partial "stop-first: its web container listens on port $WEB_PORT whatever PORT says (found at a redeploy); the old web container stops right before the new one starts, an outage"
  # from then on, the hand-off straight away
  run dokku ps:restart "$TEST_APP"
  assert_success
  refute_output --partial "gets port"
  assert_output --partial "Host networking: stopping the previous web.1 container so its replacement can bind the port"
  run curl -fsS -H "Host: $TEST_APP.dokku.me" "http://127.0.0.1:$PROXY_PORT/"
  assert_output "hello from the app"
  # the stop-first fallback costs requests: the count is reported, not hidden
  loop_result
  assert_output --regexp '^[1-9][0-9]* [0-9]+$'
}

@test "(zero downtime) both ports of the pair are reserved: another host-mode app on the second one is refused; a program on it sends redeploys stop-first" {
  boot_in_host_mode
  create_app pair-neighbour >/dev/null
  dokku ports:set pair-neighbour "http:80:$((WEB_PORT + 1))" >/dev/null 2>&1
  run dokku network-host:enable pair-neighbour --no-rebuild
  assert_failure
  assert_output --partial "Host-mode app $TEST_APP already uses port $((WEB_PORT + 1)) (its redeploys alternate between $WEB_PORT and $((WEB_PORT + 1))). Fix: give pair-neighbour another port, e.g. dokku ports:set pair-neighbour http:80:$((WEB_PORT + 2))"
  dokku --force apps:destroy pair-neighbour >/dev/null 2>&1
  host_service_start 0.0.0.0 $((WEB_PORT + 1))
  run dokku ps:restart "$TEST_APP"
  host_service_stop $((WEB_PORT + 1))
  assert_success
  assert_output --partial "Host networking: $TEST_APP's redeploy stops the old web container first: port $((WEB_PORT + 1)), the other port of its pair ($WEB_PORT, $((WEB_PORT + 1))), is held by another program"
  run map
  assert_output "http:$PROXY_PORT:$WEB_PORT"
}

@test "(zero downtime) disable puts the ports map back as the user left it; the bridge container gets the user's port" {
  boot_in_host_mode
  dokku ps:restart "$TEST_APP" >/dev/null 2>&1
  run map
  assert_output "http:$PROXY_PORT:$((WEB_PORT + 1))"
  run dokku network-host:disable "$TEST_APP"
  assert_success
  assert_output --partial "Put $TEST_APP's ports map back as it was before its redeploys moved the web container"
  run map
  assert_output "http:$PROXY_PORT:$WEB_PORT"
  run "$DOCKER_BIN" inspect -f '{{.HostConfig.NetworkMode}} {{range .Config.Env}}{{.}} {{end}}' "$(web_id)"
  assert_output --partial "PORT=$WEB_PORT "
  refute_output --regexp '^host '
  run curl -fsS -H "Host: $TEST_APP.dokku.me" "http://127.0.0.1:$PROXY_PORT/"
  assert_output "hello from the app"
}

@test "(zero downtime) caddy and traefik follow the switch: the new container's label, traefik's labels store" {
  dokku proxy:set "$TEST_APP" traefik >/dev/null
  dokku ports:set "$TEST_APP" "http:80:$WEB_PORT" >/dev/null 2>&1
  dokku network-host:enable "$TEST_APP" --no-rebuild >/dev/null 2>&1
  deploy_app "$TEST_APP" >/dev/null 2>&1
  run dokku ps:restart "$TEST_APP"
  assert_success
  assert_output --partial "the new web container gets port $((WEB_PORT + 1))"
  run dokku traefik:labels:show "$TEST_APP"
  assert_output --partial "traefik.http.services.$TEST_APP-web-host-network.loadbalancer.server.url=http://$(docker0_ip):$((WEB_PORT + 1))"
  run "$DOCKER_BIN" inspect -f '{{ index .Config.Labels "traefik.http.services.'"$TEST_APP"'-web-host-network.loadbalancer.server.url" }}' "$(web_id)"
  assert_output "http://$(docker0_ip):$((WEB_PORT + 1))"
  dokku proxy:set "$TEST_APP" caddy >/dev/null
  dokku ps:restart "$TEST_APP" >/dev/null 2>&1
  run "$DOCKER_BIN" inspect -f '{{ index .Config.Labels "caddy.reverse_proxy" }}' "$(web_id)"
  assert_output "$(docker0_ip):$WEB_PORT"
}
