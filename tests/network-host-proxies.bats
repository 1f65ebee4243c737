#!/usr/bin/env bats
# Host mode next to Dokku's proxies (docs/proxies.md), the datastore links and Dokku in Docker, through the
# stand-in's proxy layer (a real nginx; the label proxies' labels without their containers), and the data path the
# label fixes rely on, with real containers on the default bridge (where caddy and traefik run).
load test_helper

setup_file() {
  setup_dokku
  dokku domains:set-global dokku.me >/dev/null
}
teardown_file() { teardown_dokku; }
setup() {
  create_app >/dev/null
  PORT=$(free_port)
  dokku ports:set "$TEST_APP" "http:80:$PORT" >/dev/null
}
teardown() {
  destroy_app >/dev/null 2>&1 || true
  dokku traefik:set --global letsencrypt-email >/dev/null 2>&1 || true
  for app in shop shop-2; do dokku --force apps:destroy "$app" >/dev/null 2>&1 || true; done
}

# label NAME: the value Docker keeps for a label of the app's web container (the last one given)
label() { "$DOCKER_BIN" inspect -f "{{ index .Config.Labels \"$1\" }}" "$(<"$DOKKU_ROOT/$TEST_APP/CONTAINER.web.1")"; }
from_bridge() { "$DOCKER_BIN" container run --rm "$NETWORK_HOST_TEST_IMAGE" timeout 3 wget -qO- "$1"; }

@test "(proxies) nginx reaches a host-mode app at 127.0.0.1: the request goes through the proxy" {
  require_docker
  local proxy_port
  proxy_port=$(free_port)
  dokku ports:set "$TEST_APP" "http:$proxy_port:$PORT" >/dev/null
  dokku network-host:enable "$TEST_APP" --no-rebuild
  deploy_app "$TEST_APP" >/dev/null
  run curl -fsS -H "Host: $TEST_APP.dokku.me" "http://127.0.0.1:$proxy_port/"
  assert_output "hello from the app"
  run dokku network-host:report "$TEST_APP" --network-host-proxy
  assert_output "nginx reaches the app at 127.0.0.1 on port $PORT"
  # and again after a redeploy (on the other port of its pair)
  deploy_app "$TEST_APP" >/dev/null
  run curl -fsS -H "Host: $TEST_APP.dokku.me" "http://127.0.0.1:$proxy_port/"
  assert_output "hello from the app"
}

@test "(proxies) caddy: the web container's caddy.reverse_proxy points at the bridge address; gateway mode keeps Dokku's" {
  require_docker
  dokku proxy:set "$TEST_APP" caddy >/dev/null
  run dokku network-host:enable "$TEST_APP" --no-rebuild
  assert_success
  assert_output --partial "caddy runs in a bridge container: the plugin points it at $(docker0_ip) on port $PORT"
  assert_output --partial "ufw allow in on docker0 to any port $PORT proto tcp"
  deploy_app "$TEST_APP" >/dev/null
  run label caddy.reverse_proxy
  assert_output "$(docker0_ip):$PORT"
  run label caddy
  assert_output "$TEST_APP.dokku.me:80"
  dokku network-host:gateway "$TEST_APP" >/dev/null
  run label caddy.reverse_proxy
  assert_output "{{ upstreams $PORT }}"
}

@test "(proxies) caddy: an app without a site (domains disabled) gets no caddy label at all: a lone one would be a global option for every app" {
  require_docker
  dokku proxy:set "$TEST_APP" caddy >/dev/null
  dokku domains:disable "$TEST_APP" >/dev/null
  dokku network-host:enable "$TEST_APP" --no-rebuild >/dev/null
  deploy_app "$TEST_APP" >/dev/null
  run "$DOCKER_BIN" inspect -f '{{ range $k, $v := .Config.Labels }}{{ $k }} {{ end }}' "$(<"$DOKKU_ROOT/$TEST_APP/CONTAINER.web.1")"
  refute_output --partial "caddy"
  dokku domains:enable "$TEST_APP" >/dev/null
  deploy_app "$TEST_APP" >/dev/null
  run label caddy.reverse_proxy
  assert_output "$(docker0_ip):$PORT"
}

@test "(proxies) traefik with a letsencrypt email: the https router traefik-vhosts makes from the http map is repointed too" {
  require_docker
  dokku proxy:set "$TEST_APP" traefik >/dev/null
  dokku traefik:set --global letsencrypt-email ops@dokku.me >/dev/null
  dokku network-host:enable "$TEST_APP" --no-rebuild >/dev/null
  deploy_app "$TEST_APP" >/dev/null
  run label "traefik.http.routers.$TEST_APP-web-https.service"
  assert_output "$TEST_APP-web-host-network"
  run label "traefik.http.routers.$TEST_APP-web-http.service"
  assert_output "$TEST_APP-web-host-network"
}

