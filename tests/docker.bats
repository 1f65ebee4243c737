#!/usr/bin/env bats
# The experiments of Dokku's blog recipe ("Connecting to network processes running directly on the
# host", dokku.com/blog, 2024) with plain docker (no plugin): what each network mode can reach on the
# host. They pin down the facts the plugin relies on. Needs `tests/docker/engine up` first.

load "../node_modules/bats-support/load"
load "../node_modules/bats-assert/load"
load "lib/require-docker"
load "lib/host-service"

FIXTURE_APP="$BATS_TEST_DIRNAME/fixtures/apps/hello"

setup() {
  require_docker
  # Everything a test creates carries its label or tag, so teardown removes exactly that.
  TEST_LABEL="network-host-test.run=$$-$BATS_TEST_NUMBER"
  TEST_IMAGE="network-host-test/hello:bats-$$-$BATS_TEST_NUMBER"
}

teardown() {
  host_service_stop_all
  local ids
  ids="$("$DOCKER_BIN" ps -aq --filter "label=$TEST_LABEL" 2>/dev/null)" || true
  # shellcheck disable=SC2086 # one ID per word
  [[ -z "$ids" ]] || "$DOCKER_BIN" rm -f $ids >/dev/null 2>&1 || true
  # Every tag this test built (tagging a rebuild over one would leave a dangling image).
  ids="$("$DOCKER_BIN" images -q --filter "reference=$TEST_IMAGE*" 2>/dev/null)" || true
  # shellcheck disable=SC2086 # one ID per word
  [[ -z "$ids" ]] || "$DOCKER_BIN" rmi -f $ids >/dev/null 2>&1 || true
}

# in_container [DOCKER RUN OPTIONS...] -- COMMAND...: a throwaway busybox container.
in_container() {
  local opts=()
  while [[ $# -gt 0 && "$1" != -- ]]; do
    opts+=("$1")
    shift
  done
  shift
  "$DOCKER_BIN" run --rm --label "$TEST_LABEL" "${opts[@]}" "$NETWORK_HOST_TEST_IMAGE" "$@"
}

# An HTTP GET in a container or on the host: busybox wget bounded by timeout (its -T crashes).
FETCH=(timeout 5 wget -qO-)
HOST_FETCH=(timeout 5 busybox wget -qO-)

@test "(docker) --network=host reaches a host service bound to 127.0.0.1" {
  port="$(free_port)"
  host_service_start 127.0.0.1 "$port" "hello world"

  run in_container --network=host -- "${FETCH[@]}" "http://127.0.0.1:$port/"
  assert_success
  assert_output "hello world"
}

@test "(docker) --add-host=host.docker.internal:host-gateway maps the alias to the docker0 address" {
  # the address of the bridge's interface, as the kernel has it (the daemon may not list it as a gateway)
  gateway="$(ip -4 -o addr show dev docker0 | awk '{ split($4, a, "/"); print a[1]; exit }')"
  [[ -n "$gateway" ]]

  # shellcheck disable=SC2016 # the awk program runs in the container
  run in_container --add-host=host.docker.internal:host-gateway -- \
    awk '$2 == "host.docker.internal" { print $1 }' /etc/hosts
  assert_success
  assert_output "$gateway"
}

@test "(docker) host-gateway reaches a host service bound to 0.0.0.0" {
  port="$(free_port)"
  host_service_start 0.0.0.0 "$port" "hello on all interfaces"

  run in_container --add-host=host.docker.internal:host-gateway -- \
    "${FETCH[@]}" "http://host.docker.internal:$port/"
  assert_success
  assert_output "hello on all interfaces"
}

@test "(docker) host-gateway is refused by a host service bound to 127.0.0.1 only" {
  port="$(free_port)"
  host_service_start 127.0.0.1 "$port"

  run in_container --add-host=host.docker.internal:host-gateway -- \
    "${FETCH[@]}" "http://host.docker.internal:$port/"
  assert_failure
  assert_output --partial "Connection refused"
}

@test "(docker) a default bridge container cannot reach a host service bound to 127.0.0.1" {
  port="$(free_port)"
  host_service_start 127.0.0.1 "$port"

  # 127.0.0.1 is the container's own loopback...
  run in_container -- "${FETCH[@]}" "http://127.0.0.1:$port/"
  assert_failure
  assert_output --partial "Connection refused"
  # ...and the docker0 address does not lead to a loopback-only listener either.
  run in_container -- "${FETCH[@]}" "http://$(docker0_ip):$port/"
  assert_failure
  assert_output --partial "Connection refused"
}

@test "(docker) a default bridge container reaches a 0.0.0.0 host service at the docker0 address" {
  port="$(free_port)"
  host_service_start 0.0.0.0 "$port" "reachable without add-host"

  run in_container -- "${FETCH[@]}" "http://$(docker0_ip):$port/"
  assert_success
  assert_output "reachable without add-host"
}

@test "(docker) fixture app: serves on \$PORT and a second host-mode instance fails on the same port" {
  run "$DOCKER_BIN" build -q --force-rm -t "$TEST_IMAGE" "$FIXTURE_APP"
  assert_success
  port="$(free_port)"

  "$DOCKER_BIN" run -d --label "$TEST_LABEL" --network=host -e PORT="$port" "$TEST_IMAGE" >/dev/null
  for _ in $(seq 1 25); do # bounded wait (5 s) for httpd to listen
    "${HOST_FETCH[@]}" "http://127.0.0.1:$port/" >/dev/null 2>&1 && break
    sleep 0.2
  done
  run "${HOST_FETCH[@]}" "http://127.0.0.1:$port/"
  assert_success
  assert_output "hello from the app"

  # The #5219 trap: the next host-mode container cannot bind the port the old one holds.
  run "$DOCKER_BIN" run --rm --label "$TEST_LABEL" --network=host -e PORT="$port" "$TEST_IMAGE"
  assert_failure
  assert_output --partial "Address already in use"
}

@test "(docker) fixture app: the build probe records what the build network reaches" {
  port="$(free_port)"
  host_service_start 127.0.0.1 "$port" "reached from the build"
  url="http://127.0.0.1:$port/?n=$$-$RANDOM" # fresh URL: the probe RUN step is cached like any other

  run "$DOCKER_BIN" build -q --force-rm --network=host --build-arg "PROBE_URL=$url" -t "$TEST_IMAGE" "$FIXTURE_APP"
  assert_success
  run "$DOCKER_BIN" run --rm --label "$TEST_LABEL" "$TEST_IMAGE" cat /app/build-probe.txt
  assert_output "reached from the build"

  # The probe-url file route, from a default bridge build: 127.0.0.1 is the build container's own.
  app="$BATS_TEST_TMPDIR/hello"
  cp -r "$FIXTURE_APP" "$app"
  echo "$url&bridge" >"$app/probe-url"
  run "$DOCKER_BIN" build -q --force-rm -t "$TEST_IMAGE-bridge" "$app"
  assert_success
  run "$DOCKER_BIN" run --rm --label "$TEST_LABEL" "$TEST_IMAGE-bridge" cat /app/build-probe.txt
  assert_output "unreachable"
}
