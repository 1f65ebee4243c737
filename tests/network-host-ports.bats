#!/usr/bin/env bats
# The port maps every rule of the plugin uses (clashes, listeners, exposure, proxy routes) are Dokku's own: what
# `ports-get` answers (plugins/ports TriggerPortsGet), in each shape real hosts have — nothing recorded (never built,
# nixpacks, railpack), a detected map, a certificate, a proxy's letsencrypt email, a stored map.
load test_helper

setup_file() {
  setup_dokku
  dokku domains:set-global dokku.me >/dev/null
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=ports.dokku.me \
    -keyout "$BATS_FILE_TMPDIR/server.key" -out "$BATS_FILE_TMPDIR/server.crt" >/dev/null 2>&1
  chmod 0644 "$BATS_FILE_TMPDIR/server.key" "$BATS_FILE_TMPDIR/server.crt"
}
teardown_file() { teardown_dokku; }
setup() { create_app >/dev/null; }
teardown() {
  destroy_app >/dev/null 2>&1 || true
  dokku --force apps:destroy nixpacks-two >/dev/null 2>&1 || true
  dokku traefik:set --global letsencrypt-email >/dev/null 2>&1 || true
}

# same_as_dokku: the plugin's port maps (its report) are the ones ports-get prints
same_as_dokku() {
  local dokku_maps plugin_maps
  dokku_maps="$(run_plugn_trigger ports-get "$TEST_APP" | xargs)"
  plugin_maps="$(dokku network-host:report "$TEST_APP" --network-host-ports)"
  [[ "$plugin_maps" == "$dokku_maps" ]] || fail "the plugin uses '$plugin_maps', Dokku's ports-get answers '$dokku_maps'"
}

@test "(ports) the plugin's port maps are what ports-get answers: default, detected, certificate, letsencrypt, stored" {
  dokku network-host:gateway "$TEST_APP" --no-rebuild >/dev/null
  same_as_dokku
  run dokku network-host:report "$TEST_APP" --network-host-ports
  assert_output "http:80:5000"
  run_plugn_trigger ports-set-detected "$TEST_APP" "http:5000:5000"
  same_as_dokku
  dokku certs:add "$TEST_APP" "$BATS_FILE_TMPDIR/server.crt" "$BATS_FILE_TMPDIR/server.key" >/dev/null 2>&1
  same_as_dokku
  run_plugn_trigger ports-set-detected "$TEST_APP" "http:80:3000 udp:53:53"
  same_as_dokku
  run dokku network-host:report "$TEST_APP" --network-host-ports
  assert_output "http:80:3000 udp:53:53 https:443:3000"
  dokku certs:remove "$TEST_APP" >/dev/null 2>&1
  dokku proxy:set "$TEST_APP" traefik >/dev/null
  dokku traefik:set --global letsencrypt-email ops@dokku.me >/dev/null
  same_as_dokku
  dokku ports:set "$TEST_APP" http:80:4000 >/dev/null
  same_as_dokku
}

@test "(ports) nixpacks records no port map: its app gets Dokku's 5000, and a second host-mode app there is refused" {
  require_docker
  dokku builder:set "$TEST_APP" selected nixpacks >/dev/null
  deploy_app "$TEST_APP" nixpacks >/dev/null
  run test -s "$DOKKU_LIB_ROOT/config/ports/$TEST_APP/map-detected"
  assert_failure
  run dokku network-host:enable "$TEST_APP" --no-rebuild
  assert_success
  assert_output --partial "listens on this host's interfaces at port 5000"
  create_app nixpacks-two >/dev/null
  dokku builder:set nixpacks-two selected nixpacks >/dev/null
  run dokku network-host:enable nixpacks-two --no-rebuild
  assert_failure
  assert_output --partial "Host-mode app $TEST_APP already uses port 5000"
}

@test "(ports) traefik and a certificate: the https router Dokku derives from it is repointed too" {
  dokku proxy:set "$TEST_APP" traefik >/dev/null
  dokku certs:add "$TEST_APP" "$BATS_FILE_TMPDIR/server.crt" "$BATS_FILE_TMPDIR/server.key" >/dev/null 2>&1
  dokku network-host:enable "$TEST_APP" --no-rebuild >/dev/null
  run dokku traefik:labels:show "$TEST_APP"
  assert_output --partial "traefik.http.routers.$TEST_APP-web-https.service=$TEST_APP-web-host-network"
  assert_output --partial "traefik.http.routers.$TEST_APP-web-http.service=$TEST_APP-web-host-network"
}
