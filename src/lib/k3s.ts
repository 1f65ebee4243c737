// Pure: the Kustomize component that gives an app's k3s pods host networking or a host-gateway entry, and the edits of
// the kustomization file that switch it on and off (docs/k3s.md). No fs, no process.
//
// Dokku's k3s scheduler ignores these docker options, but since 0.36 it kustomizes the chart it renders: it writes the
// chart as rendered.yaml into a kustomize root and builds that root in-process (plugins/scheduler-k3s/helm.go,
// KustomizeRenderer: LoadRestrictionsNone, builtin transformers only). The component below is a directory inside that
// root, listed under `components:` of the root's kustomization. Components run after the root's resources and before
// the root's own patches, so a user's patch of the same field still has the last word.
//
// What the chart renders (plugins/scheduler-k3s/templates/chart/deployment.yaml, cron-job.yaml): one Deployment per
// process, labelled app.kubernetes.io/part-of=<app> and app.kubernetes.io/name=<process>, with `strategy: {}`; a CronJob
// per cron task labelled part-of=<app>, name=cron. Only processes with a web section get an `env` list (PORT). Services
// and Ingresses carry the same labels, so every target below also names its kind.
import { isIP } from 'net';
import { parseDocument, stringify, type CST, type Document } from 'yaml';
import { Node as YamlNode, Scalar, YAMLMap, YAMLSeq, type Pair } from 'yaml/types';
import { Type } from 'yaml/util';
import { parseHostname } from './properties';

/** COMPONENT is the component's directory inside the kustomize root, and its entry under `components:`. */
export const COMPONENT = 'network-host';

export interface PodNetworking {
  app: string;
  mode: 'host' | 'gateway';
  /** gateway: host names that resolve to `address` in every pod (hostAliases); unused in host mode */
  aliases: string[];
  /** gateway: the literal IP the aliases point at (Kubernetes has no host-gateway); undefined = HOST_IP only */
  address?: string;
  /** the node the pods are pinned to (kubernetes.io/hostname); undefined = no pin */
  node?: string;
  /** the processes whose Deployments are patched (app.kubernetes.io/name=<process>); undefined = every one */
  processes?: string[];
}

// The kustomization file names kustomize recognises, in the order Dokku looks for them (konfig.RecognizedKustomizationFileNames).
export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

const APP_NAME = /^[a-z0-9][a-z0-9.-]*$/;
// A Kubernetes label value (the node pin is a nodeSelector on the kubernetes.io/hostname label).
const LABEL_VALUE = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$/;
// Tolerates the taint a cluster initialised with --taint-scheduling puts on its server nodes, CriticalAddonsOnly=true:NoSchedule
// (plugins/scheduler-k3s/functions.go); a node without it is unaffected.
const TOLERATION = { key: 'CriticalAddonsOnly', operator: 'Exists', effect: 'NoSchedule' } as const;
// The ConfigMap the HOST_IP replacement copies its value from.
const VALUES = 'network-host-values';

type Kind = 'Deployment' | 'CronJob';
const KINDS: Record<Kind, { group: string; version: string; podSpec: string; patch: string; selector: (app: string) => string }> = {
  Deployment: {
    group: 'apps',
    version: 'v1',
    podSpec: 'spec.template.spec',
    patch: 'deployment.yaml',
    selector: (app) => `app.kubernetes.io/part-of=${app}`,
  },
  CronJob: {
    group: 'batch',
    version: 'v1',
    podSpec: 'spec.jobTemplate.spec.template.spec',
    patch: 'cronjob.yaml',
    selector: (app) => `app.kubernetes.io/part-of=${app},app.kubernetes.io/name=cron`,
  },
};

