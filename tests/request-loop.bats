#!/usr/bin/env bats
# The outage measuring equipment against real containers through the stand-in's nginx: tests/lib/request-loop.bash
# (a steady request loop and the figures read from its log) and the hello fixture's redeploy knobs (BOOT_SECONDS,
# FIXED_PORT, FAIL_BOOT in bin/web). One plain app (no plugin settings; the plugin is not even linked) on a free
# nginx port; the tests run in order and each sets the knobs it needs. bench/outage.bash uses the same equipment.

load test_helper
# shellcheck source=lib/request-loop.bash
source "$NETWORK_HOST_TESTS_DIR/lib/request-loop.bash"

setup_file() {
  require_docker
  setup_dokku --no-plugin
  dokku domains:set-global dokku.me >/dev/null
  APP="rloop-$(tr -dc 'a-z0-9' </dev/urandom | head -c 8)"
  APP_PORT="$(free_port)"
  export APP APP_PORT
  create_app "$APP" >/dev/null 2>&1
  dokku ports:set "$APP" "http:$APP_PORT:5000" >/dev/null 2>&1
  deploy_app "$APP" >"$BATS_FILE_TMPDIR/deploy.log" 2>&1 || {
    cat "$BATS_FILE_TMPDIR/deploy.log" >&2
    return 1
  }
}

teardown_file() {
  [[ -n "$DOKKU_STANDIN_ROOT" ]] && "$NETWORK_HOST_TESTS_DIR/dokku/plugins/nginx-vhosts/standin-nginx-stop" "$DOKKU_STANDIN_ROOT"
  teardown_dokku
}

setup() {
  LOG="$BATS_TEST_TMPDIR/requests"
}

teardown() {
  request_loop_stop "$LOG"
}

# web_cid: the app's current web container
web_cid() {
  cat "$DOKKU_ROOT/$APP/CONTAINER.web.1"
}

# knobs [NAME=VALUE...]: exactly these --env deploy options for the app (none: the fixture's plain behaviour);
# they reach the containers at the next ps:restart
knobs() {
  local knob
  dokku docker-options:clear "$APP" deploy >/dev/null
  for knob in "$@"; do
    dokku docker-options:add "$APP" deploy "--env=$knob" >/dev/null
  done
}

# restart_quietly [EXPECT]: dokku ps:restart APP, its output in $BATS_TEST_TMPDIR/restart.log; EXPECT "fail" for a
# restart that must fail. Sets RESTART_FROM and RESTART_TO (request_loop_now_ms around it).
restart_quietly() {
  local status=0
  RESTART_FROM="$(request_loop_now_ms)"
  dokku ps:restart "$APP" >"$BATS_TEST_TMPDIR/restart.log" 2>&1 || status=$?
  RESTART_TO="$(request_loop_now_ms)"
  if [[ "${1:-}" == fail ]]; then
    ((status != 0)) || { cat "$BATS_TEST_TMPDIR/restart.log" >&2 && fail "ps:restart succeeded"; }
  elif ((status != 0)); then
    cat "$BATS_TEST_TMPDIR/restart.log" >&2
    fail "ps:restart failed ($status)"
  fi
}

# answers_200: one request through nginx answers 200
answers_200() {
  [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 -H "Host: $APP.dokku.me" "http://127.0.0.1:$APP_PORT/")" == 200 ]]
}

# between LOW VALUE HIGH: LOW <= VALUE <= HIGH, or fail saying so
between() {
  (($1 <= $2 && $2 <= $3)) || fail "expected $1 <= $2 <= $3"$'\n'"log: $(cat "$LOG")"
}

@test "(request loop) the figures of a written log: windows, failures, outage spans" {
  printf '%s\n' "1000 200" "1100 502" "1200 000" "1300 200" "1400 200" "1500 502" "1600 200" "1700 502" "1800 502" >"$LOG"
  [[ "$(request_loop_total "$LOG")" == 9 ]]
  [[ "$(request_loop_failures "$LOG")" == 5 ]]
  # [FROM, TO): FROM included, TO not
  [[ "$(request_loop_total "$LOG" 1100 1300)" == 2 ]]
  [[ "$(request_loop_failures "$LOG" 1300)" == 3 ]]
  [[ "$(request_loop_failures "$LOG" 1300 1700)" == 1 ]]
  # spans: 1100→1300 (200), 1500→1600 (100), 1700→the window's end 2000 (300)
  [[ "$(request_loop_outage_ms "$LOG" 0 2000)" == 600 ]]
  [[ "$(request_loop_outage_ms "$LOG" 1200 1700)" == 200 ]]
  [[ "$(request_loop_outage_ms "$LOG" 1300 1500)" == 0 ]]
  [[ "$(request_loop_outage_ms "$LOG" 0 1000)" == 0 ]]
}

