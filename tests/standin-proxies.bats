#!/usr/bin/env bats
# Fidelity tests of the stand-in's proxy layer (tests/dokku/plugins/{proxy,domains,nginx-vhosts,
# caddy-vhosts,traefik-vhosts,haproxy-vhosts,openresty-vhosts}) against Dokku v0.38.27: proxy
# properties and report, the labels each label proxy puts on a web container, the user labels
# files, and a real nginx in front of deployed apps. Runs without the plugin under test.

load test_helper

setup_file() {
  setup_dokku --no-plugin
  # Dokku's installer asks for a global domain; without one new apps get no vhost (tested below)
  dokku domains:set-global dokku.me >/dev/null
}

teardown_file() {
  [[ -n "$DOKKU_STANDIN_ROOT" ]] && "$NETWORK_HOST_TESTS_DIR/dokku/plugins/nginx-vhosts/standin-nginx-stop" "$DOKKU_STANDIN_ROOT"
  teardown_dokku
}

teardown() {
  # a test that changed global settings puts them back even when it failed
  dokku proxy:set --global type >/dev/null 2>&1 || true
  dokku domains:set-global dokku.me >/dev/null 2>&1 || true
  "$DOCKER_BIN" container rm --force "standin-proxies-labels-$BATS_TEST_NUMBER" &>/dev/null || true
  # the --with-user root of the last test
  if [[ -s "$BATS_TEST_TMPDIR/user-root" ]]; then
    "$NETWORK_HOST_TESTS_DIR/dokku/plugins/nginx-vhosts/standin-nginx-stop" "$(<"$BATS_TEST_TMPDIR/user-root")"
    "$NETWORK_HOST_TESTS_DIR/dokku/setup" --teardown "$(<"$BATS_TEST_TMPDIR/user-root")"
  fi
}

# new_app PREFIX [TYPE]: a created app with proxy type TYPE (set before the app exists, so no
# nginx.conf is written at creation for other types) on a free http port; exports APP, APP_PORT
new_app() {
  APP="$1-$(tr -dc 'a-z0-9' </dev/urandom | head -c 8)"
  APP_PORT="$(free_port)"
  export APP APP_PORT
  [[ -n "$2" ]] && dokku proxy:set --global type "$2" >/dev/null
  create_app "$APP" >/dev/null 2>&1
  if [[ -n "$2" ]]; then
    dokku proxy:set "$APP" "$2" >/dev/null
    dokku proxy:set --global type >/dev/null
  fi
  dokku ports:set "$APP" "http:$APP_PORT:5000" >/dev/null 2>&1
}

# deploy_quiet APP [FIXTURE]: deploy_app with its output in the test's tmpdir (shown on failure)
deploy_quiet() {
  deploy_app "$@" >"$BATS_TEST_TMPDIR/deploy.log" 2>&1 || {
    cat "$BATS_TEST_TMPDIR/deploy.log" >&2
    return 1
  }
}

# labels_of CONTAINER: its labels as sorted KEY=VALUE lines
labels_of() {
  "$DOCKER_BIN" container inspect --format '{{ range $k, $v := .Config.Labels }}{{ $k }}={{ $v }}{{ "\n" }}{{ end }}' "$1" | sed '/^$/d' | LC_ALL=C sort
}

# deploy_args APP: the docker-args-process-deploy trigger output of the web process, one arg a line
deploy_args() {
  run_plugn_trigger docker-args-process-deploy "$1" dockerfile latest web 1 2>/dev/null | xargs -r printf '%s\n'
}

# http_get PORT HOST: the body nginx answers on 127.0.0.1:PORT for Host: HOST (one try, 5 s)
http_get() {
  curl -fsS --max-time 5 -H "Host: $2" "http://127.0.0.1:$1/"
}

# --- proxy -----------------------------------------------------------------------------------------

