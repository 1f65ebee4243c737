#!/usr/bin/env bats
# network-host:check: for the app's computed mode and each --port, the configuration, who
# listens on the host (/proc/net/tcp), what a probe container from the app's image sees (connected,
# name not resolved, refused, timed out) and the fix; exit 0 only when every port is reachable.
#
# Error cases first. One app (APP) is deployed in setup_file and shared: check's probe is a NEW
# container from dokku/APP:latest with the args the deployed web containers get (the deploy phase;
# the run phase when deploy is not selected; none without either), so a mode switched with
# --no-rebuild reaches the probe without any ps:rebuild. Every test sets the mode it needs itself
# (never relying on an earlier test), starts its own host services on free ports and stops them in
# teardown. The firewall test owns one DROP rule on docker0 for its own port and removes it in
# teardown, even when the test fails. Needs `tests/docker/engine up` first for the container tests.

load test_helper

# The probe is bounded at ~6 s inside the container; a whole check of one port must stay well
# under this, and `timeout` turns a hung check into a failure instead of a hung suite.
CHECK_TIMEOUT=30

setup_file() {
  setup_dokku
  # Without an engine the container tests skip (or fail under CI) through require_docker; the
  # error tests still run against a created app.
  if ! "$NETWORK_HOST_ENGINE" available; then
    export APP="nhcheck-nodocker"
    create_app "$APP" >/dev/null
    return 0
  fi
  deploy_file_app nhcheck
}

teardown_file() {
  teardown_dokku
}

teardown() {
  host_service_stop_all
  # the firewall test's DROP rule, removed whatever the outcome (every copy, should it be doubled)
  if [[ -f "$BATS_TEST_TMPDIR/drop-rule" ]]; then
    local port
    port="$(<"$BATS_TEST_TMPDIR/drop-rule")"
    while iptables -C INPUT -i docker0 -p tcp --dport "$port" -j DROP 2>/dev/null; do
      iptables -D INPUT -i docker0 -p tcp --dport "$port" -j DROP
    done
    rm -f "$BATS_TEST_TMPDIR/drop-rule"
  fi
  if [[ -n "${OTHER_APP:-}" ]]; then
    destroy_app "$OTHER_APP" >/dev/null 2>&1 || true
  fi
}

# --- helpers -------------------------------------------------------------------------------------

# Each mode command names every option that matters, so no test depends on an earlier one.
gateway_mode() {
  dokku network-host:gateway "${1:-$APP}" --phases build,deploy,run --alias host.docker.internal --no-rebuild >/dev/null
}
host_mode() {
  dokku network-host:enable "$APP" --phases build,deploy,run --no-rebuild >/dev/null
}
off_mode() {
  dokku network-host:disable "$APP" --no-rebuild >/dev/null
}

# check ARGS...: `run` network-host:check, bounded; sets ELAPSED (seconds)
check() {
  local start=$SECONDS
  run timeout "$CHECK_TIMEOUT" dokku network-host:check "$@"
  ELAPSED=$((SECONDS - start))
}

# json_get EXPR: evaluate a JS expression on the parsed JSON in $output (as `d`); fails on bad JSON
json_get() {
  node -e 'const d = JSON.parse(process.argv[1]); const v = eval(process.argv[2]); process.stdout.write(typeof v === "string" ? v : JSON.stringify(v));' "$output" "$1"
}

# --- errors --------------------------------------------------------------------------------------

@test "(network-host:check) error when no app is given" {
  run dokku network-host:check
  assert_failure
  assert_output --partial " !     Please specify an app to run the command on"
  assert_output --partial "Usage: dokku network-host:check"
}

@test "(network-host:check) error with exit 20 when the app does not exist" {
  run dokku network-host:check no-such-app --port 5432
  assert_failure 20
  assert_output --partial " !     App no-such-app does not exist"
}