@test "(proxies) traefik: a service of its own in traefik's labels store, kept in step, removed on disable; the user's labels stay" {
  require_docker
  dokku proxy:set "$TEST_APP" traefik >/dev/null
  dokku traefik:labels:add "$TEST_APP" traefik.http.middlewares.mine.headers.customrequestheaders.X-Mine yes >/dev/null
  dokku network-host:enable "$TEST_APP" --no-rebuild
  run dokku traefik:labels:show "$TEST_APP"
  assert_output --partial "traefik.http.services.$TEST_APP-web-host-network.loadbalancer.server.url=http://$(docker0_ip):$PORT"
  assert_output --partial "traefik.http.routers.$TEST_APP-web-http.service=$TEST_APP-web-host-network"
  deploy_app "$TEST_APP" >/dev/null
  run label "traefik.http.routers.$TEST_APP-web-http.service"
  assert_output "$TEST_APP-web-host-network"
  run label "traefik.http.services.$TEST_APP-web-host-network.loadbalancer.server.url"
  assert_output "http://$(docker0_ip):$PORT"
  # a new port: the next deploy points traefik at it before any container is created
  local moved
  moved=$(free_port)
  dokku ports:set "$TEST_APP" "http:80:$moved" >/dev/null
  deploy_app "$TEST_APP" >/dev/null
  run label "traefik.http.services.$TEST_APP-web-host-network.loadbalancer.server.url"
  assert_output "http://$(docker0_ip):$moved"
  dokku network-host:disable "$TEST_APP" --no-rebuild
  run dokku traefik:labels:show "$TEST_APP"
  assert_output --partial "traefik.http.middlewares.mine.headers.customrequestheaders.X-Mine=yes"
  refute_output --partial "host-network"
}

@test "(proxies) from the default bridge, a host-mode app is reached at the bridge address; one bound to 127.0.0.1 is not" {
  require_docker
  local all loopback
  all=$(free_port)
  loopback=$(free_port)
  host_service_start 0.0.0.0 "$all" "all interfaces"
  host_service_start 127.0.0.1 "$loopback" "loopback only"
  run from_bridge "http://$(docker0_ip):$all/"
  assert_output "all interfaces"
  run from_bridge "http://$(docker0_ip):$loopback/"
  assert_failure
  host_service_stop_all
}

@test "(proxies) haproxy or openresty anywhere on the host: host mode is refused for every app, with the reason and the gateway alternative" {
  for type in haproxy openresty; do
    dokku apps:create shop >/dev/null
    dokku proxy:set shop "$type" >/dev/null
    run dokku network-host:enable "$TEST_APP"
    assert_failure
    assert_output --partial "The $type proxy (used by shop) breaks for every app on this host as soon as one container shares the host's network"
    assert_output --partial "dokku network-host:gateway $TEST_APP"
    run dokku network-host:set "$TEST_APP" mode host
    assert_failure
    run dokku network-host:set --global mode host
    assert_failure
    assert_output --partial "$type proxy"
    run dokku network-host:gateway "$TEST_APP" --no-rebuild
    assert_success
    dokku network-host:disable "$TEST_APP" --no-rebuild >/dev/null
    dokku --force apps:destroy shop >/dev/null
  done
}

@test "(proxies) switching another app to haproxy while a host-mode app exists: check says so, the next deploy and dokku run are refused" {
  require_docker
  dokku network-host:enable "$TEST_APP" --no-rebuild
  deploy_app "$TEST_APP" >/dev/null
  dokku apps:create shop-2 >/dev/null
  dokku proxy:set shop-2 haproxy >/dev/null
  run dokku network-host:check "$TEST_APP"
  assert_failure
  assert_output --partial "Problem:       The haproxy proxy (used by shop-2)"
  run dokku ps:restart "$TEST_APP"
  assert_failure
  assert_output --partial "The deploy of $TEST_APP is refused by network-host"
  run dokku run "$TEST_APP" true
  assert_failure
  assert_output --partial "The run of $TEST_APP is refused by network-host"
  assert_output --partial "haproxy proxy (used by shop-2)"
}

@test "(proxies) a datastore link: the specific message and both fixes at enable; gateway mode keeps the link" {
  dokku docker-options:add "$TEST_APP" build,deploy,run "--link dokku.redis.cache:dokku-redis-cache"
  run dokku network-host:enable "$TEST_APP"
  assert_failure
  assert_output --partial "$TEST_APP is linked to the redis service cache (--link dokku.redis.cache:dokku-redis-cache); Docker cannot combine links with host networking"
  assert_output --partial "dokku redis:expose cache <port>, then dokku redis:unlink cache $TEST_APP"
  run dokku network-host:gateway "$TEST_APP" --no-rebuild
  assert_success
}

@test "(proxies) exposure: enable says the app listens on the host's interfaces, with the fix; check sees the open port" {
  require_docker
  run dokku network-host:enable "$TEST_APP" --no-rebuild
  assert_output --partial "With host networking $TEST_APP listens on this host's interfaces at port $PORT, reachable from outside past the proxy, TLS and basic-auth unless a firewall blocks it. Fix: make the app listen on 127.0.0.1 (nginx connects there), or block the port: ufw deny $PORT/tcp"
  deploy_app "$TEST_APP" >/dev/null
  run dokku network-host:check "$TEST_APP"
  assert_output --partial "Port $PORT is open on every interface of this host right now"
}

@test "(Dokku in Docker) host mode is refused with the reason; gateway mode reaches the Docker host" {
  cp "$DOKKU_STANDIN_ROOT/etc/default/dokku" "$BATS_TEST_TMPDIR/default"
  # what the dokku/dokku image's init writes (docker/etc/my_init.d/10_dokku_init)
  printf 'export DOKKU_HOST_ROOT=/var/lib/dokku/home/dokku\n' >>"$DOKKU_STANDIN_ROOT/etc/default/dokku"
  run dokku network-host:enable "$TEST_APP"
  local status_enable=$status output_enable=$output
  run dokku network-host:gateway "$TEST_APP" --no-rebuild
  cp "$BATS_TEST_TMPDIR/default" "$DOKKU_STANDIN_ROOT/etc/default/dokku"
  assert_success
  [[ $status_enable -ne 0 ]]
  [[ "$output_enable" == *"Dokku runs inside a container here (the dokku/dokku image)"*"dokku network-host:gateway $TEST_APP"* ]]
}
