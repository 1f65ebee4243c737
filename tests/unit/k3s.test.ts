// The k3s Kustomize component: its files, the kustomization edits, the effects on a kustomize root, and what
// `kubectl kustomize` (the kustomize Dokku's k3s scheduler links, run the way helm.go KustomizeRenderer runs it:
// LoadRestrictionsNone) renders from tests/fixtures/k3s/rendered.yaml with it.
import { execFileSync } from 'child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parse, parseAllDocuments } from 'yaml';
import { COMPONENT, componentFiles, isOwnMinimal, withComponent, withoutComponent, type PodNetworking } from '../../src/lib/k3s';
import { installComponent, installedComponent, kustomizationFile, kustomizeRoots, RECORD, releaseMissingMarker, removeComponent } from '../../src/lib/k3s-files';
import { removePath } from '../../src/lib/store';

const FIXTURE = join(__dirname, '..', 'fixtures', 'k3s', 'rendered.yaml');
const APP = 'fixture-app';

const host: PodNetworking = { app: APP, mode: 'host', aliases: [] };
const hostPinned: PodNetworking = { ...host, node: 'dokku-server' };
const gateway: PodNetworking = { app: APP, mode: 'gateway', aliases: ['host.docker.internal', 'db.internal'], address: '10.0.0.5' };
const gatewayPinned: PodNetworking = { ...gateway, node: 'dokku-server' };

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'k3s-test-'));
});
afterEach(() => removePath(scratch));