@test "(standin proxies) proxy:set and proxy:report: properties, legacy TYPE form, report format" {
  new_app px
  run dokku proxy:report "$APP"
  assert_success
  assert_output "=====> $APP proxy information
       Proxy computed disabled:       false
       Proxy computed proxy port:     
       Proxy computed proxy ssl port: 
       Proxy computed type:           nginx
       Proxy disabled:                
       Proxy enabled:                 true
       Proxy global proxy port:       
       Proxy global proxy ssl port:   
       Proxy global type:             
       Proxy proxy port:              
       Proxy proxy ssl port:          
       Proxy type:                    "
  # `proxy:set APP TYPE` is `proxy:set APP type TYPE`; stored without a newline
  run dokku proxy:set "$APP" caddy
  assert_success
  assert_output "=====> Setting type to caddy"
  [[ "$(cat "$DOKKU_LIB_ROOT/config/proxy/$APP/type")" == "caddy" ]]
  [[ "$(stat -c %a "$DOKKU_LIB_ROOT/config/proxy/$APP/type")" == "600" ]]
  run dokku proxy:set "$APP" type traefik
  assert_output "=====> Setting type to traefik"
  run dokku proxy:report "$APP" --proxy-type
  assert_output "traefik"
  # json: the keys without the --proxy- prefix and the legacy proxy-… keys
  run dokku proxy:report "$APP" --format json
  assert_success
  [[ "$(jq -r '.type, ."proxy-type", ."computed-type", .enabled' <<<"$output" | xargs)" == "traefik traefik traefik true" ]]
  [[ "$(jq -r 'keys | length' <<<"$output")" == "24" ]]
  run dokku proxy:report "$APP" --format json --proxy-type
  assert_failure
  assert_output " !     --format flag cannot be specified when specifying an info flag"
  # a port map is refused; no value unsets; unknown properties are listed
  run dokku proxy:set "$APP" http:80:5000
  assert_failure
  assert_output " !     Detected potential port mapping instead of proxy type
 !     Consider using ports:set command or specifying a valid proxy"
  run dokku proxy:set "$APP" colour blue
  assert_failure
  assert_output " !     Invalid property specified, valid properties include: disabled, proxy-port, proxy-ssl-port, type"
  run dokku proxy:set "$APP" type
  assert_output "=====> Unsetting type"
  [[ ! -e "$DOKKU_LIB_ROOT/config/proxy/$APP/type" ]]
  # --global: type/proxy-port/proxy-ssl-port only
  run dokku proxy:set --global disabled true
  assert_failure
  assert_output " !     Property cannot be specified globally"
  run dokku proxy:set --global haproxy
  assert_output "=====> Setting type to haproxy"
  [[ "$(cat "$DOKKU_LIB_ROOT/config/proxy/--global/type")" == "haproxy" ]]
  run dokku proxy:report "$APP" --proxy-computed-type
  assert_output "haproxy"
  run dokku proxy:report --global
  assert_output "=====> --global proxy information
       Proxy computed proxy port:     
       Proxy computed proxy ssl port: 
       Proxy computed type:           haproxy
       Proxy global proxy port:       
       Proxy global proxy ssl port:   
       Proxy global type:             haproxy"
  run dokku proxy:report "$APP" --proxy-bogus
  assert_failure
  assert_output --partial " !     Invalid flag passed, valid flags: --proxy-computed-disabled, --proxy-computed-proxy-port,"
  run dokku proxy:set does-not-exist caddy
  assert_failure 20
  assert_output " !     App does-not-exist does not exist"
}

@test "(standin proxies) proxy-type and proxy-is-enabled triggers; proxy:disable/enable" {
  new_app pt
  run run_plugn_trigger proxy-type "$APP"
  assert_output "nginx"
  dokku proxy:set --global type traefik
  run run_plugn_trigger proxy-type "$APP"
  assert_output "traefik"
  dokku proxy:set "$APP" caddy
  run run_plugn_trigger proxy-type "$APP"
  assert_output "caddy"
  run run_plugn_trigger proxy-is-enabled "$APP"
  assert_output "true"
  run dokku proxy:disable "$APP"
  assert_success
  assert_output "-----> Disabling proxy for app"
  [[ "$(cat "$DOKKU_LIB_ROOT/config/proxy/$APP/disabled")" == "true" ]]
  run run_plugn_trigger proxy-is-enabled "$APP"
  assert_output "false"
  run dokku proxy:disable "$APP"
  assert_output "-----> Proxy is already disable for app"
  # a disabled proxy gets no labels at all
  run deploy_args "$APP"
  assert_output_contains "caddy" 0
  run dokku proxy:enable "$APP"
  assert_output "-----> Enabling proxy for app"
  [[ ! -e "$DOKKU_LIB_ROOT/config/proxy/$APP/disabled" ]]
  run dokku proxy:report "$APP" --proxy-enabled
  assert_output "true"
}

