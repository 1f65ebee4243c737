// Pure: the plugin's properties, the validation of every value, and app → global → default resolution, in the layout
// of Dokku's property store (plugins/common/properties.go): one file per key, lists one item per line.
import { isIP } from 'net';

export const PLUGIN = 'network-host';
/** GLOBAL is the pseudo-app Dokku's property store keeps global values under. */
export const GLOBAL = '--global';
export const MODES = ['host', 'gateway', 'off'] as const;
export const PHASES = ['build', 'deploy', 'run'] as const;
export const KEYS = ['mode', 'phases', 'processes', 'gateway-aliases', 'gateway-ip', 'k3s-node'] as const;
export const HOST_GATEWAY = 'host-gateway';
export const DEFAULT_ALIAS = 'host.docker.internal';
/** k3s-node keywords: the node Dokku itself runs on (the default), or no pin at all. */
export const SERVER_NODE = 'server';
export const ANY_NODE = 'any';

export type Mode = (typeof MODES)[number];
export type Phase = (typeof PHASES)[number];
export type Key = (typeof KEYS)[number];
/** Settings are property values as stored: one string per key, list items one per line. */
export type Settings = Partial<Record<Key, string>>;

export interface Config {
  mode: Mode;
  phases: Phase[];
  /** processes are the process types whose deploy containers get the arguments; empty = every process type. */
  processes: string[];
  aliases: string[];
  ip: string;
  node: string;
}

const oneOf =
  <T extends string>(allowed: readonly T[], what: string) =>
  (text: string): T => {
    if ((allowed as readonly string[]).includes(text)) return text as T;
    throw new Error(`${what} must be one of [${allowed.join(' ')}], got ${JSON.stringify(text)}`);
  };

export const parseMode = oneOf(MODES, 'Mode');

/** parsePhases accepts a comma list and returns it in canonical order, so equal sets compare equal. */
export function parsePhases(text: string): Phase[] {
  const phase = oneOf(PHASES, 'Phase(s)');
  const chosen = new Set(text.split(',').map((item) => phase(item.trim())));
  return PHASES.filter((p) => chosen.has(p));
}

// A Procfile process type (plugins/ps/functions.go processesInProcfile lists them with procfile-util), limited to what
// is also a Kubernetes label value (the k3s chart labels each Deployment app.kubernetes.io/name=<process>) and a safe
// name for the answer file deploy.<process> (docs/derived-arguments.md).
const PROCESS = /^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?$/;

/** parseProcesses reads a comma list (or one per line) of process types, in sorted order; empty means every type. */
export function parseProcesses(text: string): string[] {
  const items = text.split(/[\n,]/).map((item) => item.trim()).filter((item) => item !== '');
  for (const item of items) {
    if (!PROCESS.test(item)) throw new Error(`Process type ${JSON.stringify(item)} is not valid (letters, digits, hyphens and underscores, as in a Procfile)`);
  }
  return [...new Set(items)].sort();
}

// RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens; nothing that could be read as a flag.
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const isHostname = (text: string): boolean => text.length > 0 && text.length <= 253 && text.split('.').every((label) => LABEL.test(label));

export function parseHostname(text: string): string {
  if (isHostname(text)) return text;
  throw new Error(`Alias ${JSON.stringify(text)} is not a valid host name (letters, digits, hyphens and dots; no leading hyphen)`);
}

/** parseAliases reads a list given one per line (as stored) or comma-separated (as typed); duplicates collapse. */
export function parseAliases(text: string): string[] {
  const items = text.split(/[\n,]/).filter((item) => item !== '');
  if (items.length === 0) throw new Error('At least one alias is required');
  return [...new Set(items.map(parseHostname))];
}

/** parseGatewayIp accepts host-gateway or a plain address (no IPv6 zone: Docker's --add-host does not take one). */
export function parseGatewayIp(text: string): string {
  if (text === HOST_GATEWAY || (isIP(text) !== 0 && !text.includes('%'))) return text;
  throw new Error(`Gateway IP must be ${HOST_GATEWAY} or an IPv4/IPv6 address, got ${JSON.stringify(text)}`);
}

/** parseNode accepts the keywords or a Kubernetes node name (a lower-case DNS subdomain). */
export function parseNode(text: string): string {
  if (text === SERVER_NODE || text === ANY_NODE || (isHostname(text) && text === text.toLowerCase())) return text;
  throw new Error(`K3s node must be ${SERVER_NODE}, ${ANY_NODE} or a node name (lower-case letters, digits, hyphens and dots), got ${JSON.stringify(text)}`);
}