// ---------------------------------------------------------------------------------------------------------------------
describe('componentFiles', () => {
  const files = (input: PodNetworking) => Object.fromEntries(Object.entries(componentFiles(input)).map(([name, text]) => [name, parse(text)]));

  test.each([
    ['host', host, ['cronjob.yaml', 'deployment.yaml', 'kustomization.yaml']],
    ['host pinned', hostPinned, ['cronjob.yaml', 'deployment.yaml', 'kustomization.yaml']],
    ['gateway', gateway, ['cronjob.yaml', 'deployment.yaml', 'kustomization.yaml', 'values.yaml']],
  ])('%s: a Component with one patch per kind, targeted by the chart labels', (_, input, names) => {
    const out = files(input);
    expect(Object.keys(out).sort()).toEqual(names);
    const k = out['kustomization.yaml'];
    expect(k.kind).toBe('Component');
    expect(k.patches).toEqual([
      { path: 'deployment.yaml', target: { group: 'apps', version: 'v1', kind: 'Deployment', labelSelector: 'app.kubernetes.io/part-of=fixture-app' } },
      {
        path: 'cronjob.yaml',
        target: { group: 'batch', version: 'v1', kind: 'CronJob', labelSelector: 'app.kubernetes.io/part-of=fixture-app,app.kubernetes.io/name=cron' },
      },
    ]);
    expect(k.resources).toEqual(names.includes('values.yaml') ? ['values.yaml'] : undefined);
  });

  test('host mode: host network, cluster DNS, Recreate; no pin without a node', () => {
    const out = files(host);
    expect(out['deployment.yaml'].spec).toEqual({
      strategy: { type: 'Recreate', rollingUpdate: null },
      template: { spec: { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' } },
    });
    expect(out['cronjob.yaml'].spec).toEqual({ jobTemplate: { spec: { template: { spec: { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' } } } } });
  });

  test('a node pins both kinds and tolerates the --taint-scheduling taint', () => {
    const out = files(hostPinned);
    expect(out['deployment.yaml'].spec.template.spec.nodeSelector).toEqual({ 'kubernetes.io/hostname': 'dokku-server' });
    expect(out['cronjob.yaml'].spec.jobTemplate.spec.template.spec.nodeSelector).toEqual({ 'kubernetes.io/hostname': 'dokku-server' });
    const toleration = [{ key: 'CriticalAddonsOnly', operator: 'Exists', effect: 'NoSchedule' }];
    expect(out['deployment.yaml'].spec.template.spec.tolerations).toEqual(toleration);
    expect(out['cronjob.yaml'].spec.jobTemplate.spec.template.spec.tolerations).toEqual(toleration);
  });

  test('gateway mode: hostAliases to the literal address, HOST_IP from the downward API, no host network', () => {
    const out = files(gateway);
    expect(out['deployment.yaml'].spec).toEqual({ template: { spec: { hostAliases: [{ ip: '10.0.0.5', hostnames: ['host.docker.internal', 'db.internal'] }] } } });
    expect(out['values.yaml'].metadata.annotations).toEqual({ 'config.kubernetes.io/local-config': 'true' });
    expect(out['values.yaml'].data).toEqual({ hostIPField: 'status.hostIP' });
    const paths = out['kustomization.yaml'].replacements.flatMap((r: { targets: Array<{ fieldPaths: string[] }> }) => r.targets.flatMap((t) => t.fieldPaths));
    expect(paths).toEqual([
      'spec.template.spec.containers.*.env.[name=HOST_IP].valueFrom.fieldRef.fieldPath',
      'spec.jobTemplate.spec.template.spec.containers.*.env.[name=HOST_IP].valueFrom.fieldRef.fieldPath',
    ]);
  });

  test('the output depends only on the input', () => {
    expect(componentFiles(gatewayPinned)).toEqual(componentFiles({ ...gatewayPinned }));
    expect(componentFiles(host)).not.toEqual(componentFiles(hostPinned));
  });

  test.each([
    ['an app name that is no label value', { ...host, app: 'Bad_App' }, /App name/],
    ['an app name with a line break', { ...host, app: 'a\nb' }, /App name/],
    ['an unknown mode', { ...host, mode: 'off' as 'host' }, /Mode must be/],
    ['gateway to host-gateway', { ...gateway, address: 'host-gateway' }, /literal gateway IP/],
    ['gateway without aliases', { ...gateway, aliases: [] }, /At least one alias/],
    ['an alias that is no host name', { ...gateway, aliases: ['bad alias'] }, /not a valid host name/],
    ['a node name with YAML in it', { ...host, node: 'x\n  hostPID: true' }, /Node name/],
    ['a node name longer than a label value', { ...host, node: 'n'.repeat(64) }, /Node name/],
  ])('refuses %s', (_, input, message) => {
    expect(() => componentFiles(input as PodNetworking)).toThrow(message);
  });

  test('gateway mode without an address (no pinned node, gateway-ip host-gateway): HOST_IP only, no host entries', () => {
    const out = files({ ...gateway, address: undefined });
    expect(out['deployment.yaml'].spec).toEqual({ template: { spec: {} } });
    expect(out['cronjob.yaml'].spec).toEqual({ jobTemplate: { spec: { template: { spec: {} } } } });
    expect(out['kustomization.yaml'].replacements).toEqual(files(gateway)['kustomization.yaml'].replacements);
  });

  test('processes: one Deployment patch per process, selected by the chart\'s name label; CronJobs as before', () => {
    const k = files({ ...host, processes: ['clock', 'worker'] })['kustomization.yaml'];
    expect(k.patches.map((p: { target: { kind: string; labelSelector: string } }) => `${p.target.kind} ${p.target.labelSelector}`)).toEqual([
      'Deployment app.kubernetes.io/part-of=fixture-app,app.kubernetes.io/name=clock',
      'Deployment app.kubernetes.io/part-of=fixture-app,app.kubernetes.io/name=worker',
      'CronJob app.kubernetes.io/part-of=fixture-app,app.kubernetes.io/name=cron',
    ]);
    const g = files({ ...gateway, processes: ['worker'] })['kustomization.yaml'];
    expect(g.replacements[0].targets.map((t: { select: { labelSelector: string } }) => t.select.labelSelector)).toEqual([
      'app.kubernetes.io/part-of=fixture-app,app.kubernetes.io/name=worker',
      'app.kubernetes.io/part-of=fixture-app,app.kubernetes.io/name=cron',
    ]);
    expect(componentFiles({ ...host, processes: ['worker'] })['deployment.yaml']).toMatch(/^# Written by the dokku network-host plugin \(app fixture-app, mode host, processes worker\)/);
  });

  test('a process type that is no label value is refused', () => {
    expect(() => componentFiles({ ...host, processes: ['worker\n  hostPID: true'] })).toThrow(/Process type/);
  });

  test('an IPv6 gateway address is accepted', () => {
    expect(parse(componentFiles({ ...gateway, address: 'fd00::1' })['deployment.yaml']!).spec.template.spec.hostAliases[0].ip).toBe('fd00::1');
  });
});

// ---------------------------------------------------------------------------------------------------------------------
describe('withComponent / withoutComponent', () => {
  // [user file, with the plugin's entry]; withoutComponent must give the user file back byte for byte
  const roundTrips: Array<[string, string, string]> = [
    ['no components key', 'resources:\n- rendered.yaml\n', 'resources:\n- rendered.yaml\ncomponents:\n- network-host\n'],
    ['no final newline', 'resources:\n- rendered.yaml', 'resources:\n- rendered.yaml\ncomponents:\n- network-host'],
    ['CRLF line endings', 'resources:\r\n- rendered.yaml\r\n', 'resources:\r\n- rendered.yaml\r\ncomponents:\r\n- network-host\r\n'],
    [
      'comments and an indented block list',
      '# mine\nresources:\n  - rendered.yaml # chart\ncomponents:\n  - ./base-tweaks # keep\n# tail\npatches: []\n',
      '# mine\nresources:\n  - rendered.yaml # chart\ncomponents:\n  - ./base-tweaks # keep\n  - network-host\n# tail\npatches: []\n',
    ],
    ['a flow list', 'resources: [rendered.yaml]\ncomponents: [a, "b"]\n', 'resources: [rendered.yaml]\ncomponents: [a, "b", network-host]\n'],
    ['an empty file', '', 'components:\n- network-host\n'],
    ['comments only', '# nothing yet\n', '# nothing yet\ncomponents:\n- network-host\n'],
  ];

  test.each(roundTrips)('%s: adds the entry, and removing it restores the file exactly', (_, user, withEntry) => {
    expect(withComponent(user)).toBe(withEntry);
    expect(withoutComponent(withEntry)).toBe(user);
  });

  test.each(roundTrips)('%s: adding twice changes nothing', (_, user) => {
    const once = withComponent(user);
    expect(withComponent(once)).toBe(once);
  });

  test.each([
    ['an empty components key', 'resources: [rendered.yaml]\ncomponents:\nkind: Kustomization\n', 'resources: [rendered.yaml]\ncomponents:\n- network-host\nkind: Kustomization\n'],
    ['an empty key with a comment', 'components: # none yet\n', 'components: # none yet\n- network-host\n'],
    ['an empty flow list', 'components: []\nresources: [rendered.yaml]\n', 'components:\n- network-host\nresources: [rendered.yaml]\n'],
  ])('%s: filled in; removal drops the emptied key', (_, user, withEntry) => {
    const added = withComponent(user);
    expect(added).toBe(withEntry);
    const removed = withoutComponent(added);
    const rest = Object.fromEntries(Object.entries(parse(user) ?? {}).filter(([key]) => key !== 'components'));
    expect(parse(removed) ?? {}).toEqual(rest);
  });

  test.each([
    ['./network-host', 'components:\n- ./network-host\n'],
    ['network-host/', 'components:\n- network-host/\n'],
    ['a quoted entry', 'components: ["network-host"]\n'],
  ])('an entry spelled %s counts as present', (_, text) => {
    expect(withComponent(text)).toBe(text);
  });

  test('the entry leaves other entries and their order alone', () => {
    expect(withoutComponent('components:\n- a\n- network-host\n- b\n')).toBe('components:\n- a\n- b\n');
    expect(withoutComponent('components: [network-host, b]\n')).toBe('components: [b]\n');
    expect(withoutComponent('components: [a, network-host]\n')).toBe('components: [a]\n');
    expect(withoutComponent('components: [network-host]\nresources: [rendered.yaml]\n')).toBe('resources: [rendered.yaml]\n');
  });

  test('without the entry, withoutComponent changes nothing', () => {
    for (const text of ['resources: [rendered.yaml]\n', 'components:\n- network-host-extra\n', 'components: x\n', '']) expect(withoutComponent(text)).toBe(text);
  });

  test('shapes a splice cannot take go through the YAML document, comments kept', () => {
    const flowTop = '# top\n{resources: [rendered.yaml]}\n';
    expect(parse(withComponent(flowTop))).toEqual({ resources: ['rendered.yaml'], components: [COMPONENT] });
    expect(withComponent(flowTop)).toContain('# top');
    const indented = '  resources:\n    - rendered.yaml\n';
    expect(parse(withComponent(indented))).toEqual({ resources: ['rendered.yaml'], components: [COMPONENT] });
    expect(parse(withoutComponent(withComponent(indented)))).toEqual({ resources: ['rendered.yaml'] });
    const twice = 'components:\n- network-host\n- keep # mine\n- ./network-host\n';
    expect(parse(withoutComponent(twice))).toEqual({ components: ['keep'] });
    expect(withoutComponent(twice)).toContain('# mine');
  });

  test.each([
    ['invalid YAML', 'resources: [rendered.yaml\n', /not valid YAML/],
    ['a list at the top', '- rendered.yaml\n', /not a YAML mapping/],
    ['two documents', 'a: 1\n---\nb: 2\n', /not valid YAML/],
  ])('refuses %s', (_, text, message) => {
    expect(() => withComponent(text)).toThrow(message);
    expect(() => withoutComponent(text)).toThrow(message);
  });

  test("undefined gives the plugin's minimal kustomization over rendered.yaml", () => {
    expect(parse(withComponent(undefined))).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: ['rendered.yaml'],
      components: [COMPONENT],
    });
  });

  test.each([
    ['the minimal file', withComponent(undefined), true],
    ['the minimal file without its entry', withoutComponent(withComponent(undefined)), true],
    ['the minimal file reformatted', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [rendered.yaml]\ncomponents: [network-host]\n', true],
    ['a user patch added', `${withComponent(undefined)}patches:\n- path: mine.yaml\n`, false],
    ['another component', withComponent(undefined).replace('- network-host', '- network-host\n  - other'), false],
    ['a user file', 'resources:\n- rendered.yaml\n', false],
    ['not YAML', '{', false],
  ])('isOwnMinimal: %s → %s', (_, text, expected) => {
    expect(isOwnMinimal(text)).toBe(expected);
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// A directory tree as { relative path: text }, for before/after comparisons.
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  const walk = (sub: string) => {
    for (const name of readdirSync(join(dir, sub)).sort()) {
      const rel = sub ? `${sub}/${name}` : name;
      if (statSync(join(dir, rel)).isDirectory()) {
        out[`${rel}/`] = '';
        walk(rel);
      } else out[rel] = readFileSync(join(dir, rel), 'utf8');
    }
  };
  walk('');
  return out;
}

function userRoot(files: Record<string, string>): string {
  const root = join(scratch, 'root');
  mkdirSync(root, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, name), text);
  return root;
}

describe('installComponent / removeComponent', () => {
  test('a root without a kustomization gets the minimal one; removal deletes it again', () => {
    const root = userRoot({ 'rendered.yaml': 'x: 1\n' });
    const before = snapshot(root);
    const written = installComponent(root, host);
    expect(kustomizationFile(root)).toBe('kustomization.yaml');
    expect(readFileSync(join(root, 'kustomization.yaml'), 'utf8')).toBe(withComponent(undefined));
    expect(Object.keys(snapshot(join(root, COMPONENT))).sort()).toEqual([RECORD, ...Object.keys(componentFiles(host))].sort());
    expect(written).toEqual(expect.arrayContaining([join(root, COMPONENT), join(root, 'kustomization.yaml'), join(root, COMPONENT, 'deployment.yaml')]));
    removeComponent(root);
    expect(snapshot(root)).toEqual(before);
  });

  test('a missing root is created with its parents, and removed with the rendered.yaml Dokku put there', () => {
    const data = join(scratch, 'data', 'scheduler-k3s', APP);
    const root = join(data, 'kustomization');
    const written = installComponent(root, gateway);
    // every directory it made is returned, parents first, for the caller to chown
    expect(written.slice(0, 4)).toEqual([join(scratch, 'data'), join(scratch, 'data', 'scheduler-k3s'), data, root]);
    expect(statSync(root).mode & 0o777).toBe(0o755);
    expect(statSync(join(root, COMPONENT, 'kustomization.yaml')).mode & 0o777).toBe(0o600);
    writeFileSync(join(root, 'rendered.yaml'), 'kind: Whatever\n');
    removeComponent(root);
    expect(existsSync(root)).toBe(false);
    expect(existsSync(data)).toBe(true);
  });

  test.each(['kustomization.yaml', 'kustomization.yml', 'Kustomization'])("the user's %s is edited in place and restored exactly", (name) => {
    const user = '# my overlay\nresources:\n  - rendered.yaml\npatches:\n  - path: replicas.yaml # three webs\n';
    const root = userRoot({ [name]: user, 'replicas.yaml': 'x: 1\n' });
    chmodSync(join(root, name), 0o640);
    const before = snapshot(root);
    installComponent(root, hostPinned);
    expect(readFileSync(join(root, name), 'utf8')).toBe(withComponent(user));
    expect(statSync(join(root, name)).mode & 0o777).toBe(0o640);
    expect(readdirSync(root).filter((f) => /kustomization/i.test(f))).toEqual([name]);
    removeComponent(root);
    expect(snapshot(root)).toEqual(before);
    expect(statSync(join(root, name)).mode & 0o777).toBe(0o640);
  });

  test('idempotent: a second identical install writes nothing', () => {
    const root = userRoot({ 'kustomization.yaml': 'resources: [rendered.yaml]\n' });
    installComponent(root, gatewayPinned);
    const once = snapshot(root);
    expect(installComponent(root, gatewayPinned)).toEqual([]);
    expect(snapshot(root)).toEqual(once);
  });

  test('another input replaces the component, stale files included; removal is still exact', () => {
    const root = userRoot({ 'kustomization.yaml': 'resources: [rendered.yaml]\n' });
    const before = snapshot(root);
    installComponent(root, gatewayPinned);
    installComponent(root, host);
    expect(Object.keys(snapshot(join(root, COMPONENT))).sort()).toEqual([RECORD, 'cronjob.yaml', 'deployment.yaml', 'kustomization.yaml']);
    expect(readFileSync(join(root, COMPONENT, 'deployment.yaml'), 'utf8')).toBe(componentFiles(host)['deployment.yaml']);
    removeComponent(root);
    expect(snapshot(root)).toEqual(before);
  });

  test('a root the plugin created keeps that fact across installs, so removal still deletes it', () => {
    const root = join(scratch, 'new-root');
    installComponent(root, host);
    installComponent(root, gateway);
    removeComponent(root);
    expect(existsSync(root)).toBe(false);
  });

  test('a minimal file the user has since edited is kept, without the entry', () => {
    const root = userRoot({});
    installComponent(root, host);
    const edited = `${readFileSync(join(root, 'kustomization.yaml'), 'utf8')}patches:\n- path: mine.yaml\n`;
    writeFileSync(join(root, 'kustomization.yaml'), edited);
    writeFileSync(join(root, 'mine.yaml'), 'x: 1\n');
    removeComponent(root);
    expect(readFileSync(join(root, 'kustomization.yaml'), 'utf8')).toBe(withoutComponent(edited));
    expect(existsSync(join(root, 'mine.yaml'))).toBe(true);
  });

  test("a network-host directory of the user's is refused and left alone; removal ignores it", () => {
    const root = userRoot({ 'kustomization.yaml': 'resources: [rendered.yaml]\ncomponents: [network-host]\n' });
    mkdirSync(join(root, COMPONENT));
    writeFileSync(join(root, COMPONENT, 'kustomization.yaml'), 'kind: Component\n');
    const before = snapshot(root);
    expect(() => installComponent(root, host)).toThrow(/was not made by the network-host plugin/);
    removeComponent(root);
    expect(snapshot(root)).toEqual(before);
  });

  test('a per-process root is never created: a failed deploy would leave it to break the next one', () => {
    const pidRoot = join(scratch, 'data', 'scheduler-k3s', APP, 'kustomization.4242');
    expect(() => installComponent(pidRoot, host)).toThrow(/Dokku did not extract a kustomize root/);
    expect(existsSync(join(scratch, 'data'))).toBe(false);
  });

  test('removal without an install changes nothing', () => {
    const root = userRoot({ 'kustomization.yaml': 'resources: [rendered.yaml]\n' });
    const before = snapshot(root);
    removeComponent(root);
    removeComponent(join(scratch, 'absent'));
    expect(snapshot(root)).toEqual(before);
  });
});

// ---------------------------------------------------------------------------------------------------------------------
describe('kustomizeRoots (functions.go hasKustomizeDirectory / getProcessSpecificKustomizeRootPath)', () => {
  const data = () => join(scratch, 'data', 'scheduler-k3s', APP);
  const persistent = () => join(data(), 'kustomization');

  test('nothing on disk: no render root; the plugin contributes to the persistent directory', () => {
    expect(kustomizeRoots(scratch, APP, '42')).toEqual({ persistent: persistent(), deploy: undefined, missingMarker: false, pid: '42', render: undefined, target: persistent() });
  });

  test("the deploy's own copy wins over the persistent directory", () => {
    mkdirSync(`${persistent()}.42`, { recursive: true });
    mkdirSync(persistent());
    const roots = kustomizeRoots(scratch, APP, '42');
    expect(roots).toMatchObject({ deploy: `${persistent()}.42`, render: `${persistent()}.42`, target: `${persistent()}.42`, missingMarker: false });
    expect(kustomizeRoots(scratch, APP, '43')).toMatchObject({ deploy: undefined, render: persistent(), target: persistent() });
  });

  test('the .missing marker file Dokku touches does not stop a render from the persistent directory', () => {
    mkdirSync(persistent(), { recursive: true });
    writeFileSync(`${persistent()}.42.missing`, '');
    expect(kustomizeRoots(scratch, APP, '42')).toMatchObject({ missingMarker: true, deploy: undefined, render: persistent(), target: persistent() });
  });

  test('a marker that is a directory disables kustomize, as in Dokku', () => {
    mkdirSync(persistent(), { recursive: true });
    mkdirSync(`${persistent()}.42.missing`);
    expect(kustomizeRoots(scratch, APP, '42')).toMatchObject({ missingMarker: true, render: undefined });
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// Dokku 0.38 tests the marker with DirectoryExists, a fix would test it with FileExists (docs/k3s.md): without a marker
// and a kustomization.<pid>, both checks fall through to the persistent directory, so the plugin removes the marker.
describe('releaseMissingMarker', () => {
  const persistent = () => join(scratch, 'data', 'scheduler-k3s', APP, 'kustomization');
  const marker = () => `${persistent()}.42.missing`;
  test.each<[string, (m: string) => void]>([
    ['the file Dokku touches', (m) => writeFileSync(m, '')],
    ['a directory', (m) => mkdirSync(m)],
  ])('%s is removed when Dokku extracted no root of the app\'s own', (_name, make) => {
    mkdirSync(persistent(), { recursive: true });
    make(marker());
    expect(releaseMissingMarker(kustomizeRoots(scratch, APP, '42'))).toBe(true);
    expect(existsSync(marker())).toBe(false);
    expect(kustomizeRoots(scratch, APP, '42')).toMatchObject({ missingMarker: false, render: persistent(), target: persistent() });
  });
  test("another process's marker, or none, is left alone", () => {
    mkdirSync(persistent(), { recursive: true });
    writeFileSync(`${persistent()}.41.missing`, '');
    expect(releaseMissingMarker(kustomizeRoots(scratch, APP, '42'))).toBe(false);
    expect(existsSync(`${persistent()}.41.missing`)).toBe(true);
  });
  test("with the app's own kustomization.<pid>, nothing is removed", () => {
    mkdirSync(`${persistent()}.42`, { recursive: true });
    writeFileSync(marker(), '');
    expect(releaseMissingMarker(kustomizeRoots(scratch, APP, '42'))).toBe(false);
    expect(existsSync(marker())).toBe(true);
  });
});

describe('installedComponent (network-host:report --network-host-k3s-component)', () => {
  test("the plugin's minimal kustomization, the app's own, and none", () => {
    const minimal = userRoot({ 'rendered.yaml': 'x: 1\n' });
    installComponent(minimal, host);
    expect(installedComponent(minimal)).toEqual({ root: minimal, kustomization: join(minimal, 'kustomization.yaml'), minimal: true });
    const own = join(scratch, 'own');
    mkdirSync(own);
    writeFileSync(join(own, 'kustomization.yml'), 'resources:\n- rendered.yaml\n');
    installComponent(own, gateway);
    expect(installedComponent(own)).toEqual({ root: own, kustomization: join(own, 'kustomization.yml'), minimal: false });
    removeComponent(own);
    expect(installedComponent(own)).toBeUndefined();
    expect(installedComponent(join(scratch, 'absent'))).toBeUndefined();
  });
  test('a component the kustomization no longer lists is not installed (kustomize never reads it)', () => {
    const own = userRoot({ 'kustomization.yaml': 'resources:\n- rendered.yaml\n' });
    installComponent(own, host);
    writeFileSync(join(own, 'kustomization.yaml'), 'resources:\n- rendered.yaml\n');
    expect(installedComponent(own)).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// Rendering: the fixture chart, kustomized as Dokku does.
type K8sObject = { kind: string; metadata: { name: string; labels?: Record<string, string> }; spec?: any };

function kustomize(root: string): K8sObject[] {
  const out = execFileSync('kubectl', ['kustomize', '--load-restrictor', 'LoadRestrictionsNone', root], { encoding: 'utf8', timeout: 60_000 });
  return parseAllDocuments(out).map((doc) => {
    expect(doc.errors).toEqual([]);
    return doc.toJSON() as K8sObject;
  });
}

function chartRoot(kustomization?: Record<string, string>): string {
  const root = join(scratch, `root-${Math.random().toString(36).slice(2)}`);
  mkdirSync(root);
  copyFileSync(FIXTURE, join(root, 'rendered.yaml'));
  for (const [name, text] of Object.entries(kustomization ?? {})) writeFileSync(join(root, name), text);
  return root;
}

const CHART = parseAllDocuments(readFileSync(FIXTURE, 'utf8')).map((doc) => doc.toJSON() as K8sObject);
const byName = (objects: K8sObject[]) => new Map(objects.map((o) => [`${o.kind}/${o.metadata.name}`, o]));
const podSpec = (o: K8sObject) => (o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template.spec : o.spec.template.spec);
const ownPods = (objects: K8sObject[]) =>
  objects.filter((o) => (o.kind === 'Deployment' || o.kind === 'CronJob') && o.metadata.labels?.['app.kubernetes.io/part-of'] === APP);
const UNTOUCHED = ['ServiceAccount/fixture-app', 'Service/fixture-app-web', 'Ingress/fixture-app-web-fixture-app-example-com', 'Deployment/neighbour-web'];

// What the component may change in one object: the pod spec and the Deployment's rollout.
function withoutPodNetworking(o: K8sObject): K8sObject {
  const copy = JSON.parse(JSON.stringify(o)) as K8sObject;
  if (copy.kind !== 'Deployment' && copy.kind !== 'CronJob') return copy;
  const spec = podSpec(copy);
  for (const key of ['hostNetwork', 'dnsPolicy', 'nodeSelector', 'tolerations', 'hostAliases']) delete spec[key];
  for (const container of spec.containers) {
    container.env = (container.env ?? []).filter((e: { name: string }) => e.name !== 'HOST_IP');
    if (container.env.length === 0) delete container.env;
  }
  if (copy.kind === 'Deployment') copy.spec.strategy = {};
  return copy;
}

describe('rendering with kubectl kustomize', () => {
  let baseline: Map<string, K8sObject>;
  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'k3s-baseline-'));
    try {
      copyFileSync(FIXTURE, join(dir, 'rendered.yaml'));
      writeFileSync(join(dir, 'kustomization.yaml'), 'resources:\n- rendered.yaml\n');
      baseline = byName(kustomize(dir));
    } finally {
      removePath(dir);
    }
  });

  test('the fixture kustomizes to itself (the chart as Dokku applies it without the plugin)', () => {
    expect(baseline).toEqual(byName(CHART));
    expect(ownPods([...baseline.values()]).map((o) => o.metadata.name)).toEqual(['fixture-app-web', 'fixture-app-worker', 'fixture-app-cron-a1b2c3d4e5']);
  });

  function renderWith(input: PodNetworking, user?: Record<string, string>): Map<string, K8sObject> {
    const root = chartRoot(user);
    installComponent(root, input);
    const rendered = byName(kustomize(root));
    for (const name of UNTOUCHED) expect(rendered.get(name)).toEqual(baseline.get(name));
    expect([...rendered.keys()].sort()).toEqual([...baseline.keys()].sort());
    return rendered;
  }

  test.each([
    ['unpinned', host],
    ['pinned', hostPinned],
  ])('host mode, %s: every app Deployment and CronJob on the host network', (_, input) => {
    const rendered = renderWith(input);
    for (const o of ownPods([...rendered.values()])) {
      const spec = podSpec(o);
      expect(spec.hostNetwork).toBe(true);
      expect(spec.dnsPolicy).toBe('ClusterFirstWithHostNet');
      expect(spec.hostAliases).toBeUndefined();
      if (o.kind === 'Deployment') expect(o.spec.strategy).toEqual({ type: 'Recreate' });
      if (input.node) {
        expect(spec.nodeSelector).toEqual({ 'kubernetes.io/hostname': 'dokku-server' });
        expect(spec.tolerations).toEqual([{ key: 'CriticalAddonsOnly', operator: 'Exists', effect: 'NoSchedule' }]);
      } else {
        expect(spec.nodeSelector).toBeUndefined();
        expect(spec.tolerations).toBeUndefined();
      }
      expect(withoutPodNetworking(o)).toEqual(baseline.get(`${o.kind}/${o.metadata.name}`));
    }
  });

  test.each([
    ['unpinned', gateway],
    ['pinned', gatewayPinned],
  ])('gateway mode, %s: hostAliases and HOST_IP in every container, PORT of web kept', (_, input) => {
    const rendered = renderWith(input);
    for (const o of ownPods([...rendered.values()])) {
      const spec = podSpec(o);
      expect(spec.hostNetwork).toBeUndefined();
      expect(spec.dnsPolicy).toBeUndefined();
      expect(spec.hostAliases).toEqual([{ ip: '10.0.0.5', hostnames: ['host.docker.internal', 'db.internal'] }]);
      for (const container of spec.containers) {
        expect(container.env).toContainEqual({ name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } });
      }
      if (o.kind === 'Deployment') expect(o.spec.strategy).toEqual({});
      expect(spec.nodeSelector).toEqual(input.node ? { 'kubernetes.io/hostname': 'dokku-server' } : undefined);
      expect(spec.tolerations).toEqual(input.node ? [{ key: 'CriticalAddonsOnly', operator: 'Exists', effect: 'NoSchedule' }] : undefined);
      expect(withoutPodNetworking(o)).toEqual(baseline.get(`${o.kind}/${o.metadata.name}`));
    }
    expect(podSpec(rendered.get('Deployment/fixture-app-web')!).containers[0].env).toEqual([
      { name: 'PORT', value: '5000' },
      { name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
    ]);
    expect(podSpec(rendered.get('Deployment/fixture-app-worker')!).containers[0].env).toEqual([
      { name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
    ]);
  });

  test.each([
    ['host', { ...hostPinned, processes: ['worker'] }],
    ['gateway', { ...gatewayPinned, processes: ['worker'] }],
  ])('%s mode for the worker only: its Deployment (and the CronJobs) patched, web rendered as without the plugin', (mode, input) => {
    const rendered = renderWith(input);
    expect(rendered.get('Deployment/fixture-app-web')).toEqual(baseline.get('Deployment/fixture-app-web'));
    const worker = rendered.get('Deployment/fixture-app-worker')!;
    expect(podSpec(worker).nodeSelector).toEqual({ 'kubernetes.io/hostname': 'dokku-server' });
    if (mode === 'host') {
      expect(podSpec(worker).hostNetwork).toBe(true);
      expect(worker.spec.strategy).toEqual({ type: 'Recreate' });
    } else {
      expect(podSpec(worker).hostAliases).toEqual([{ ip: '10.0.0.5', hostnames: ['host.docker.internal', 'db.internal'] }]);
      expect(podSpec(worker).containers[0].env).toEqual([{ name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } }]);
    }
    expect(withoutPodNetworking(worker)).toEqual(baseline.get('Deployment/fixture-app-worker'));
    const cron = rendered.get('CronJob/fixture-app-cron-a1b2c3d4e5')!;
    expect(podSpec(cron).nodeSelector).toEqual({ 'kubernetes.io/hostname': 'dokku-server' });
  });

  test('gateway mode without an address: HOST_IP in every container, no hostAliases, the rest as rendered', () => {
    const rendered = renderWith({ ...gateway, address: undefined });
    for (const o of ownPods([...rendered.values()])) {
      const spec = podSpec(o);
      expect(spec.hostAliases).toBeUndefined();
      for (const container of spec.containers) {
        expect(container.env).toContainEqual({ name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } });
      }
      expect(withoutPodNetworking(o)).toEqual(baseline.get(`${o.kind}/${o.metadata.name}`));
    }
  });

  // The user's overlay: Dokku's own test patch (three web replicas, plugins/scheduler-k3s tests), an env var for the
  // worker by container name, and a hostAliases entry of their own.
  const USER = {
    'kustomization.yaml': [
      '# the app repo config/kustomize/kustomization.yaml',
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      'resources:',
      '- rendered.yaml',
      'patches:',
      '- patch: |-',
      '    - op: replace',
      '      path: /spec/replicas',
      '      value: 3',
      '  target:',
      '    group: apps',
      '    version: v1',
      '    kind: Deployment',
      '    name: fixture-app-web',
      '- path: worker.yaml',
      '',
    ].join('\n'),
    'worker.yaml': [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: fixture-app-worker',
      'spec:',
      '  template:',
      '    spec:',
      '      hostAliases:',
      '      - ip: 10.9.9.9',
      '        hostnames: [metrics.internal]',
      '      containers:',
      '      - name: fixture-app-worker',
      '        env:',
      '        - name: QUEUE',
      '          value: jobs',
      '',
    ].join('\n'),
  };

  test("the user's own patches still apply on top of the component", () => {
    const rendered = renderWith(gatewayPinned, USER);
    const web = rendered.get('Deployment/fixture-app-web')!;
    const worker = rendered.get('Deployment/fixture-app-worker')!;
    expect(web.spec.replicas).toBe(3);
    const env = podSpec(worker).containers[0].env;
    expect(env).toHaveLength(2);
    expect(env).toEqual(expect.arrayContaining([{ name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } }, { name: 'QUEUE', value: 'jobs' }]));
    expect(podSpec(worker).hostAliases).toEqual(
      expect.arrayContaining([
        { ip: '10.0.0.5', hostnames: ['host.docker.internal', 'db.internal'] },
        { ip: '10.9.9.9', hostnames: ['metrics.internal'] },
      ]),
    );
    expect(podSpec(worker).nodeSelector).toEqual({ 'kubernetes.io/hostname': 'dokku-server' });
  });

  test('host mode keeps a user patch too, and the Recreate rollout', () => {
    const rendered = renderWith(hostPinned, USER);
    const web = rendered.get('Deployment/fixture-app-web')!;
    expect(web.spec.replicas).toBe(3);
    expect(web.spec.strategy).toEqual({ type: 'Recreate' });
    expect(podSpec(web).hostNetwork).toBe(true);
  });

  test('removing the component renders exactly what the root renders without the plugin', () => {
    const userOnly = byName(kustomize(chartRoot(USER)));
    for (const input of [hostPinned, gateway]) {
      const withUser = chartRoot(USER);
      installComponent(withUser, input);
      removeComponent(withUser);
      expect(byName(kustomize(withUser))).toEqual(userOnly);
      const bare = chartRoot();
      installComponent(bare, input);
      expect(byName(kustomize(bare)).get('Deployment/fixture-app-web')).not.toEqual(baseline.get('Deployment/fixture-app-web'));
      removeComponent(bare);
      // the plugin made the kustomization: without it Dokku applies the chart as rendered
      expect(kustomizationFile(bare)).toBeUndefined();
    }
  });

  test('the component only reads files inside the root (Dokku builds on a file system confined to it)', () => {
    for (const input of [hostPinned, gatewayPinned]) {
      for (const text of Object.values(componentFiles(input))) expect(text).not.toMatch(/\.\.\//);
    }
  });
});
