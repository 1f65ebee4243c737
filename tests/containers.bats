#!/usr/bin/env bats
# Real containers on a real Docker engine, through the Dokku stand-in and the plugin only:
# what an app can reach on the host in each mode and phase, the experiments of Dokku's
# blog recipe ("Connecting to network processes running directly on the host") end to end.
# Nothing here sets up by hand what the plugin should do: every container is created by a deploy,
# a `dokku run` or the plugin's own rebuild hook. Each test starts its own host services (free
# ports) and stops them in teardown. Needs `tests/docker/engine up` first.
#
# One app (APP, deployed in setup_file) is shared by the tests that only switch its mode. The tests
# that rely on the defaults (phases build,deploy,run, alias host.docker.internal, ip host-gateway)
# come before any test that changes them, and bats keeps file order even under --filter; every
# later mode command names the options that matter to it, so the order only saves rebuilds and
# never decides an outcome. The app listens on a free port, not 5000, so its host-mode containers
# cannot collide with anything else on this host.

load test_helper

FIXTURE_APP="$BATS_TEST_DIRNAME/fixtures/apps/hello"

setup_file() {
  require_docker
  setup_dokku
  deploy_file_app nhcontainers
}

teardown_file() {
  teardown_dokku
}

setup() {
  require_docker
}

teardown() {
  host_service_stop_all
  # the global-mode test must never leak its global setting into the other tests
  if [[ -f "$BATS_TEST_TMPDIR/global-mode-set" ]]; then
    dokku network-host:set --global mode >/dev/null 2>&1 || true
  fi
}

# --- helpers -------------------------------------------------------------------------------------

# fetch_web APP URL / fetch_run APP URL: an HTTP GET from the app's web container (dokku enter) or
# from a one-off `dokku run` container. busybox wget's -T crashes: bounded by timeout instead.
fetch_web() { dokku enter "$1" web timeout 5 wget -qO- "$2"; }
fetch_run() { dokku run "$1" timeout 5 wget -qO- "$2" </dev/null; }

# hosts_ip APP NAME: the address /etc/hosts of the app's web container gives NAME (empty if none)
hosts_ip() {
  # shellcheck disable=SC2016 # the awk program runs in the container
  dokku enter "$1" web awk -v n="$2" '{ for (i = 2; i <= NF; i++) if ($i == n) print $1 }' /etc/hosts
}

# extra_hosts APP: the --add-host entries Docker gave the app's web.1 container, sorted (read only)
extra_hosts() {
  "$DOCKER_BIN" container inspect -f '{{range .HostConfig.ExtraHosts}}{{println .}}{{end}}' \
    "$(<"$DOKKU_ROOT/$1/CONTAINER.web.1")" | sed '/^$/d' | sort
}

# deploy_probe APP URL: deploy the hello fixture with a probe-url file, so its Dockerfile RUN step
# fetches URL during the build (a fresh URL per build: the build cache ignores --network).
deploy_probe() {
  local dir="$BATS_TEST_TMPDIR/probe-app"
  rm -rf "$dir"
  cp -a "$FIXTURE_APP" "$dir"
  echo "$2" >"$dir/probe-url"
  deploy_app "$1" "$dir"
}

# build_probe APP: what the last build's RUN step fetched (or "unreachable")
build_probe() { dokku enter "$1" web cat /app/build-probe.txt; }

# assert_no_host_access APP LOCAL_PORT ALL_PORT: only the default bridge. The 127.0.0.1-only
# service (LOCAL_PORT) is refused from the web and run containers, /etc/hosts has no
# host.docker.internal, and the 0.0.0.0 service (ALL_PORT) is reachable only as from any bridge
# container: at the docker0 address.
assert_no_host_access() {
  local app="$1" local_port="$2" all_port="$3"
  run fetch_web "$app" "http://127.0.0.1:$local_port/"
  assert_failure
  assert_output --partial "Connection refused"
  run fetch_run "$app" "http://127.0.0.1:$local_port/"
  assert_failure
  assert_output --partial "Connection refused"
  # (no name lookup through DNS: the container's resolver may hang instead of failing fast)
  run hosts_ip "$app" host.docker.internal
  assert_success
  assert_output ""
  run fetch_web "$app" "http://$(docker0_ip):$all_port/"
  assert_success
  assert_output "hello on all interfaces"
}

# assert_rebuilt: the mode command itself ran the rebuild (its ps:rebuild output is streamed)
assert_rebuilt() {
  assert_success
  assert_output --partial "=====> Application deployed:"
}

# --- off -----------------------------------------------------------------------------------------