# --- domains ---------------------------------------------------------------------------------------

@test "(standin proxies) domains: <app>.<global domain>; no global domain disables the app's vhost" {
  new_app dm
  [[ "$(cat "$DOKKU_ROOT/$APP/VHOST")" == "$APP.dokku.me" ]]
  run run_plugn_trigger domains-list "$APP"
  assert_output "$APP.dokku.me"
  run dokku domains:report "$APP" --format json
  assert_output "{\"app-enabled\":\"true\",\"app-vhosts\":\"$APP.dokku.me\",\"global-enabled\":\"true\",\"global-vhosts\":\"dokku.me\"}"
  run dokku domains:add "$APP" www.example.com
  assert_success
  assert_line --index 0 "-----> Added www.example.com to $APP"
  # post-domains-update: nginx renders the new domain right away
  assert_line "-----> Configuring www.example.com...(using built-in template)"
  run dokku domains:report "$APP" --domains-app-vhosts
  assert_output "$APP.dokku.me www.example.com"

  # Dokku without a global domain: "disabling app vhost", NO_VHOST=1 in the app's env
  dokku domains:clear-global >/dev/null
  local app="dm-novhost-$(tr -dc 'a-z0-9' </dev/urandom | head -c 8)"
  run create_app "$app"
  assert_success
  assert_line "-----> Global server virtual host not set, disabling app vhost..."
  [[ ! -e "$DOKKU_ROOT/$app/VHOST" ]]
  [[ "$(cat "$DOKKU_LIB_ROOT/config/$app/ENV")" == "NO_VHOST=1" ]]
  run run_plugn_trigger domains-vhost-enabled "$app"
  assert_failure
  run dokku domains:report "$app" --domains-app-enabled
  assert_output "false"
  # no vhost: no labels from any label proxy, and nginx listens without a server_name
  dokku proxy:set "$app" caddy >/dev/null
  run deploy_args "$app"
  assert_output_contains "caddy" 0
  dokku proxy:set "$app" nginx >/dev/null
  run deploy_args "$app"
  assert_output_contains "openresty." 0
  grep -q "listen      80;" "$DOKKU_ROOT/$app/nginx.conf"
  run grep -c server_name "$DOKKU_ROOT/$app/nginx.conf"
  assert_output "0"
  # domains:enable with a global domain back: the default vhost and NO_VHOST=0
  dokku domains:set-global dokku.me >/dev/null
  run dokku domains:enable "$app"
  assert_success
  [[ "$(cat "$DOKKU_ROOT/$app/VHOST")" == "$app.dokku.me" ]]
  [[ "$(cat "$DOKKU_LIB_ROOT/config/$app/ENV")" == "NO_VHOST=0" ]]
  run run_plugn_trigger domains-vhost-enabled "$app"
  assert_success
}

# --- label proxies ---------------------------------------------------------------------------------

@test "(standin proxies) Docker keeps the last value of a repeated label" {
  require_docker
  "$DOCKER_BIN" container create --name "standin-proxies-labels-$BATS_TEST_NUMBER" --label k=a --label k=b network-host-test/busybox:latest true >/dev/null
  run "$DOCKER_BIN" container inspect --format '{{ index .Config.Labels "k" }}' "standin-proxies-labels-$BATS_TEST_NUMBER"
  assert_output "b"
}