function check(input: PodNetworking): void {
  if (!APP_NAME.test(input.app) || !LABEL_VALUE.test(input.app)) throw new Error(`App name ${JSON.stringify(input.app)} cannot be used as a Kubernetes label value`);
  if (input.mode !== 'host' && input.mode !== 'gateway') throw new Error(`Mode must be host or gateway, got ${JSON.stringify(input.mode)}`);
  if (input.node !== undefined && !LABEL_VALUE.test(input.node)) throw new Error(`Node name ${JSON.stringify(input.node)} is not a valid kubernetes.io/hostname label value`);
  for (const proc of input.processes ?? []) {
    if (!LABEL_VALUE.test(proc)) throw new Error(`Process type ${JSON.stringify(proc)} cannot be used as a Kubernetes label value`);
  }
  if (input.mode === 'gateway') {
    // No address: the pods still get HOST_IP, only the host entries are left out (the plan says so).
    if (input.address !== undefined && isIP(input.address) === 0) {
      throw new Error(`The k3s scheduler needs a literal gateway IP (Kubernetes has no host-gateway), got ${JSON.stringify(input.address)}`);
    }
    if (input.aliases.length === 0) throw new Error('At least one alias is required');
    input.aliases.forEach(parseHostname);
  }
}

// The strategic-merge patch of one kind's pod spec (and, for Deployments, the rollout).
function podPatch(kind: Kind, input: PodNetworking): Record<string, unknown> {
  const pod: Record<string, unknown> = {};
  if (input.mode === 'host') {
    pod.hostNetwork = true;
    // without it a host-network pod resolves with the node's resolv.conf and loses cluster DNS
    pod.dnsPolicy = 'ClusterFirstWithHostNet';
  } else if (input.address !== undefined) {
    // merged by ip with any hostAliases the user's own patches add
    pod.hostAliases = [{ ip: input.address, hostnames: [...new Set(input.aliases)] }];
  }
  if (input.node !== undefined) {
    pod.nodeSelector = { 'kubernetes.io/hostname': input.node };
    // the chart renders no tolerations, and the user's patches run after this one, so setting the list takes nothing away
    pod.tolerations = [TOLERATION];
  }
  const template = { spec: pod };
  const spec: Record<string, unknown> =
    kind === 'Deployment' ? { template } : { jobTemplate: { spec: { template } } };
  // The chart's `strategy: {}` means RollingUpdate with a surge pod, which cannot bind the host port the old pod holds:
  // the rollout would hang until Helm's deploy timeout. Recreate stops the old pod first.
  if (kind === 'Deployment' && input.mode === 'host') spec.strategy = { type: 'Recreate', rollingUpdate: null };
  return { apiVersion: `${KINDS[kind].group}/${KINDS[kind].version}`, kind, metadata: { name: COMPONENT }, spec };
}

// A replacement with `create` adds HOST_IP to every container: only web containers have an env list, a JSON patch cannot
// append to a list that is absent, and a strategic-merge patch needs each container's name. The value comes from a
// local-config ConfigMap, which kustomize drops from its output. (Replacements copy a scalar without its quotes, so only
// values that stay strings unquoted go this way: not the toleration's "true", for one.)
function hostIPReplacement(input: PodNetworking): Record<string, unknown> {
  return {
    source: { kind: 'ConfigMap', name: VALUES, fieldPath: 'data.hostIPField' },
    targets: selectors(input).map(({ kind, labelSelector }) => ({
      select: { kind, labelSelector },
      fieldPaths: [`${KINDS[kind].podSpec}.containers.*.env.[name=HOST_IP].valueFrom.fieldRef.fieldPath`],
      options: { create: true },
    })),
  };
}

/**
 * selectors are the objects the component patches: the app's Deployments, or with `processes` only those processes'
 * (one selector each: the chart's Deployment of a process carries app.kubernetes.io/name=<process>), and its CronJobs.
 */
function selectors(input: PodNetworking): { kind: Kind; labelSelector: string }[] {
  const deployments = input.processes?.length
    ? input.processes.map((proc) => `${KINDS.Deployment.selector(input.app)},app.kubernetes.io/name=${proc}`)
    : [KINDS.Deployment.selector(input.app)];
  return [...deployments.map((labelSelector) => ({ kind: 'Deployment' as Kind, labelSelector })), { kind: 'CronJob', labelSelector: KINDS.CronJob.selector(input.app) }];
}

const header = (input: PodNetworking): string =>
  `# Written by the dokku network-host plugin (app ${input.app}, mode ${input.mode}${input.processes?.length ? `, processes ${input.processes.join(',')}` : ''}); rewritten on every change.\n`;

