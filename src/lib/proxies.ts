// Pure: what each of Dokku's proxies does with a host-mode container, and what the plugin does about it
// (docs/proxies.md). Gateway-mode containers stay on the bridge, so every proxy keeps working for them.
import type { ProxyRoutes } from './model';

/** ProxyKind is how a proxy finds a host-mode app: directly, through labels the plugin sets, or not at all. */
export type ProxyKind = 'direct' | 'label' | 'impossible' | 'none';

const PROXIES: Record<string, ProxyKind> = {
  // nginx runs on the host; Dokku's network plugin gives it 127.0.0.1 for host-mode containers (plugins/network/network.go).
  nginx: 'direct',
  // caddy-docker-proxy resolves {{upstreams PORT}} to the container's bridge IP, which a host-mode container has not.
  caddy: 'label',
  // traefik's Docker provider falls back to 127.0.0.1 for host-mode containers: inside traefik's own container.
  traefik: 'label',
  // easy-haproxy connects every running container to its network; Docker refuses that for a host-mode container and
  // discovery stops for every app on the host (byjg/docker-easy-haproxy#47).
  haproxy: 'impossible',
  // openresty-docker-proxy writes an empty upstream for a container it finds on no network; nginx then rejects the
  // whole configuration, for every app on the host.
  openresty: 'impossible',
  null: 'none',
};

export const proxyKind = (type: string): ProxyKind => PROXIES[type] ?? 'direct';

/** hostWideBreakers are the apps whose proxy cannot coexist with any host-mode container on the host. */
export const hostWideBreakers = (proxies: { app: string; type: string }[]): { app: string; type: string }[] =>
  proxies.filter((p) => proxyKind(p.type) === 'impossible');

/** caddyLabels point caddy at the bridge address: a later label of the same name wins (Docker keeps the last value). */
export const caddyLabels = (bridgeAddress: string, port: number): string[] => [`--label=caddy.reverse_proxy=${bridgeAddress}:${port}`];

/**
 * traefikLabels give each router traefik-vhosts makes for a host-mode app (routes: model.ts proxyRoutes) a service of
 * the plugin's that points at the bridge address. Traefik >= 3.4 takes a server URL from labels, but not on a service
 * that also has a port (Dokku's have), hence services of our own. The labels go into traefik's labels store
 * (traefik:labels:add), which traefik-vhosts appends after its own labels.
 */
export function traefikLabels(app: string, bridgeAddress: string, routes: ProxyRoutes): Record<string, string> {
  const labels: Record<string, string> = {};
  const service = (port: number): string => {
    const name = port === (routes.http ?? port) ? `${app}-web-host-network` : `${app}-web-https-host-network`;
    labels[`traefik.http.services.${name}.loadbalancer.server.url`] = `http://${bridgeAddress}:${port}`;
    return name;
  };
  if (routes.http !== undefined) labels[`traefik.http.routers.${app}-web-http.service`] = service(routes.http);
  if (routes.https !== undefined) labels[`traefik.http.routers.${app}-web-https.service`] = service(routes.https);
  return labels;
}

/** proxyNote says how the app's proxy reaches it in host mode, for the report and enable's output. */
export function proxyNote(type: string, port: number | undefined, bridgeAddress: string | undefined): string {
  const where = port === undefined ? 'its port' : `port ${port}`;
  switch (proxyKind(type)) {
    case 'direct':
      return `${type} reaches the app at 127.0.0.1 on ${where}`;
    case 'label':
      return `${type} runs in a bridge container: the plugin points it at ${bridgeAddress ?? 'the bridge address'} on ${where}, so the app must listen on all interfaces (or the bridge address) and a firewall must let the bridge reach ${where}`;
    case 'impossible':
      return `${type} cannot reach host-mode containers`;
    case 'none':
      return 'no proxy';
  }
}