@test "(network-host:check) error on a port that is not 1-65535" {
  local port
  for port in 0 70000 abc -1 1.5; do
    run dokku network-host:check "$APP" "--port=$port"
    assert_failure
    assert_output --partial " !     Port must be a number from 1 to 65535, got \"$port\""
  done
  # one bad entry in a comma list is enough to refuse the whole command
  run dokku network-host:check "$APP" --port 80,0
  assert_failure
  assert_output --partial "Port must be a number from 1 to 65535, got \"0\""
  run dokku network-host:check "$APP" --port
  assert_failure
  assert_output --partial "--port requires a value"
}

@test "(network-host:check) error on an unknown --format or argument" {
  run dokku network-host:check "$APP" --port 80 --format yaml
  assert_failure
  assert_output --partial " !     Invalid --format value specified, valid values: stdout, json"
  run dokku network-host:check "$APP" other-app
  assert_failure
  assert_output --partial "Unexpected argument: other-app"
  run dokku network-host:check "$APP" --port 80 --format=
  assert_failure
  assert_output --partial "--format requires a value"
  # a bare --format is refused like a bare --port, not silently taken as the default (stdout)
  run dokku network-host:check "$APP" --port 80 --format
  assert_failure
  assert_output --partial "--format requires a value"
}

# --- not deployed: host side only ----------------------------------------------------------------

@test "(network-host:check) an app that is not deployed: the host side only, and it says so" {
  require_docker
  OTHER_APP="nhcheck-nodeploy-$(tr -dc 'a-z0-9' </dev/urandom | head -c 6)"
  create_app "$OTHER_APP" >/dev/null
  local port
  port="$(free_port)"
  host_service_start 0.0.0.0 "$port"

  # mode off (the default): the missing alias is the reason, the image line says what was checked
  check "$OTHER_APP" --port "$port"
  assert_failure 1
  assert_output --partial "=====> $OTHER_APP network-host check (mode off, target host.docker.internal)"
  assert_output --partial "Image:         dokku/$OTHER_APP:latest does not exist yet: only the host side is checked"
  assert_output --partial "-----> Port $port: NOT reachable"
  assert_output --partial "On the host:   all interfaces"
  assert_output --partial "From the app:  noimage"
  assert_output --partial "Fix:           dokku network-host:gateway $OTHER_APP (or network-host:enable $OTHER_APP)"

  # gateway mode, still no image: nothing but the host side, and the fix is to deploy
  gateway_mode "$OTHER_APP"
  check "$OTHER_APP" --port "$port"
  assert_failure 1
  assert_output --partial "(mode gateway, target host.docker.internal)"
  assert_output --partial "Image:         dokku/$OTHER_APP:latest does not exist yet: only the host side is checked"
  assert_output --partial "On the host:   all interfaces"
  assert_output --partial "From the app:  noimage"
  assert_output --partial "Why:           the app has no image yet, so only the host side was checked"
  assert_output --partial "Fix:           deploy $OTHER_APP, then run the check again"
  # no probe container was started for an app without an image
  run "$DOCKER_BIN" ps -a --filter label=com.dokku.network-host.check=true --filter "ancestor=dokku/$OTHER_APP:latest" -q
  assert_output ""
}

# --- reachable -----------------------------------------------------------------------------------

@test "(network-host:check) reachable: gateway mode and a service on all interfaces, exit 0" {
  require_docker
  gateway_mode
  local port bridge
  port="$(free_port)"
  bridge="$(docker0_ip)"
  host_service_start 0.0.0.0 "$port"
  check "$APP" --port "$port"
  assert_success
  assert_output --partial "=====> $APP network-host check (mode gateway, target host.docker.internal)"
  assert_output --partial "-----> Port $port: reachable"
  assert_output --partial "On the host:   all interfaces"
  assert_output --partial "From the app:  connected (host.docker.internal -> $bridge)"
  assert_output --partial "Why:           host.docker.internal:$port answers from inside the app"
  refute_output --partial "Fix:"
  refute_output --partial "Problem:"
  refute_output --partial "NOT reachable"
  # the probe containers are --rm: none is left behind
  run "$DOCKER_BIN" ps -a --filter label=com.dokku.network-host.check=true -q --filter "ancestor=dokku/$APP:latest"
  assert_output ""
}