/** componentFiles returns the component: path inside COMPONENT/ → file text. Throws on input Kubernetes would reject. */
export function componentFiles(input: PodNetworking): Record<string, string> {
  check(input);
  const kinds = Object.keys(KINDS) as Kind[];
  const gateway = input.mode === 'gateway';
  const kustomization: Record<string, unknown> = { apiVersion: 'kustomize.config.k8s.io/v1alpha1', kind: 'Component' };
  if (gateway) kustomization.resources = ['values.yaml'];
  kustomization.patches = selectors(input).map(({ kind, labelSelector }) => ({
    path: KINDS[kind].patch,
    target: { group: KINDS[kind].group, version: KINDS[kind].version, kind, labelSelector },
  }));
  if (gateway) kustomization.replacements = [hostIPReplacement(input)];

  const files: Record<string, string> = { 'kustomization.yaml': header(input) + stringify(kustomization) };
  for (const kind of kinds) files[KINDS[kind].patch] = header(input) + stringify(podPatch(kind, input));
  if (gateway) {
    const values = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: VALUES, annotations: { 'config.kubernetes.io/local-config': 'true' } },
      data: { hostIPField: 'status.hostIP' },
    };
    files['values.yaml'] = header(input) + stringify(values);
  }
  return files;
}

// --- the kustomization file ------------------------------------------------------------------------------------------
// Edits are spliced into the user's text, so everything else (comments, quoting, indentation, line endings) stays byte
// for byte and withoutComponent(withComponent(text)) === text. Shapes a splice cannot handle safely (a flow-style or
// indented top level, an entry sharing its line with other content) go through the yaml Document API, which keeps
// comments but may re-indent (and moves a comment just above a flow mapping inside its braces).

const MINIMAL = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['rendered.yaml'] };
const MINIMAL_TEXT =
  '# Written by the dokku network-host plugin: the app ships no kustomization of its own.\n' +
  '# Dokku renders its chart into rendered.yaml next to this file.\n' +
  stringify({ ...MINIMAL, components: [COMPONENT] });