@test "(request loop) a serving app: every request answers 200, about ten a second, nothing after the stop" {
  local from to lines
  from="$(request_loop_now_ms)"
  request_loop_start "$LOG" "$APP_PORT" "$APP.dokku.me"
  sleep 2
  request_loop_stop "$LOG"
  to="$(request_loop_now_ms)"
  [[ ! -e "$LOG.pid" ]]
  lines="$(wc -l <"$LOG")"
  sleep 0.3
  [[ "$(wc -l <"$LOG")" == "$lines" ]]
  # the log's format, its times inside the run, never less than 0.1 s apart (the ms are truncated), about 0.1 s
  # in the middle (sleep's overshoot, a slow request)
  run grep -cvE '^[0-9]{13} [0-9]{3}$' "$LOG"
  assert_output 0
  between 15 "$(request_loop_total "$LOG")" 21
  [[ "$(request_loop_total "$LOG" "$from" "$to")" == "$(request_loop_total "$LOG")" ]]
  run awk 'NR > 1 && $1 - p < 99 { print "gap " $1 - p } { p = $1 }' "$LOG"
  assert_output ""
  run bash -c "awk 'NR > 1 { print \$1 - p } { p = \$1 }' '$LOG' | sort -n | awk '{ g[NR] = \$1 } END { print g[int((NR + 1) / 2)] }'"
  between 99 "$output" 120
  [[ "$(request_loop_failures "$LOG")" == 0 ]]
  [[ "$(request_loop_outage_ms "$LOG" "$from" "$to")" == 0 ]]
  grep -q "\"GET / HTTP/1.1\" 200" "$DOKKU_STANDIN_ROOT/var/log/nginx/$APP-access.log"
}

@test "(request loop) docker stop of the web container: the failures and the outage match the stopped time" {
  local cid ip from stopped back to outage failures
  cid="$(web_cid)"
  ip="$("$DOCKER_BIN" container inspect --format '{{ .NetworkSettings.IPAddress }}' "$cid")"
  request_loop_start "$LOG" "$APP_PORT" "$APP.dokku.me"
  sleep 1
  from="$(request_loop_now_ms)"
  "$DOCKER_BIN" container stop "$cid" >/dev/null
  stopped="$(request_loop_now_ms)"
  sleep 3
  "$DOCKER_BIN" container start "$cid" >/dev/null
  if [[ "$("$DOCKER_BIN" container inspect --format '{{ .NetworkSettings.IPAddress }}' "$cid")" != "$ip" ]]; then
    # another container took the address meanwhile: nginx still points at the old one, so redeploy to come back
    dokku ps:restart "$APP" >/dev/null 2>&1
  fi
  wait_until 10 answers_200
  back="$(request_loop_now_ms)"
  sleep 1
  request_loop_stop "$LOG"
  to="$(request_loop_now_ms)"
  outage="$(request_loop_outage_ms "$LOG" "$from" "$to")"
  failures="$(request_loop_failures "$LOG" "$from" "$to")"
  # the failures: nginx's 502, or 000 when a request timed out (2 s) while nginx still tried the container's
  # address, which answers nothing once its veth is gone; all 200 before and after
  run awk '$2 != 200 && $2 != 502 && $2 != "000" { print }' "$LOG"
  assert_output ""
  [[ "$(request_loop_failures "$LOG" 0 "$from")" == 0 && "$(request_loop_failures "$LOG" "$back")" == 0 ]]
  # the outage began while `docker stop` ran (the app ends at its SIGTERM), at the latest one request (0.1 s) after
  # it returned, and ended once it answered again: at least the 3 s it stayed stopped (less that 0.1 s), at most
  # the time from the stop to the first 200 seen here (plus 0.1 s for the loop's rate, and some slack)
  between $((3000 - 100)) "$outage" $((back - from + 200))
  # a failure at most every 0.1 s of it; far fewer when requests time out (one per 2 s)
  between 2 "$failures" $((outage / 100 + 2))
}