@test "(network-host:check) reachable: gateway mode and a service on the docker0 address only, exit 0" {
  require_docker
  gateway_mode
  local port bridge
  port="$(free_port)"
  bridge="$(docker0_ip)"
  host_service_start "$bridge" "$port"
  check "$APP" --port "$port"
  assert_success
  assert_output --partial "-----> Port $port: reachable"
  assert_output --partial "On the host:   the docker0 address"
  assert_output --partial "From the app:  connected (host.docker.internal -> $bridge)"
}

@test "(network-host:check) reachable: host mode and a service on 127.0.0.1 only, exit 0" {
  require_docker
  host_mode
  local port
  port="$(free_port)"
  host_service_start 127.0.0.1 "$port"
  check "$APP" --port "$port"
  assert_success
  assert_output --partial "=====> $APP network-host check (mode host, target 127.0.0.1)"
  assert_output --partial "-----> Port $port: reachable"
  assert_output --partial "On the host:   127.0.0.1 only"
  assert_output --partial "From the app:  connected (127.0.0.1 -> 127.0.0.1)"
  assert_output --partial "Why:           127.0.0.1:$port answers from inside the app"
  refute_output --partial "Problem:"
}

# --- not reachable, one classification each ------------------------------------------------------

@test "(network-host:check) nothing listening: exit 1, the reason and the fix" {
  require_docker
  gateway_mode
  local port bridge
  port="$(free_port)"
  bridge="$(docker0_ip)"
  check "$APP" --port "$port"
  assert_failure 1
  assert_output --partial "-----> Port $port: NOT reachable"
  assert_output --partial "On the host:   nothing listens"
  assert_output --partial "From the app:  refused (host.docker.internal -> $bridge)"
  assert_output --partial "Why:           nothing listens on port $port on the host"
  assert_output --partial "Fix:           start the service, or check that it uses port $port"
}

@test "(network-host:check) loopback only in gateway mode: exit 1, names 127.0.0.1 only and the fix" {
  require_docker
  gateway_mode
  local port bridge
  port="$(free_port)"
  bridge="$(docker0_ip)"
  host_service_start 127.0.0.1 "$port"
  check "$APP" --port "$port"
  assert_failure 1
  assert_output --partial "-----> Port $port: NOT reachable"
  assert_output --partial "On the host:   127.0.0.1 only"
  assert_output --partial "From the app:  refused (host.docker.internal -> $bridge)"
  assert_output --partial "Why:           the service on port $port listens on 127.0.0.1 only, which containers cannot reach through the gateway"
  assert_output --partial "Fix:           make the service listen on $bridge (the docker0 address) or on all interfaces; or use host networking: dokku network-host:enable $APP"
  # no service-specific advice for a port that is not a well-known database port
  refute_output --partial "PostgreSQL"
}

@test "(network-host:check) loopback only on 5432 in gateway mode: the PostgreSQL advice" {
  require_docker
  # This host may run (or another test may hold) something on 5432: never touch a port we do not
  # own. Skipped then; the generic loopback advice is covered by the test above.
  if port_in_use 5432; then
    skip "TCP port 5432 is in use on this host: the PostgreSQL advice is not checked"
  fi
  gateway_mode
  local bridge subnet
  bridge="$(docker0_ip)"
  subnet="$("$DOCKER_BIN" network inspect bridge -f '{{(index .IPAM.Config 0).Subnet}}')"
  host_service_start 127.0.0.1 5432
  check "$APP" --port 5432
  assert_failure 1
  assert_output --partial "On the host:   127.0.0.1 only"
  assert_output --partial "Why:           the service on port 5432 listens on 127.0.0.1 only"
  assert_output --partial "Fix:           PostgreSQL: set listen_addresses = 'localhost,$bridge' in postgresql.conf and add \"host all all $subnet scram-sha-256\" to pg_hba.conf, then restart it; or use host networking: dokku network-host:enable $APP"
}

