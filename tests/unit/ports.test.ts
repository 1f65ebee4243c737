// Dokku's port rule (plugins/ports: TriggerPortsGet, getDetectedPortMaps) and the label proxies' routes over it
// (caddy-vhosts' and traefik-vhosts' docker-args-process-deploy), as tables.
import { portMaps, proxyRoutes, type PortInputs, type PortMap } from '../../src/lib/model';

const inputs = (overrides: Partial<PortInputs>): PortInputs => ({ map: [], detected: [], proxyPort: 0, proxySslPort: 0, certExists: false, ...overrides });
const text = (maps: PortMap[]): string => maps.map((m) => `${m.scheme}:${m.host}:${m.container}`).join(' ');

test.each([
  ['nothing recorded (nixpacks, railpack, never built): the default', inputs({}), 'http:80:5000'],
  ['the default honours the proxy port', inputs({ proxyPort: 8080 }), 'http:8080:5000'],
  ['the stored map wins over the detected one', inputs({ map: ['http:80:3000'], detected: ['http:5000:5000'] }), 'http:80:3000'],
  ['the detected map (EXPOSE 5000)', inputs({ detected: ['http:5000:5000'] }), 'http:5000:5000'],
  ['a certificate adds https for each http:80 map', inputs({ certExists: true }), 'http:80:5000 https:443:5000'],
  ['with the proxy ssl port', inputs({ certExists: true, proxySslPort: 8443 }), 'http:80:5000 https:8443:5000'],
  ['no http:80 map: the http maps turn https', inputs({ certExists: true, detected: ['http:5000:5000', 'udp:53:53'] }), 'https:5000:5000 udp:53:53'],
  ['a stored map is never extended by a certificate', inputs({ certExists: true, map: ['http:80:5000'] }), 'http:80:5000'],
  ['one map per scheme and host port, internal maps dropped', inputs({ map: ['http:80:5000', 'http:80:6000', '8080', 'https:443:5000'] }), 'http:80:5000 https:443:5000'],
  ['the first malformed word ends the list', inputs({ map: ['http:80:5000', 'http:x:1', 'https:443:5000'] }), 'http:80:5000'],
])('ports-get: %s', (_name, given, expected) => {
  expect(text(portMaps(given))).toBe(expected);
});

const maps = (...words: string[]): PortMap[] => portMaps(inputs({ map: words }));
const vhost = (overrides: Partial<{ enabled: boolean; domains: string[]; letsencrypt: boolean }> = {}) => ({ enabled: true, domains: ['api.example.com'], letsencrypt: false, ...overrides });

test.each([
  ['http only', maps('http:80:5000'), vhost(), { http: 5000, https: undefined, caddy: 5000 }],
  ['http and https', maps('http:80:5000', 'https:443:5001'), vhost(), { http: 5000, https: 5001, caddy: 5000 }],
  ['letsencrypt without an https map: https goes to the http port', maps('http:80:5000'), vhost({ letsencrypt: true }), { http: 5000, https: 5000, caddy: 5000 }],
  ['letsencrypt prefers https:443, and caddy then serves https', maps('http:80:5000', 'https:443:5001'), vhost({ letsencrypt: true }), { http: 5000, https: 5001, caddy: 5001 }],
  ['no http:80: the first http map', maps('http:8080:3000', 'http:8081:3001'), vhost(), { http: 3000, https: undefined, caddy: 3000 }],
  ['no domains: traefik still routes, caddy makes no site', maps('http:80:5000'), vhost({ domains: [] }), { http: 5000, https: undefined, caddy: undefined }],
  ['vhost disabled: no route at all', maps('http:80:5000'), vhost({ enabled: false }), {}],
])('proxy routes: %s', (_name, ports, given, expected) => {
  expect(proxyRoutes(ports, given)).toEqual(expected);
});