@test "(containers) off: no access beyond the default bridge" {
  local local_port all_port
  local_port="$(free_port)"
  host_service_start 127.0.0.1 "$local_port"
  all_port="$(free_port)"
  host_service_start 0.0.0.0 "$all_port" "hello on all interfaces"

  # the app as deployed, with no setting of this plugin
  run dokku network-host:report "$APP" --network-host-computed-mode
  assert_output "off"
  assert_no_host_access "$APP" "$local_port" "$all_port"
}

# --- switching modes, disable ------------------------------------------------------------------

@test "(containers) switching off -> host -> gateway -> off takes effect through the plugin's rebuild alone" {
  local local_port all_port
  local_port="$(free_port)"
  host_service_start 127.0.0.1 "$local_port"
  all_port="$(free_port)"
  host_service_start 0.0.0.0 "$all_port" "hello on all interfaces"

  # off: the app as deployed (disable rebuilds nothing when it already is off)
  run dokku network-host:disable "$APP"
  assert_success
  assert_no_host_access "$APP" "$local_port" "$all_port"

  # default phases, alias and target from here on
  run dokku network-host:enable "$APP"
  assert_rebuilt
  run fetch_web "$APP" "http://127.0.0.1:$local_port/"
  assert_success
  assert_output "hello world"
  run hosts_ip "$APP" host.docker.internal
  assert_output ""

  run dokku network-host:gateway "$APP"
  assert_rebuilt
  run hosts_ip "$APP" host.docker.internal
  assert_output "$(docker0_ip)"
  run fetch_web "$APP" "http://host.docker.internal:$all_port/"
  assert_success
  assert_output "hello on all interfaces"
  run fetch_web "$APP" "http://127.0.0.1:$local_port/"
  assert_failure
  assert_output --partial "Connection refused"

  run dokku network-host:disable "$APP"
  assert_rebuilt
  run dokku network-host:report "$APP" --network-host-computed-mode
  assert_output "off"
  assert_no_host_access "$APP" "$local_port" "$all_port"
}

# --- host mode -----------------------------------------------------------------------------------

@test "(containers) host mode: web and run containers reach a 127.0.0.1 service; run only when the run phase is selected" {
  local port
  port="$(free_port)"
  host_service_start 127.0.0.1 "$port"

  run dokku network-host:enable "$APP"
  assert_rebuilt
  run dokku network-host:report "$APP" --network-host-computed-phases
  assert_output "build,deploy,run"
  run fetch_web "$APP" "http://127.0.0.1:$port/"
  assert_success
  assert_output "hello world"
  run fetch_run "$APP" "http://127.0.0.1:$port/"
  assert_success
  assert_output "hello world"
  # the app itself now listens on the host (host networking): its port answers on the host's loopback
  run timeout 5 busybox wget -qO- "http://127.0.0.1:$APP_PORT/"
  assert_success
  assert_output "hello from the app"

  run dokku network-host:enable "$APP" --phases deploy
  assert_rebuilt
  run fetch_web "$APP" "http://127.0.0.1:$port/"
  assert_success
  assert_output "hello world"
  run fetch_run "$APP" "http://127.0.0.1:$port/"
  assert_failure
  assert_output --partial "Connection refused"
}

# --- gateway mode --------------------------------------------------------------------------------

@test "(containers) gateway mode: host.docker.internal is the docker0 gateway; 0.0.0.0 answers, 127.0.0.1-only is refused" {
  local local_port all_port gateway
  gateway="$(docker0_ip)"
  local_port="$(free_port)"
  host_service_start 127.0.0.1 "$local_port"
  all_port="$(free_port)"
  host_service_start 0.0.0.0 "$all_port"

  # default alias and target (host.docker.internal -> host-gateway); phases named only because an
  # earlier test may have narrowed them
  run dokku network-host:gateway "$APP" --phases build,deploy,run
  assert_rebuilt
  run hosts_ip "$APP" host.docker.internal
  assert_success
  assert_output "$gateway"
  # deploy keeps host-gateway for the daemon to resolve
  run extra_hosts "$APP"
  assert_output "host.docker.internal:host-gateway"

  run fetch_web "$APP" "http://host.docker.internal:$all_port/"
  assert_success
  assert_output "hello world"
  run fetch_run "$APP" "http://host.docker.internal:$all_port/"
  assert_success
  assert_output "hello world"
  # the container keeps its own loopback and network: the 127.0.0.1-only service is refused both
  # through the gateway and at 127.0.0.1
  run fetch_web "$APP" "http://host.docker.internal:$local_port/"
  assert_failure
  assert_output --partial "Connection refused"
  run fetch_web "$APP" "http://127.0.0.1:$local_port/"
  assert_failure
  assert_output --partial "Connection refused"
}