const isOurs = (value: unknown): boolean => typeof value === 'string' && value.replace(/^(\.\/)+/, '').replace(/\/+$/, '') === COMPONENT;
// A line that holds our block-sequence entry and nothing else (a trailing comment aside).
const ENTRY_LINE = /^[ \t]*-[ \t]+(["']?)(\.\/)*network-host\/*\1[ \t]*(#.*)?\r?\n?$/;
const EMPTY_KEY_LINE = /^components:[ \t]*(\[[ \t]*\])?[ \t]*(#.*)?\r?\n?$/;
const ONLY_ENTRY_KEY_LINE = /^components:[ \t]*(\[[ \t]*(["']?)(\.\/)*network-host\/*\2[ \t]*\])?[ \t]*(#.*)?\r?\n?$/;
const BLANK_LINE = /^[ \t]*\r?\n?$/;

// yaml 1 parses a copy of the text with every CRLF turned into LF, and its offsets count that copy; a node's own range
// also takes in its anchor, tag and trailing comment. A Span is where a node's value is in the text as given: from its
// first character (a block scalar's `|` or `>` header) to the end of its value, comments and properties left out.
type Span = readonly [number, number];
interface Parsed {
  doc: Document.Parsed;
  /** undefined for a node the parser did not make (one added through the Document API) */
  span: (node: unknown) => Span | undefined;
}
type ComponentsPair = Pair & { key: Scalar; value: YamlNode | null };

function parse(text: string): Parsed {
  // keepCstNodes: the spans come from the concrete syntax nodes; prettyErrors: messages say where (line, column)
  const doc = parseDocument(text, { keepCstNodes: true, prettyErrors: true });
  if (doc.errors.length > 0) throw new Error(`The kustomization is not valid YAML: ${doc.errors[0]!.message}`);
  if (doc.contents !== null && !(doc.contents instanceof YAMLMap)) throw new Error('The kustomization is not a YAML mapping');
  // where the LF of each CRLF sits in the parser's copy
  const crlf: number[] = [];
  for (let i = text.indexOf('\r\n'); i !== -1; i = text.indexOf('\r\n', i + 2)) crlf.push(i - crlf.length);
  const original = (offset: number): number => offset + crlf.filter((lf) => lf < offset).length;
  const span = (node: unknown): Span | undefined => {
    const cst = node instanceof YamlNode ? node.cstNode : undefined;
    if (!cst || !cst.valueRange) return undefined;
    const block = cst.type === Type.BLOCK_FOLDED || cst.type === Type.BLOCK_LITERAL;
    return [original(block ? (cst as CST.BlockValue).header.start : cst.valueRange.start), original(cst.valueRange.end)];
  };
  return { doc, span };
}

function componentsPair({ doc }: Parsed): ComponentsPair | undefined {
  if (!(doc.contents instanceof YAMLMap)) return undefined;
  return doc.contents.items.find((pair): pair is ComponentsPair => pair.key instanceof Scalar && pair.key.value === 'components');
}

const lineStart = (text: string, offset: number): number => text.lastIndexOf('\n', offset - 1) + 1;
function lineEnd(text: string, offset: number): number {
  const end = text.indexOf('\n', offset);
  return end === -1 ? text.length : end + 1;
}
// the end of the line holding the last character of a node
const nodeLineEnd = (text: string, span: Span): number => lineEnd(text, Math.max(span[1] - 1, span[0]));
const eolOf = (text: string): string => (text.includes('\r\n') ? '\r\n' : '\n');

// A block mapping at column 0 (or an empty document) in one document: whole lines can be added and removed.
function spliceable({ doc, span }: Parsed, text: string): boolean {
  if (/^\.\.\.[ \t]*\r?$/m.test(text)) return false;
  if (doc.contents === null) return true;
  const map = doc.contents as YAMLMap;
  return (
    map.type !== Type.FLOW_MAP &&
    map.items.every((pair) => {
      const key = pair.key instanceof Scalar ? span(pair.key) : undefined;
      return key !== undefined && lineStart(text, key[0]) === key[0];
    })
  );
}

// Remove whole lines [start, end); a last line without a line break takes the break before it, undoing an append.
function cutLines(text: string, start: number, end: number): string {
  if (end === text.length && !text.endsWith('\n') && start > 0) return text.slice(0, text[start - 2] === '\r' ? start - 2 : start - 1);
  return text.slice(0, start) + text.slice(end);
}

function spliceIn(text: string, { span }: Parsed, pair: ComponentsPair | undefined): string | undefined {
  const eol = eolOf(text);
  if (pair === undefined) {
    const key = `components:${eol}- ${COMPONENT}`;
    return text === '' || text.endsWith('\n') ? `${text}${key}${eol}` : `${text}${eol}${key}`;
  }
  const value = pair.value;
  const keySpan = span(pair.key);
  if (keySpan === undefined) return undefined;
  const keyStart = keySpan[0];
  const keyEnd = lineEnd(text, keyStart);
  const keyLine = text.slice(keyStart, keyEnd);
  const valueSpan = span(value);
  const empty =
    value === null ||
    // nothing after the colon but perhaps a tag or a comment (an explicit `~` or `null` is left alone)
    (value instanceof Scalar && value.value === null && valueSpan !== undefined && valueSpan[0] === valueSpan[1]) ||
    (value instanceof YAMLSeq && value.type === Type.FLOW_SEQ && value.items.length === 0 && valueSpan !== undefined && valueSpan[0] < keyEnd);
  if (empty && EMPTY_KEY_LINE.test(keyLine)) {
    const comment = keyLine.replace(/\r?\n$/, '').match(/[ \t]+#.*$/)?.[0] ?? '';
    return `${text.slice(0, keyStart)}components:${comment}${eol}- ${COMPONENT}${keyLine.endsWith('\n') ? eol : ''}${text.slice(keyEnd)}`;
  }
  if (!(value instanceof YAMLSeq) || value.items.length === 0) return undefined;
  const first = span(value.items[0]);
  const last = span(value.items[value.items.length - 1]);
  if (!first || !last) return undefined;
  if (value.type === Type.FLOW_SEQ) return `${text.slice(0, last[1])}, ${COMPONENT}${text.slice(last[1])}`;
  const firstLine = text.slice(lineStart(text, first[0]), lineEnd(text, first[0]));
  const prefix = firstLine.match(/^([ \t]*-[ \t]+)/)?.[1];
  if (prefix === undefined) return undefined;
  const at = nodeLineEnd(text, last);
  const before = text.slice(0, at);
  return before.endsWith('\n') ? `${before}${prefix}${COMPONENT}${eol}${text.slice(at)}` : `${before}${eol}${prefix}${COMPONENT}`;
}

function spliceOut(text: string, { span }: Parsed, pair: ComponentsPair, seq: YAMLSeq, entry: YamlNode): string | undefined {
  const item = span(entry);
  const keySpan = span(pair.key);
  if (!item || !keySpan) return undefined;
  const keyStart = keySpan[0];
  const others = seq.items.filter((i) => i !== entry);
  if (others.length === 0) {
    // the key goes with its last entry, when nothing else shares its lines
    const end = nodeLineEnd(text, item);
    const lines = text.slice(keyStart, end).split(/(?<=\n)/);
    const clean = lines.every((line, i) => (i === 0 ? ONLY_ENTRY_KEY_LINE.test(line) : BLANK_LINE.test(line) || ENTRY_LINE.test(line)));
    return clean ? cutLines(text, keyStart, end) : undefined;
  }
  if (seq.type !== Type.FLOW_SEQ) {
    const start = lineStart(text, item[0]);
    const end = nodeLineEnd(text, item);
    return ENTRY_LINE.test(text.slice(start, end)) ? cutLines(text, start, end) : undefined;
  }
  const index = seq.items.indexOf(entry);
  const prev = index > 0 ? span(seq.items[index - 1]) : undefined;
  const next = index + 1 < seq.items.length ? span(seq.items[index + 1]) : undefined;
  if (prev) return text.slice(0, prev[1]) + text.slice(item[1]);
  if (next) return text.slice(0, item[0]) + text.slice(next[0]);
  return undefined;
}

const isOurEntry = (item: unknown): boolean => item instanceof Scalar && isOurs(item.value);

/** withComponent adds COMPONENT to the `components:` of a kustomization (idempotent); undefined gives the plugin's own minimal file. */
export function withComponent(kustomization: string | undefined): string {
  if (kustomization === undefined) return MINIMAL_TEXT;
  const parsed = parse(kustomization);
  const { doc } = parsed;
  const pair = componentsPair(parsed);
  if (pair?.value instanceof YAMLSeq && pair.value.items.some(isOurEntry)) return kustomization;
  const spliced = spliceable(parsed, kustomization) ? spliceIn(kustomization, parsed, pair) : undefined;
  if (spliced !== undefined) return spliced;
  const current = doc.get('components', true);
  if (current instanceof YAMLSeq) current.add(doc.schema.createNode(COMPONENT, true));
  else doc.set('components', doc.schema.createNode([COMPONENT], true));
  return doc.toString();
}

/** withoutComponent removes exactly the plugin's entry (and a `components:` key it leaves empty); everything else is kept. */
export function withoutComponent(kustomization: string): string {
  const parsed = parse(kustomization);
  const { doc } = parsed;
  const pair = componentsPair(parsed);
  if (pair === undefined || !(pair.value instanceof YAMLSeq)) return kustomization;
  const seq = pair.value;
  const ours = seq.items.filter(isOurEntry) as YamlNode[];
  if (ours.length === 0) return kustomization;
  const spliced = ours.length === 1 && spliceable(parsed, kustomization) ? spliceOut(kustomization, parsed, pair, seq, ours[0]!) : undefined;
  if (spliced !== undefined) return spliced;
  seq.items = seq.items.filter((item) => !isOurEntry(item));
  if (seq.items.length === 0) doc.delete('components');
  return doc.toString();
}

/** isOwnMinimal tells the plugin's own minimal kustomization (withComponent(undefined), with or without its entry) from a user's file. */
export function isOwnMinimal(kustomization: string): boolean {
  let value: unknown;
  try {
    value = parse(kustomization).doc.toJSON();
  } catch {
    return false;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const { components, ...rest } = value as Record<string, unknown>;
  const onlyOurs = components === undefined || (Array.isArray(components) && components.length === 1 && isOurs(components[0]));
  return onlyOurs && JSON.stringify(rest) === JSON.stringify(MINIMAL);
}
