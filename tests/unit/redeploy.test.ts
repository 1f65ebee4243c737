// Tables for redeploy.ts: which way a host-mode web redeploy goes, and the ports map that gives the new container its port.
import { movedLines, ownsMap, planMove, redeployWay, userMap, type MoveInput, type RedeployFacts, type RedeployRecord } from '../../src/lib/redeploy';
import { portMaps } from '../../src/lib/model';
import { resolveConfig } from '../../src/lib/properties';

const host = resolveConfig({ mode: 'host' }, {});
const http = (container: number, host = 80) => ({ scheme: 'http', host, container });
const facts = (over: Partial<RedeployFacts> = {}): RedeployFacts => ({ config: host, scheduler: 'docker-local', checksDisabled: false, webScale: 1, ports: [http(5000)], ...over });
const inputs: { detected: string[]; proxyPort: number; proxySslPort: number; certExists: boolean } = { detected: [], proxyPort: 0, proxySslPort: 0, certExists: false };

describe('redeployWay', () => {
  test.each<[string, Partial<RedeployFacts>, string]>([
    ['host mode, one port: alternate', {}, 'alternate 5000'],
    ['gateway mode: Dokku\'s own', { config: resolveConfig({ mode: 'gateway' }, {}) }, 'dokku'],
    ['web not in host mode: Dokku\'s own', { config: resolveConfig({ mode: 'host', processes: 'worker' }, {}) }, 'dokku'],
    ['k3s: Dokku\'s own (Recreate)', { scheduler: 'k3s' }, 'dokku'],
    ['web scaled to 0: nothing to redeploy', { webScale: 0 }, 'dokku'],
    ['checks disabled: Dokku stops first', { checksDisabled: true }, 'stop-first checks are disabled'],
    ['two container ports', { ports: [http(5000), http(6000, 8080)] }, 'stop-first it listens on more than one container port (5000, 6000)'],
    ['two maps, one container port: alternate', { ports: [http(5000), { scheme: 'https', host: 443, container: 5000 }] }, 'alternate 5000'],
    ['a udp map', { ports: [http(5000), { scheme: 'udp', host: 5000, container: 5000 }] }, 'stop-first its udp map binds port 5000'],
    ['found fixed with this image', { record: { base: 5000, written: [], before: [], binds: 'fixed', fixedPort: 5000, image: 'sha256:a' }, image: 'sha256:a' }, 'stop-first its web container listens on port 5000 whatever PORT says'],
    ['found fixed with another image: tried again', { record: { base: 5000, written: [], before: [], binds: 'fixed', fixedPort: 5000, image: 'sha256:a' }, image: 'sha256:b' }, 'alternate 5000'],
    ['found fixed on another base (ports:set since): tried again', { record: { base: 4000, written: [], before: [], binds: 'fixed', fixedPort: 4000 } }, 'alternate 5000'],
    ['the report of a moved map: the base is the user\'s', { ports: [http(5001)], base: 5000 }, 'alternate 5000'],
  ])('%s', (_name, over, expected) => {
    const way = redeployWay(facts(over));
    const text = way.kind === 'alternate' ? `alternate ${way.base}` : way.kind === 'stop-first' ? `stop-first ${way.why}` : way.kind;
    expect(text).toContain(expected);
  });
});

describe('the stored map', () => {
  const record: RedeployRecord = { base: 5000, written: ['http:80:5001'], before: [], binds: 'port' };
  test('the plugin owns exactly the lines it wrote', () => {
    expect(ownsMap(['http:80:5001'], record)).toBe(true);
    expect(ownsMap(['http:80:5002'], record)).toBe(false);
    expect(ownsMap([], { ...record, written: [] })).toBe(false);
  });
  test('the user\'s map stands behind the plugin\'s lines; a map the user wrote since is theirs', () => {
    expect(userMap(['http:80:5001'], record)).toEqual([]);
    expect(userMap(['http:80:7000'], record)).toEqual(['http:80:7000']);
  });
  test.each<[string, string[], Partial<typeof inputs>, string[]]>([
    ['the user\'s map', ['http:80:5000', 'https:443:5000'], {}, ['http:80:5001', 'https:443:5001']],
    ['the builder\'s map when the user has none', [], { detected: ['http:3000:3000'] }, ['http:3000:3001']],
    ['Dokku\'s default with the proxy port', [], { proxyPort: 8080 }, ['http:8080:5001']],
    ['other container ports untouched, sorted as Dokku stores them', ['udp:53:53 http:80:5000'], {}, ['http:80:5001', 'udp:53:53']],
  ])('movedLines: %s', (_name, user, over, expected) => {
    const from = over.detected ? 3000 : 5000;
    expect(movedLines(user, { ...inputs, ...over }, from, from + 1)).toEqual(expected);
  });
});

describe('planMove', () => {
  const alternate = { kind: 'alternate' as const, base: 5000 };
  const move = (over: Partial<MoveInput>) => planMove({ way: alternate, stored: [], inputs, held: () => false, ...over });
  test('nothing serves with host networking (first host-mode deploy): the user\'s port, nothing written', () => {
    expect(move({ serving: undefined })).toEqual({ kind: 'fresh', map: undefined });
  });
  test('serving on the base port: the new container gets the next one, the map says so, the record keeps what it replaced', () => {
    const m = move({ serving: 5000, stored: ['http:80:5000'] });
    expect(m).toMatchObject({ kind: 'alternate', from: 5000, to: 5001, map: ['http:80:5001'], record: { base: 5000, written: ['http:80:5001'], before: ['http:80:5000'] } });
    expect(portMaps({ ...inputs, map: (m as { map: string[] }).map })[0]).toEqual(http(5001));
  });
  test('serving on the second port: back to the base, the user\'s own map restored (none: the file goes)', () => {
    const record: RedeployRecord = { base: 5000, written: ['http:80:5001'], before: [], binds: 'port' };
    expect(move({ serving: 5001, stored: ['http:80:5001'], record })).toMatchObject({ kind: 'alternate', from: 5001, to: 5000, map: null, record: { written: [], before: [] } });
  });
  test('the other port is held by another program: stop-first, naming it', () => {
    expect(move({ serving: 5000, held: (p) => p === 5001 })).toEqual({ kind: 'stop-first', why: 'port 5001, the other port of its pair (5000, 5001), is held by another program' });
  });
  test('the user moved the app (ports:set 7000) while it serves on 5001: straight to 7000, no move of the plugin\'s', () => {
    const record: RedeployRecord = { base: 5000, written: ['http:80:5001'], before: [], binds: 'port' };
    expect(move({ way: { kind: 'alternate', base: 7000 }, serving: 5001, stored: ['http:80:7000'], record })).toMatchObject({ kind: 'alternate', from: 5001, to: 7000, map: ['http:80:7000'], record: { base: 7000, written: [] } });
  });
  test('stop-first and Dokku\'s own write nothing', () => {
    expect(move({ way: { kind: 'stop-first', why: 'x' }, serving: 5000 })).toEqual({ kind: 'stop-first', why: 'x' });
    expect(move({ way: { kind: 'dokku' }, serving: 5000 })).toEqual({ kind: 'dokku' });
  });
});