@test "(containers) gateway mode: extra aliases resolve and work; an explicit --ip is what /etc/hosts shows" {
  local port gateway
  gateway="$(docker0_ip)"
  port="$(free_port)"
  host_service_start 0.0.0.0 "$port"

  # --alias replaces the alias list: name the default one too to keep it
  run dokku network-host:gateway "$APP" --phases build,deploy,run \
    --alias host.docker.internal --alias db.internal --ip "$gateway"
  assert_rebuilt
  run hosts_ip "$APP" db.internal
  assert_output "$gateway"
  run hosts_ip "$APP" host.docker.internal
  assert_output "$gateway"
  # the explicit address reached Docker as given (not host-gateway)
  run extra_hosts "$APP"
  assert_output "$(printf '%s\n' "db.internal:$gateway" "host.docker.internal:$gateway")"

  run fetch_web "$APP" "http://db.internal:$port/"
  assert_success
  assert_output "hello world"
  run fetch_web "$APP" "http://host.docker.internal:$port/"
  assert_success
  assert_output "hello world"
  run fetch_run "$APP" "http://db.internal:$port/"
  assert_success
  assert_output "hello world"
}

# --- build phase ---------------------------------------------------------------------------------

@test "(containers) build phase: the Dockerfile RUN step reaches the host service only when build is selected, in both modes" {
  local local_port all_port
  local_port="$(free_port)"
  host_service_start 127.0.0.1 "$local_port" "hello from the host at build time"
  all_port="$(free_port)"
  host_service_start 0.0.0.0 "$all_port" "hello through the gateway at build time"

  # settings first (no rebuild), then a deploy (a git push) whose build probes a fresh URL
  dokku network-host:enable "$APP" --phases build --no-rebuild
  run deploy_probe "$APP" "http://127.0.0.1:$local_port/?n=$RANDOM$RANDOM"
  assert_success
  run build_probe "$APP"
  assert_output "hello from the host at build time"

  dokku network-host:enable "$APP" --phases deploy,run --no-rebuild
  run deploy_probe "$APP" "http://127.0.0.1:$local_port/?n=$RANDOM$RANDOM"
  assert_success
  run build_probe "$APP"
  assert_output "unreachable"

  # gateway: the build gets a concrete address for host-gateway (BuildKit cannot always resolve it)
  dokku network-host:gateway "$APP" --phases build --alias host.docker.internal --ip host-gateway --no-rebuild
  run deploy_probe "$APP" "http://host.docker.internal:$all_port/?n=$RANDOM$RANDOM"
  assert_success
  run build_probe "$APP"
  assert_output "hello through the gateway at build time"

  dokku network-host:gateway "$APP" --phases deploy,run --no-rebuild
  run deploy_probe "$APP" "http://host.docker.internal:$all_port/?n=$RANDOM$RANDOM"
  assert_success
  run build_probe "$APP"
  assert_output "unreachable"
}

# --- global mode ---------------------------------------------------------------------------------

@test "(containers) a global mode applies to an app with no setting of its own; disable overrides it" {
  local app local_port all_port
  local_port="$(free_port)"
  host_service_start 127.0.0.1 "$local_port"
  all_port="$(free_port)"
  host_service_start 0.0.0.0 "$all_port" "hello on all interfaces"
  create_app
  app="$TEST_APP"

  touch "$BATS_TEST_TMPDIR/global-mode-set"
  run dokku network-host:set --global mode gateway
  assert_success
  run deploy_app "$app"
  assert_success
  run dokku network-host:report "$app" --network-host-mode
  assert_output ""
  run dokku network-host:report "$app" --network-host-computed-mode
  assert_output "gateway"
  run hosts_ip "$app" host.docker.internal
  assert_output "$(docker0_ip)"
  run fetch_web "$app" "http://host.docker.internal:$all_port/"
  assert_success
  assert_output "hello on all interfaces"
  run fetch_run "$app" "http://host.docker.internal:$all_port/"
  assert_success
  assert_output "hello on all interfaces"

  # an app's own `off` wins over the global mode, applied by the rebuild hook
  run dokku network-host:disable "$app"
  assert_rebuilt
  assert_no_host_access "$app" "$local_port" "$all_port"

  dokku network-host:set --global mode
  rm -f "$BATS_TEST_TMPDIR/global-mode-set"
  destroy_app "$app" >/dev/null
}
