#!/usr/bin/env bats
# Calibration of the stand-in's ports-get and certs (tests/dokku/plugins/{ports,certs}) against
# Dokku v0.38.27's plugins/ports (triggers.go TriggerPortsGet, functions.go getPortMaps /
# getDetectedPortMaps / doesCertExist) and plugins/certs. No containers: created apps only.

load test_helper

setup_file() {
  setup_dokku --no-plugin
  dokku domains:set-global dokku.me >/dev/null
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=standin.dokku.me" \
    -keyout "$BATS_FILE_TMPDIR/server.key" -out "$BATS_FILE_TMPDIR/server.crt" &>/dev/null
  chmod 0644 "$BATS_FILE_TMPDIR/server.key" "$BATS_FILE_TMPDIR/server.crt"
}

teardown_file() {
  [[ -n "$DOKKU_STANDIN_ROOT" ]] && "$NETWORK_HOST_TESTS_DIR/dokku/plugins/nginx-vhosts/standin-nginx-stop" "$DOKKU_STANDIN_ROOT"
  teardown_dokku
}

teardown() {
  dokku proxy:set --global proxy-port >/dev/null 2>&1 || true
  dokku traefik:set --global letsencrypt-email >/dev/null 2>&1 || true
}

new_app() {
  APP="$1-$(tr -dc 'a-z0-9' </dev/urandom | head -c 8)"
  export APP
  create_app "$APP" >/dev/null 2>&1
}

@test "(standin ports) ports-get: map, else map-detected, else http:<proxy-port>:5000 from the proxy plugin's properties" {
  new_app pg
  run run_plugn_trigger ports-get "$APP"
  assert_output "http:80:5000"
  # getGlobalProxyPort: the proxy plugin's --global proxy-port (config/proxy, not config/ports)
  dokku proxy:set --global proxy-port 8080 >/dev/null
  [[ "$(cat "$DOKKU_LIB_ROOT/config/proxy/--global/proxy-port")" == "8080" ]]
  run run_plugn_trigger ports-get "$APP"
  assert_output "http:8080:5000"
  run run_plugn_trigger ports-set-detected "$APP" "http:3000:3000 https:3443:3000"
  run run_plugn_trigger ports-get "$APP"
  assert_output "http:3000:3000
https:3443:3000"
  dokku ports:set "$APP" http:4000:5000 >/dev/null 2>&1
  run run_plugn_trigger ports-get "$APP"
  assert_output "http:4000:5000"
}

@test "(standin ports) certs:add stores tls/server.{crt,key}; certs-exists; ports-get derives https maps that are never stored" {
  new_app ct
  run run_plugn_trigger certs-exists "$APP"
  assert_output "false"
  run dokku certs:add "$APP" "$BATS_FILE_TMPDIR/server.crt" "$BATS_FILE_TMPDIR/server.key"
  assert_success
  [[ -s "$DOKKU_ROOT/$APP/tls/server.crt" && -s "$DOKKU_ROOT/$APP/tls/server.key" ]]
  run run_plugn_trigger certs-exists "$APP"
  assert_output "true"
  # getDetectedPortMaps: an https:<ssl port, else 443>:<container> for each http:80 map
  run run_plugn_trigger ports-get "$APP"
  assert_output "http:80:5000
https:443:5000"
  [[ ! -e "$DOKKU_LIB_ROOT/config/ports/$APP/map" && ! -s "$DOKKU_LIB_ROOT/config/ports/$APP/map-detected" ]]
  run dokku ports:report "$APP" --ports-map-detected
  assert_output "http:80:5000 https:443:5000"
  # no http:80 map: every http map turns https
  run run_plugn_trigger ports-set-detected "$APP" "http:3000:3000 udp:53:53"
  run run_plugn_trigger ports-get "$APP"
  assert_output "https:3000:3000
udp:53:53"
  # certs:remove: no certificate, no derived map
  run dokku certs:remove "$APP"
  assert_success
  assert_line --index 0 "-----> Removing SSL endpoint from $APP"
  [[ ! -e "$DOKKU_ROOT/$APP/tls" ]]
  run run_plugn_trigger ports-get "$APP"
  assert_output "http:3000:3000
udp:53:53"
}

@test "(standin ports) a stored map is never derived from; post-certs-update/remove edit the stored https:443 map" {
  new_app cm
  dokku ports:set "$APP" http:80:5000 >/dev/null 2>&1
  # TriggerPortsGet derives only when there is no `map`; certs:add's post-certs-update stores one
  dokku traefik:set --global letsencrypt-email ops@example.com >/dev/null
  dokku proxy:set "$APP" traefik >/dev/null
  run run_plugn_trigger ports-get "$APP"
  assert_output "http:80:5000"
  dokku certs:add "$APP" "$BATS_FILE_TMPDIR/server.crt" "$BATS_FILE_TMPDIR/server.key" >/dev/null 2>&1
  [[ "$(cat "$DOKKU_LIB_ROOT/config/ports/$APP/map")" == "http:80:5000
https:443:5000" ]]
  dokku certs:remove "$APP" >/dev/null 2>&1
  [[ "$(cat "$DOKKU_LIB_ROOT/config/ports/$APP/map")" == "http:80:5000" ]]
}

@test "(standin ports) a proxy's certs-force counts as a certificate: traefik with a letsencrypt email" {
  new_app cf
  dokku proxy:set "$APP" traefik >/dev/null
  run run_plugn_trigger ports-get "$APP"
  assert_output "http:80:5000"
  dokku traefik:set --global letsencrypt-email ops@example.com >/dev/null
  run run_plugn_trigger ports-get "$APP"
  assert_output "http:80:5000
https:443:5000"
}