@test "(request loop) BOOT_SECONDS: the new container serves that late; an uptime check shorter than the boot costs an outage" {
  local cid outage
  # Dokku's zero-downtime redeploy, its uptime check (3 s: at least 2 s, the stand-in counts whole seconds) longer
  # than the boot: the old container serves until nginx switches to the new one, no request fails
  knobs BOOT_SECONDS=1
  request_loop_start "$LOG" "$APP_PORT" "$APP.dokku.me"
  sleep 0.5
  DOKKU_DEFAULT_CHECKS_WAIT=3 restart_quietly
  sleep 0.5
  request_loop_stop "$LOG"
  cid="$(web_cid)"
  run "$DOCKER_BIN" container logs "$cid"
  assert_output "web: booting for 1 s
web: httpd starting on 0.0.0.0:5000"
  [[ "$(request_loop_failures "$LOG")" == 0 ]]
  [[ "$(request_loop_outage_ms "$LOG" 0 "$(request_loop_now_ms)")" == 0 ]]
  between 30 "$(request_loop_total "$LOG")" 200
  # test_helper's 1 s uptime check passes while a 4 s boot goes on (the port-listening check passes a container
  # that listens on nothing yet, as Dokku's does): nginx switches to the booting container and the old one is
  # retired, an outage until the boot ends (4 s less the 0-2.5 s the checks and the switch took)
  knobs BOOT_SECONDS=4
  request_loop_start "$LOG" "$APP_PORT" "$APP.dokku.me"
  sleep 0.5
  restart_quietly
  wait_until 10 answers_200
  sleep 0.5
  request_loop_stop "$LOG"
  outage="$(request_loop_outage_ms "$LOG" "$RESTART_FROM" "$(request_loop_now_ms)")"
  between 1000 "$outage" 4500
  # every failure came after the restart began, and the new container is the one serving
  [[ "$(request_loop_failures "$LOG" 0 "$RESTART_FROM")" == 0 ]]
  run "$DOCKER_BIN" container logs "$(web_cid)"
  assert_line "web: booting for 4 s"
}

@test "(request loop) FIXED_PORT: the app listens there whatever \$PORT says" {
  local cid port
  port="$(free_port)"
  knobs "FIXED_PORT=$port"
  restart_quietly
  # the port-listening check (warn-only, as in Dokku) saw it
  run cat "$BATS_TEST_TMPDIR/restart.log"
  assert_output --partial "container listening on expected IPv4 interface with an unexpected port: expected=5000 actual=$port"
  cid="$(web_cid)"
  run "$DOCKER_BIN" container logs "$cid"
  assert_line "web: httpd starting on 0.0.0.0:$port"
  run "$DOCKER_BIN" container exec "$cid" wget -qO- "http://127.0.0.1:$port/"
  assert_success
  assert_output "hello from the app"
  run "$DOCKER_BIN" container exec "$cid" wget -qO- "http://127.0.0.1:5000/"
  assert_failure
  # nginx proxies to $PORT (5000): nothing there
  request_loop_start "$LOG" "$APP_PORT" "$APP.dokku.me"
  sleep 1
  request_loop_stop "$LOG"
  between 8 "$(request_loop_failures "$LOG")" 12
  [[ "$(request_loop_failures "$LOG")" == "$(request_loop_total "$LOG")" ]]
  # FIXED_PORT=5000 is $PORT: served again
  knobs FIXED_PORT=5000
  restart_quietly
  wait_until 5 answers_200
}

@test "(request loop) FAIL_BOOT=1: the new container exits 1 after its boot, the redeploy fails and the old one serves on" {
  local old cid
  old="$(web_cid)"
  knobs BOOT_SECONDS=0.5 FAIL_BOOT=1
  request_loop_start "$LOG" "$APP_PORT" "$APP.dokku.me"
  sleep 0.5
  # an uptime check that outlasts the boot for sure: the stand-in counts whole seconds, so 1 s may pass after 0.1 s
  DOKKU_DEFAULT_CHECKS_WAIT=3 restart_quietly fail
  sleep 0.5
  request_loop_stop "$LOG"
  run cat "$BATS_TEST_TMPDIR/restart.log"
  assert_output --partial "Could not start due to 1 failed checks (web.1)"
  assert_output --partial "web: FAIL_BOOT=1: exiting with status 1 instead of serving"
  [[ "$(web_cid)" == "$old" ]]
  # the failed container: booted, then exit 1 (its restart policy restarted it; kill_new stopped it for good)
  cid="$("$DOCKER_BIN" container ls --all --quiet --no-trunc --filter "label=com.dokku.app-name=$APP" --filter status=exited | head -n 1)"
  [[ -n "$cid" ]]
  run "$DOCKER_BIN" container logs "$cid"
  assert_line "web: booting for 0.5 s"
  assert_line "web: FAIL_BOOT=1: exiting with status 1 instead of serving"
  refute_line --partial "httpd starting"
  # Dokku's zero-downtime path: the old container served throughout
  [[ "$(request_loop_failures "$LOG")" == 0 ]]
  between 20 "$(request_loop_total "$LOG")" 200
  knobs
}