@test "(network-host:check) blocked by a firewall: timed out, the allow rule for the port and the Docker subnet" {
  require_docker
  command -v iptables >/dev/null || skip "iptables is not installed"
  gateway_mode
  local port bridge subnet
  port="$(free_port)"
  bridge="$(docker0_ip)"
  subnet="$("$DOCKER_BIN" network inspect bridge -f '{{(index .IPAM.Config 0).Subnet}}')"
  host_service_start 0.0.0.0 "$port"
  # Recorded before it is added, so teardown removes it whatever happens next.
  echo "$port" >"$BATS_TEST_TMPDIR/drop-rule"
  iptables -I INPUT -i docker0 -p tcp --dport "$port" -j DROP

  check "$APP" --port "$port"
  assert_failure 1
  assert_output --partial "-----> Port $port: NOT reachable"
  assert_output --partial "On the host:   all interfaces"
  assert_output --partial "From the app:  timeout (host.docker.internal -> $bridge)"
  assert_output --partial "Why:           the connection to host.docker.internal:$port timed out: a firewall drops traffic from the containers"
  assert_output --partial "Fix:           allow the Docker subnet to that port only: iptables -I INPUT -i docker0 -s $subnet -p tcp --dport $port -j ACCEPT (ufw: ufw allow in on docker0 from $subnet to any port $port proto tcp)"
  # the probe is bounded (~6 s); the whole check, container start included, stays well under 20 s
  ((ELAPSED < 20)) || fail "network-host:check took ${ELAPSED}s with a DROP rule (bound: 20 s)"

  # the same port without the rule is reachable again: the rule, not the service, was the cause
  iptables -D INPUT -i docker0 -p tcp --dport "$port" -j DROP
  check "$APP" --port "$port"
  assert_success
  assert_output --partial "-----> Port $port: reachable"
}

@test "(network-host:check) alias missing because the mode is off: exit 1, the fix names network-host:gateway" {
  require_docker
  off_mode
  local port
  port="$(free_port)"
  host_service_start 0.0.0.0 "$port"
  check "$APP" --port "$port"
  assert_failure 1
  assert_output --partial "=====> $APP network-host check (mode off, target host.docker.internal)"
  assert_output --partial "-----> Port $port: NOT reachable"
  assert_output --partial "On the host:   all interfaces"
  assert_output --partial "From the app:  noresolve"
  assert_output --partial "Why:           the mode is off, so the app has no host.docker.internal alias and no host network"
  assert_output --partial "Fix:           dokku network-host:gateway $APP (or network-host:enable $APP)"
}

@test "(network-host:check) gateway mode with --phases build,deploy: the probe has web's deploy-phase arguments and reaches a service on all interfaces, exit 0" {
  require_docker
  dokku network-host:gateway "$APP" --phases build,deploy --alias host.docker.internal --no-rebuild >/dev/null
  local port bridge
  port="$(free_port)"
  bridge="$(docker0_ip)"
  host_service_start 0.0.0.0 "$port"
  check "$APP" --port "$port"
  assert_success
  assert_output --partial "(mode gateway, target host.docker.internal)"
  assert_output --partial "Probe:         a container with web's deploy-phase arguments (what the deployed web containers get)"
  assert_output --partial "-----> Port $port: reachable"
  assert_output --partial "From the app:  connected (host.docker.internal -> $bridge)"
  refute_output --partial "NOT reachable"
  refute_output --partial "run phase"
}

