# shellcheck shell=bash
# require_docker: the one skip policy for tests that need real containers. Call it first in a
# test or in setup. Without an engine (and the local base image) the test is skipped on a
# developer machine, but FAILS under CI=true, so CI can never go green by skipping everything.
# Prepare the engine with: tests/docker/engine up

NETWORK_HOST_ENGINE="${NETWORK_HOST_ENGINE:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../docker" && pwd)/engine}"
export DOCKER_BIN="${DOCKER_BIN:-/usr/bin/docker}"
export NETWORK_HOST_TEST_IMAGE="${NETWORK_HOST_TEST_IMAGE:-network-host-test/busybox:latest}"

require_docker() {
  "$NETWORK_HOST_ENGINE" available && return 0
  if [[ "${CI:-}" == true ]]; then
    # bats-support's fail when loaded; a plain message and non-zero status otherwise.
    if declare -F fail >/dev/null; then
      fail "Docker engine not available under CI"
    fi
    echo "Docker engine not available under CI" >&2
    return 1
  fi
  skip "Docker engine not available: container tests skipped"
}