const PARSERS = {
  mode: parseMode,
  phases: parsePhases,
  processes: parseProcesses,
  'gateway-aliases': parseAliases,
  'gateway-ip': parseGatewayIp,
  'k3s-node': parseNode,
} satisfies Record<Key, (text: string) => Config[keyof Config]>;

const FIELDS = { mode: 'mode', phases: 'phases', processes: 'processes', 'gateway-aliases': 'aliases', 'gateway-ip': 'ip', 'k3s-node': 'node' } as const satisfies Record<Key, keyof Config>;

/** DEFAULTS are the built-in values, in stored form. */
export const DEFAULTS: Record<Key, string> = {
  mode: 'off',
  phases: PHASES.join(','),
  processes: '',
  'gateway-aliases': DEFAULT_ALIAS,
  'gateway-ip': HOST_GATEWAY,
  'k3s-node': SERVER_NODE,
};

// Lists are stored one item per line (Dokku's list properties) and shown comma-separated on one line.
const joinValue = (value: Config[keyof Config], separator: string): string => (Array.isArray(value) ? value.join(separator) : value);
const storedForm = (key: Key, value: Config[keyof Config]): string => joinValue(value, key === 'gateway-aliases' ? '\n' : ',');

export function isKey(key: string): key is Key {
  return (KEYS as readonly string[]).includes(key);
}

/** normalizeValue validates a value typed by the user and returns what gets stored (throws Error with the reason). */
export function normalizeValue(key: Key, text: string): string {
  return storedForm(key, PARSERS[key](text));
}

/** showValue turns stored text into the one-line report form; invalid text is shown as stored. */
export function showValue(key: Key, stored: string | undefined): string {
  if (stored === undefined) return '';
  try {
    return joinValue(PARSERS[key](stored), ',');
  } catch {
    return stored.replace(/\n/g, ',');
  }
}

/** InvalidValue is a stored value that does not parse: which settings it came from, the key and why. */
export class InvalidValue extends Error {
  constructor(
    readonly source: 'app' | 'global',
    readonly key: Key,
    detail: string,
  ) {
    super(detail);
  }
}

/**
 * resolveConfig computes each key as app value, else global value, else default; an unparsable stored value throws
 * InvalidValue. A global value only counts for an app that uses it: while the app's mode is off, an unparsable global
 * phase, alias, address or node is the default, so a broken global setting fails only the apps that inherit it.
 */
export function resolveConfig(app: Settings, global: Settings): Config {
  const parse = (key: Key): Config[keyof Config] => {
    const source = app[key] !== undefined ? 'app' : 'global';
    try {
      return PARSERS[key](app[key] ?? global[key] ?? DEFAULTS[key]);
    } catch (error) {
      throw new InvalidValue(source, key, (error as Error).message);
    }
  };
  const mode = parse('mode');
  const config: Record<string, Config[keyof Config]> = {};
  for (const key of KEYS) {
    try {
      config[FIELDS[key]] = key === 'mode' ? mode : parse(key);
    } catch (error) {
      if (!(error instanceof InvalidValue && error.source === 'global' && mode === 'off')) throw error;
      config[FIELDS[key]] = PARSERS[key](DEFAULTS[key]);
    }
  }
  return config as unknown as Config;
}

/** Resolved is a configuration, or the stored value that keeps it from resolving. */
export type Resolved = { config: Config; invalid?: undefined } | { config?: undefined; invalid: InvalidValue };

/** tryResolve is resolveConfig for callers that report an invalid value instead of failing on it. */
export function tryResolve(app: Settings, global: Settings): Resolved {
  try {
    return { config: resolveConfig(app, global) };
  } catch (error) {
    if (error instanceof InvalidValue) return { invalid: error };
    throw error;
  }
}

/** selectsProcess tells whether a process type's deploy containers get the arguments (`processes`, empty = every type). */
export const selectsProcess = (config: Pick<Config, 'processes'>, proc: string): boolean => config.processes.length === 0 || config.processes.includes(proc);

/**
 * deploysOnHost tells whether an app's deploy containers share the host's network (their ports are host ports): those of
 * the process type given, or of any process type.
 */
export const deploysOnHost = (config: Config | undefined, proc?: string): boolean =>
  config?.mode === 'host' && config.phases.includes('deploy') && (proc === undefined || selectsProcess(config, proc));

/** webOnHost: the app's web containers deploy with host networking (its port, scale, proxy and redeploys are concerned). */
export const webOnHost = (config: Config | undefined): boolean => deploysOnHost(config, 'web');

/** usesHostNetwork tells whether any container of the app (build, deploy or run) gets the host's network. */
export const usesHostNetwork = (config: Config | undefined): boolean => config?.mode === 'host' && config.phases.length > 0;