@test "(standin proxies) caddy: Dokku's labels on the deployed web container, then the user's labels" {
  require_docker
  new_app cd caddy
  run dokku caddy:labels:add "$APP" caddy.encode gzip
  assert_success
  assert_output ""
  # a user label repeating a generated key comes after it on the command line, so it wins
  dokku caddy:labels:add "$APP" caddy.reverse_proxy "172.17.0.1:5000"
  [[ "$(cat "$DOKKU_LIB_ROOT/config/caddy/$APP/labels")" == "caddy.encode=gzip
caddy.reverse_proxy=172.17.0.1:5000" ]]
  DOKKU_STANDIN_DEPLOY_ARGS_LOG="$BATS_TEST_TMPDIR/create.args" deploy_quiet "$APP"
  # the http map is not on port 80: Dokku warns and takes the first http map
  run grep -c "Warning: http:80 port mapping not found" "$BATS_TEST_TMPDIR/deploy.log"
  assert_output "2"
  grep -q -- "-----> Routing app via caddy" "$BATS_TEST_TMPDIR/deploy.log"
  # the container's create args: Dokku's two labels, then the labels file
  [[ "$(grep -x -e "caddy.reverse_proxy=.*" -e "caddy=.*" "$BATS_TEST_TMPDIR/create.args")" == "caddy=$APP.dokku.me:80
caddy.reverse_proxy={{ upstreams 5000 }}
caddy.reverse_proxy=172.17.0.1:5000" ]]
  run labels_of "$APP.web.1"
  assert_line "caddy=$APP.dokku.me:80"
  assert_line "caddy.encode=gzip"
  assert_line "caddy.reverse_proxy=172.17.0.1:5000"
  assert_output_contains "upstreams" 0
  # a caddy app gets no nginx config and nginx:show-config says why
  [[ ! -e "$DOKKU_ROOT/$APP/nginx.conf" ]]
  run dokku nginx:show-config "$APP"
  assert_failure
  assert_output " !     This command is only available for apps with the nginx proxy type"
}

@test "(standin proxies) caddy labels: https:443 with a letsencrypt email, tls-internal" {
  new_app ce caddy
  dokku ports:set "$APP" http:80:5000 https:443:5000 >/dev/null 2>&1
  run deploy_args "$APP"
  assert_line --index 0 "--label"
  assert_line --index 1 "caddy=$APP.dokku.me:80"
  assert_line --index 3 "caddy.reverse_proxy={{ upstreams 5000 }}"
  dokku caddy:set --global letsencrypt-email ops@example.com >/dev/null
  run deploy_args "$APP"
  assert_line --index 1 "caddy=$APP.dokku.me"
  assert_line --index 3 "caddy.reverse_proxy={{ upstreams 5000 }}"
  dokku caddy:set --global letsencrypt-email >/dev/null
  run dokku caddy:set "$APP" letsencrypt-email x@example.com
  assert_failure
  assert_output " !     The key 'letsencrypt-email' can only be set globally"
  run dokku caddy:report "$APP" --caddy-computed-tls-internal
  assert_output "false"
}

@test "(standin proxies) traefik: Dokku's labels on the deployed web container, entry points, user labels" {
  require_docker
  new_app tf traefik
  dokku traefik:labels:add "$APP" traefik.http.middlewares.test.headers.customrequestheaders.X-Test yes
  deploy_quiet "$APP"
  grep -q -- "-----> Routing app via traefik" "$BATS_TEST_TMPDIR/deploy.log"
  run labels_of "$APP.web.1"
  assert_line "traefik.enable=true"
  assert_line "traefik.http.services.$APP-web-http.loadbalancer.server.port=5000"
  assert_line "traefik.http.routers.$APP-web-http.entrypoints=http"
  assert_line "traefik.http.routers.$APP-web-http.service=$APP-web-http"
  assert_line "traefik.http.routers.$APP-web-http.rule=Host(\`$APP.dokku.me\`)"
  assert_line "traefik.http.middlewares.test.headers.customrequestheaders.X-Test=yes"
  assert_output_contains "-https" 0
  # the entry point names come from traefik:set; two domains make an || rule
  dokku traefik:set --global http-entry-point web >/dev/null
  dokku domains:add "$APP" www.example.com >/dev/null
  run deploy_args "$APP"
  assert_line "traefik.http.routers.$APP-web-http.entrypoints=web"
  assert_line "traefik.http.routers.$APP-web-http.rule=Host(\`$APP.dokku.me\`) || Host(\`www.example.com\`)"
  dokku traefik:set --global http-entry-point >/dev/null
  # https:443 adds the https router with the letsencrypt resolver
  dokku ports:set "$APP" http:80:5000 https:443:5001 >/dev/null 2>&1
  run deploy_args "$APP"
  assert_line "traefik.http.services.$APP-web-https.loadbalancer.server.port=5001"
  assert_line "traefik.http.routers.$APP-web-https.entrypoints=https"
  assert_line "traefik.http.routers.$APP-web-https.tls.certresolver=leresolver"
  run dokku traefik:set "$APP" http-entry-point web
  assert_failure
  assert_output " !     The key 'http-entry-point' can only be set globally"
  # labels only for the web process
  run run_plugn_trigger docker-args-process-deploy "$APP" dockerfile latest worker 1
  assert_success
  assert_output_contains "traefik" 0
}

@test "(standin proxies) caddy: an app without domains gets no caddy= label, only the user labels (caddy-vhosts/docker-args-process-deploy)" {
  new_app cn caddy
  dokku ports:set "$APP" http:80:5000 >/dev/null 2>&1
  dokku caddy:labels:add "$APP" caddy.encode gzip
  dokku domains:clear "$APP" >/dev/null
  run run_plugn_trigger domains-list "$APP"
  assert_output ""
  run deploy_args "$APP"
  assert_output_contains "caddy=" 0
  assert_output_contains "reverse_proxy" 0
  assert_line "caddy.encode=gzip"
  # vhost disabled: the early return drops the user labels too
  dokku domains:disable "$APP" >/dev/null 2>&1
  run deploy_args "$APP"
  assert_output_contains "caddy" 0
}

@test "(standin proxies) traefik: a letsencrypt email and only http:80:5000 give both routers (traefik-vhosts/docker-args-process-deploy)" {
  new_app tl traefik
  dokku ports:set "$APP" http:80:5000 >/dev/null 2>&1
  dokku traefik:set --global letsencrypt-email ops@example.com >/dev/null
  run deploy_args "$APP"
  dokku traefik:set --global letsencrypt-email >/dev/null
  assert_line "traefik.http.services.$APP-web-http.loadbalancer.server.port=5000"
  assert_line "traefik.http.routers.$APP-web-http.entrypoints=http"
  assert_line "traefik.http.services.$APP-web-https.loadbalancer.server.port=5000"
  assert_line "traefik.http.routers.$APP-web-https.tls.certresolver=leresolver"
  assert_line "traefik.http.routers.$APP-web-https.rule=Host(\`$APP.dokku.me\`)"
  # the stored map gets nothing: ports-get derives only without one
  [[ "$(cat "$DOKKU_LIB_ROOT/config/ports/$APP/map")" == "http:80:5000" ]]
}

@test "(standin proxies) traefik: a certificate gives the https router from the https:443 map ports-get derives (plugins/ports getDetectedPortMaps)" {
  new_app tc traefik
  dokku ports:clear "$APP" >/dev/null 2>&1
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=$APP.dokku.me" \
    -keyout "$BATS_TEST_TMPDIR/server.key" -out "$BATS_TEST_TMPDIR/server.crt" &>/dev/null
  chmod 0644 "$BATS_TEST_TMPDIR/server.key" "$BATS_TEST_TMPDIR/server.crt"
  run deploy_args "$APP"
  assert_output_contains "-https" 0
  dokku certs:add "$APP" "$BATS_TEST_TMPDIR/server.crt" "$BATS_TEST_TMPDIR/server.key" >/dev/null 2>&1
  run run_plugn_trigger ports-get "$APP"
  assert_output "http:80:5000
https:443:5000"
  run deploy_args "$APP"
  assert_line "traefik.http.services.$APP-web-http.loadbalancer.server.port=5000"
  assert_line "traefik.http.services.$APP-web-https.loadbalancer.server.port=5000"
  assert_line "traefik.http.routers.$APP-web-https.entrypoints=https"
  assert_line "traefik.http.routers.$APP-web-https.tls.certresolver=leresolver"
  # an https:443 map was found: no fallback warning
  run run_plugn_trigger docker-args-process-deploy "$APP" dockerfile latest web 1
  assert_output_contains "port mapping not found" 0
}

@test "(standin proxies) labels:add/remove/show: Dokku's file format, output and errors" {
  new_app lb traefik
  run dokku traefik:labels:show "$APP"
  assert_success
  assert_output " !     No traefik labels set for $APP"
  dokku traefik:labels:add "$APP" b.label two
  dokku traefik:labels:add "$APP" a.label one
  dokku traefik:labels:add "$APP" a.label uno
  # one NAME=VALUE a line, sorted, a re-added name replaced
  [[ "$(cat "$DOKKU_LIB_ROOT/config/traefik/$APP/labels")" == "a.label=uno
b.label=two" ]]
  run dokku traefik:labels:show "$APP"
  assert_output "=====> $APP traefik labels
       a.label=uno
       b.label=two"
  run dokku traefik:labels:show "$APP" b.label
  assert_output "two"
  run deploy_args "$APP"
  assert_line "a.label=uno"
  assert_line "b.label=two"
  # remove takes exactly that label
  run dokku traefik:labels:remove "$APP" a.label
  assert_success
  [[ "$(cat "$DOKKU_LIB_ROOT/config/traefik/$APP/labels")" == "b.label=two" ]]
  run deploy_args "$APP"
  assert_output_contains "a.label" 0
  assert_line "b.label=two"
  assert_line "traefik.enable=true"
  run dokku traefik:labels:add "$APP" only.name
  assert_failure
  assert_output " !     Please specify a value for the container label"
  run dokku traefik:labels:remove "$APP"
  assert_failure
  assert_output " !     Please specify a container label for the app"
  run dokku traefik:labels:show does-not-exist
  assert_failure 20
  # the labels files are per proxy: caddy's file is not traefik's
  run dokku caddy:labels:show "$APP"
  assert_output " !     No caddy labels set for $APP"
}

@test "(standin proxies) haproxy and openresty apps get their labels" {
  require_docker
  new_app hp haproxy
  dokku haproxy:labels:add "$APP" haproxy.extra yes
  deploy_quiet "$APP"
  run labels_of "$APP.web.1"
  assert_line "haproxy.$APP-web.localport=5000"
  assert_line "haproxy.$APP-web.mode=http"
  assert_line "haproxy.$APP-web.port=80"
  assert_line "haproxy.$APP-web.host=$APP.dokku.me"
  assert_line "haproxy.$APP-web.redirect_ssl=false"
  assert_line "haproxy.extra=yes"
  assert_output_contains "openresty." 0

  new_app or openresty
  deploy_quiet "$APP"
  grep -q -- "-----> Routing app via openresty" "$BATS_TEST_TMPDIR/deploy.log"
  run labels_of "$APP.web.1"
  assert_line "openresty.domains=$APP.dokku.me"
  assert_line "openresty.port-mapping=http:$APP_PORT:5000"
  assert_line "openresty.letsencrypt=false"
  assert_line "openresty.https-port=443"
  assert_line "openresty.access-log-path=/var/log/nginx/$APP-access.log"
  assert_line "openresty.proxy-busy-buffer-size=$(($(getconf PAGESIZE) / 512))k"
  assert_line 'openresty.x-forwarded-for-value=$remote_addr'
  assert_output_contains "haproxy." 0
  # Dokku gives nginx apps the openresty labels too (not the other way round)
  dokku proxy:set "$APP" nginx >/dev/null
  run deploy_args "$APP"
  assert_line "--label=openresty.domains=$APP.dokku.me"
}

# --- nginx -----------------------------------------------------------------------------------------

@test "(standin proxies) nginx: a deployed app answers through nginx on its proxy port, and after a redeploy" {
  require_docker
  new_app ng
  local src="$BATS_TEST_TMPDIR/second"
  deploy_quiet "$APP"
  grep -q "=====> Triggering early nginx proxy rebuild" "$BATS_TEST_TMPDIR/deploy.log"
  grep -q -- "-----> Configuring $APP.dokku.me...(using built-in template)" "$BATS_TEST_TMPDIR/deploy.log"
  run http_get "$APP_PORT" "$APP.dokku.me"
  assert_success
  assert_output "hello from the app"
  # Dokku's nginx.conf: both listen lines, the app's domain, one upstream per container port
  run dokku nginx:show-config "$APP"
  assert_line "  listen      [::]:$APP_PORT;"
  assert_line "  listen      $APP_PORT;"
  assert_line "  server_name $APP.dokku.me; "
  assert_line "    proxy_pass  http://$APP-5000;"
  assert_line "upstream $APP-5000 {"
  assert_line "  server $(cat "$DOKKU_ROOT/$APP/IP.web.1"):5000;"
  grep -q "\"GET / HTTP/1.1\" 200" "$DOKKU_STANDIN_ROOT/var/log/nginx/$APP-access.log"
  # a redeploy (new container, new address) is served by the new container
  cp -a "$NETWORK_HOST_TESTS_DIR/fixtures/apps/hello" "$src"
  echo "second release" >"$src/www/index.html"
  deploy_quiet "$APP" "$src"
  run http_get "$APP_PORT" "$APP.dokku.me"
  assert_success
  assert_output "second release"
  run dokku nginx:report "$APP" --nginx-computed-proxy-read-timeout
  assert_output "60s"
}

@test "(standin proxies) nginx: a host-mode container is reached on 127.0.0.1" {
  require_docker
  new_app nh
  local container_port
  container_port="$(free_port)"
  dokku network:set "$APP" initial-network host >/dev/null
  dokku ports:set "$APP" "http:$APP_PORT:$container_port" >/dev/null 2>&1
  deploy_quiet "$APP"
  run dokku nginx:show-config "$APP"
  assert_line "  server 127.0.0.1:$container_port;"
  run http_get "$APP_PORT" "$APP.dokku.me"
  assert_success
  assert_output "hello from the app"
}

@test "(standin proxies) nginx: proxy:disable drops the app's nginx.conf, proxy:enable brings it back" {
  require_docker
  new_app nd
  deploy_quiet "$APP"
  run http_get "$APP_PORT" "$APP.dokku.me"
  assert_output "hello from the app"
  run dokku proxy:disable "$APP"
  assert_success
  assert_line "-----> Nginx support is disabled for app ($APP)"
  assert_line "-----> Deleting nginx.conf"
  [[ ! -e "$DOKKU_ROOT/$APP/nginx.conf" && ! -e "$DOKKU_ROOT/$APP/VHOST" ]]
  # as in Dokku, the app restarts (app-restart) and nginx, not reloaded for an app whose proxy is
  # disabled, keeps the old config until its next reload
  run dokku nginx:reload
  assert_success
  run http_get "$APP_PORT" "$APP.dokku.me"
  assert_failure
  run dokku proxy:enable "$APP"
  assert_success
  [[ "$(cat "$DOKKU_ROOT/$APP/VHOST")" == "$APP.dokku.me" ]]
  run http_get "$APP_PORT" "$APP.dokku.me"
  assert_success
  assert_output "hello from the app"
}

@test "(standin proxies) nginx: an app created on Dokku's default http:80 map is rendered but never bound" {
  local app="n80-$(tr -dc 'a-z0-9' </dev/urandom | head -c 8)"
  create_app "$app" >/dev/null 2>&1
  run cat "$DOKKU_ROOT/$app/nginx.conf"
  assert_line "  listen      80;"
  assert_line "    return 502;"
  # the served copy keeps no server block on a privileged port
  run grep -c "listen" "$DOKKU_STANDIN_ROOT/etc/nginx/dokku-apps/$app.conf"
  assert_output "0"
}

@test "(standin proxies) nginx in a --with-user root: the master runs as the dokku user" {
  require_docker
  local line root pid
  line="$("$NETWORK_HOST_TESTS_DIR/dokku/setup" --no-plugin --with-user)"
  root="${line#export DOKKU_STANDIN_ROOT=}"
  echo "$root" >"$BATS_TEST_TMPDIR/user-root"
  export DOKKU_STANDIN_ROOT="$root" DOKKU_ROOT="$root/home/dokku" DOKKU_LIB_ROOT="$root/var/lib/dokku"
  export PLUGIN_PATH="$DOKKU_LIB_ROOT/plugins"
  dokku domains:set-global dokku.me >/dev/null
  new_app nu
  deploy_quiet "$APP"
  run http_get "$APP_PORT" "$APP.dokku.me"
  assert_success
  assert_output "hello from the app"
  pid="$(<"$root/run/nginx.pid")"
  [[ "$(ps -o user= -p "$pid")" == "dokku" ]]
  [[ "$(stat -c %U "$root/var/log/nginx/$APP-access.log")" == "dokku" ]]
  # standin-nginx-stop (what a teardown runs, as root) ends it
  run "$NETWORK_HOST_TESTS_DIR/dokku/plugins/nginx-vhosts/standin-nginx-stop" "$root"
  assert_success
  [[ ! -d "/proc/$pid" && ! -e "$root/run/nginx.pid" ]]
}