@test "(network-host:check) gateway mode without the deploy and run phases: says to add deploy; with run only, the probe is dokku run's" {
  require_docker
  dokku network-host:gateway "$APP" --phases build --alias host.docker.internal --no-rebuild >/dev/null
  local port bridge
  port="$(free_port)"
  bridge="$(docker0_ip)"
  host_service_start 0.0.0.0 "$port"
  check "$APP" --port "$port"
  assert_failure 1
  assert_output --partial "(mode gateway, target host.docker.internal)"
  assert_output --partial "Probe:         a container without network-host arguments (neither the deploy nor the run phase is selected)"
  assert_output --partial "-----> Port $port: NOT reachable"
  assert_output --partial "From the app:  noresolve"
  assert_output --partial "Why:           neither the deploy nor the run phase is selected, so the probe container had no host.docker.internal alias"
  assert_output --partial "Fix:           dokku network-host:set $APP phases build,deploy"
  check "$APP" --port "$port" --format json
  assert_failure 1
  local json="$output"
  output="$json"; run json_get 'd["probe-phase"]'; assert_output "none"

  # run without deploy: the probe gets the run phase's arguments, and says so
  dokku network-host:gateway "$APP" --phases build,run --alias host.docker.internal --no-rebuild >/dev/null
  check "$APP" --port "$port"
  assert_success
  assert_output --partial "Probe:         a container with the run-phase arguments (what dokku run gets; the deploy phase is not selected)"
  assert_output --partial "From the app:  connected (host.docker.internal -> $bridge)"
  check "$APP" --port "$port" --format json
  assert_success
  json="$output"
  output="$json"; run json_get 'd["probe-phase"]'; assert_output "run"
}

@test "(network-host:check) host mode with --phases deploy reaches a service on 127.0.0.1 only, exit 0; without deploy and run it says to add deploy" {
  require_docker
  dokku network-host:enable "$APP" --phases deploy --no-rebuild >/dev/null
  local port
  port="$(free_port)"
  host_service_start 127.0.0.1 "$port"
  check "$APP" --port "$port"
  assert_success
  assert_output --partial "=====> $APP network-host check (mode host, target 127.0.0.1)"
  assert_output --partial "Probe:         a container with web's deploy-phase arguments (what the deployed web containers get)"
  assert_output --partial "-----> Port $port: reachable"
  assert_output --partial "On the host:   127.0.0.1 only"
  assert_output --partial "From the app:  connected (127.0.0.1 -> 127.0.0.1)"
  refute_output --partial "Problem:"
  check "$APP" --port "$port" --format json
  assert_success
  local json="$output"
  output="$json"; run json_get 'd["probe-phase"]'; assert_output "deploy"
  output="$json"; run json_get 'd.ok'; assert_output "true"

  # build only: the probe had no host network, and the service that listens on 127.0.0.1 is not blamed
  dokku network-host:enable "$APP" --phases build --no-rebuild >/dev/null
  check "$APP" --port "$port"
  assert_failure 1
  assert_output --partial "Probe:         a container without network-host arguments (neither the deploy nor the run phase is selected)"
  assert_output --partial "-----> Port $port: NOT reachable"
  assert_output --partial "Why:           neither the deploy nor the run phase is selected, so the probe container ran on the bridge, where 127.0.0.1 is the container itself"
  assert_output --partial "Fix:           dokku network-host:set $APP phases build,deploy"
  refute_output --partial "make the service listen on 127.0.0.1"
}

@test "(network-host:check) several ports: each reported, exit 1 when any is not reachable" {
  require_docker
  gateway_mode
  local up down
  up="$(free_port)"
  host_service_start 0.0.0.0 "$up"
  down="$(free_port)"
  check "$APP" --port "$up" --port "$down"
  assert_failure 1
  assert_output --partial "-----> Port $up: reachable"
  assert_output --partial "-----> Port $down: NOT reachable"
  # a comma list and a repeated port name each port once
  check "$APP" --port "$up,$down" --port "$up"
  assert_failure 1
  assert_output_contains "-----> Port $up: reachable" 1
  assert_output_contains "-----> Port $down: NOT reachable" 1
  # only reachable ports: exit 0
  check "$APP" --port "$up"
  assert_success
}

# --- --format json -------------------------------------------------------------------------------

@test "(network-host:check) --format json parses and gives the same facts as the stdout report" {
  require_docker
  gateway_mode
  local port bridge
  port="$(free_port)"
  bridge="$(docker0_ip)"
  host_service_start 127.0.0.1 "$port"

  check "$APP" --port "$port"
  assert_failure 1
  local text="$output" why fix
  why="$(sed -n 's/^ *Why: *//p' <<<"$text")"
  fix="$(sed -n 's/^ *Fix: *//p' <<<"$text")"
  [[ -n "$why" && -n "$fix" ]] || fail "no Why/Fix lines in: $text"

  check "$APP" --port "$port" --format json
  assert_failure 1
  # one line of JSON and nothing else on stdout
  [[ "$(wc -l <<<"$output")" -eq 1 ]] || fail "expected one line of JSON, got: $output"
  local json="$output"
  run json_get 'd.app'
  assert_success
  assert_output "$APP"
  output="$json"; run json_get 'd.mode'; assert_output "gateway"
  output="$json"; run json_get 'd.ok'; assert_output "false"
  output="$json"; run json_get 'd.problems'; assert_output "[]"
  output="$json"; run json_get 'd.ports.length'; assert_output "1"
  output="$json"; run json_get 'd.ports[0].port'; assert_output "$port"
  output="$json"; run json_get 'd.ports[0].target'; assert_output "host.docker.internal"
  output="$json"; run json_get 'd.ports[0].reachable'; assert_output "false"
  output="$json"; run json_get 'd.ports[0].listener'; assert_output "loopback"
  output="$json"; run json_get 'd.ports[0].probe.result'; assert_output "refused"
  output="$json"; run json_get 'd.ports[0].probe.address'; assert_output "$bridge"
  # the reason and the fix are word for word those of the stdout report
  output="$json"; run json_get 'd.ports[0].reason'; assert_output "$why"
  output="$json"; run json_get 'd.ports[0].fix'; assert_output "$fix"
  # and the stdout report said the same listener and probe result
  output="$text"
  assert_output --partial "On the host:   127.0.0.1 only"
  assert_output --partial "From the app:  refused (host.docker.internal -> $bridge)"
  assert_output --partial "=====> $APP network-host check (mode gateway, target host.docker.internal)"
}

@test "(network-host:check) --format json: a reachable port gives ok true and exit 0" {
  require_docker
  gateway_mode
  local port
  port="$(free_port)"
  host_service_start 0.0.0.0 "$port"
  check "$APP" --port "$port" --format json
  assert_success
  local json="$output"
  output="$json"; run json_get 'd.ok'; assert_output "true"
  output="$json"; run json_get 'd.ports[0].reachable'; assert_output "true"
  output="$json"; run json_get 'd.ports[0].listener'; assert_output "all"
  output="$json"; run json_get 'd.ports[0].probe.result'; assert_output "connected"
  output="$json"; run json_get 'd.ports[0].fix'; assert_output ""
}

@test "(network-host:check) configuration: where the setting applies (k3s: not dokku run); builder limits noted" {
  require_docker
  gateway_mode
  port="$(free_port)"
  host_service_start 0.0.0.0 "$port"
  dokku builder:set "$APP" selected pack >/dev/null
  check "$APP" --port "$port"
  assert_success
  assert_output --partial "Builder:       pack"
  assert_output --partial "Note:          The pack builder does not support host entries (--add-host): build steps will not reach the host"
  assert_output --partial "Note:          Applies to: builds, deploys and app.json tasks, dokku run and cron"
  assert_output --regexp "Bridge: +host-gateway is [0-9.]+ \\(the"
  dokku scheduler:set "$APP" selected k3s >/dev/null
  check "$APP" --port "$port"
  dokku scheduler:set "$APP" selected >/dev/null
  dokku builder:set "$APP" selected >/dev/null
  assert_output --partial "Scheduler:     k3s"
  assert_output --partial "Note:          Applies to: pods (through a Kustomize component), builds, app.json tasks (containers on the Dokku server); not dokku run (its Kubernetes Job gets no Kustomize step)"
  assert_output --partial "dokku run starts a Kubernetes Job that Dokku builds without its Kustomize step"
}
