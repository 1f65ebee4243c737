// Pure: the plugin's property table, validation of every value, and app → global → default resolution (PRODUCT.md §4).
import { isIP } from 'node:net';

export const PLUGIN = 'network-host';
export const MODES = ['host', 'gateway', 'off'] as const;
export const PHASES = ['build', 'deploy', 'run'] as const;
export const APPLY_METHODS = ['triggers', 'docker-options'] as const;
export const KEYS = ['mode', 'phases', 'gateway-aliases', 'gateway-ip', 'apply'] as const;
export const HOST_GATEWAY = 'host-gateway';
export const DEFAULT_ALIAS = 'host.docker.internal';

export type Mode = (typeof MODES)[number];
export type Phase = (typeof PHASES)[number];
export type ApplyMethod = (typeof APPLY_METHODS)[number];
export type Key = (typeof KEYS)[number];
/** Settings are property values as stored: one string per key, list items one per line. */
export type Settings = Partial<Record<Key, string>>;

export interface Config {
  mode: Mode;
  phases: Phase[];
  aliases: string[];
  ip: string;
  apply: ApplyMethod;
}

const oneOf = <T extends string>(allowed: readonly T[], what: string) => (text: string): T => {
  if ((allowed as readonly string[]).includes(text)) return text as T;
  throw new Error(`${what} must be one of [${allowed.join(' ')}], got ${JSON.stringify(text)}`);
};

export const parseMode = oneOf(MODES, 'Mode');
export const parseApply = oneOf(APPLY_METHODS, 'Apply');

/** parsePhases accepts a comma list and returns it in canonical order, so equal sets compare equal. */
export function parsePhases(text: string): Phase[] {
  const items = text.split(',').map((item) => item.trim());
  const phase = oneOf(PHASES, 'Phase(s)');
  const chosen = new Set(items.map((item) => phase(item)));
  return PHASES.filter((p) => chosen.has(p));
}

// RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens; nothing that could be read as a flag.
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

export function parseHostname(text: string): string {
  if (text.length > 0 && text.length <= 253 && text.split('.').every((label) => LABEL.test(label))) return text;
  throw new Error(`Alias ${JSON.stringify(text)} is not a valid host name (letters, digits, hyphens and dots; no leading hyphen)`);
}

/** parseAliases reads a list given one per line (as stored) or comma-separated (as typed); duplicates collapse. */
export function parseAliases(text: string): string[] {
  const items = text.split(/[\n,]/).filter((item) => item !== '');
  if (items.length === 0) throw new Error('At least one alias is required');
  return [...new Set(items.map(parseHostname))];
}

export function parseGatewayIp(text: string): string {
  if (text === HOST_GATEWAY || isIP(text) !== 0) return text;
  throw new Error(`Gateway IP must be ${HOST_GATEWAY} or an IPv4/IPv6 address, got ${JSON.stringify(text)}`);
}

const PARSERS = {
  mode: parseMode,
  phases: parsePhases,
  'gateway-aliases': parseAliases,
  'gateway-ip': parseGatewayIp,
  apply: parseApply,
} satisfies Record<Key, (text: string) => Config[keyof Config]>;

const FIELDS = { mode: 'mode', phases: 'phases', 'gateway-aliases': 'aliases', 'gateway-ip': 'ip', apply: 'apply' } as const satisfies Record<
  Key,
  keyof Config
>;

/** DEFAULTS are the built-in values, in stored form. */
export const DEFAULTS: Record<Key, string> = {
  mode: 'off',
  phases: PHASES.join(','),
  'gateway-aliases': DEFAULT_ALIAS,
  'gateway-ip': HOST_GATEWAY,
  apply: 'triggers',
};

// Lists are stored one item per line (Dokku's list properties) and shown comma-separated on one line.
const joinValue = (value: Config[keyof Config], separator: string): string =>
  Array.isArray(value) ? value.join(separator) : value;
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

export class InvalidValue extends Error {
  constructor(
    readonly source: 'app' | 'global',
    readonly key: Key,
    detail: string,
  ) {
    super(detail);
  }
}

/** resolveConfig computes each key as app value, else global value, else default; an unparsable stored value throws InvalidValue. */
export function resolveConfig(app: Settings, global: Settings): Config {
  const config: Record<string, Config[keyof Config]> = {};
  for (const key of KEYS) {
    const source = app[key] !== undefined ? 'app' : 'global';
    const text = app[key] ?? global[key];
    try {
      config[FIELDS[key]] = PARSERS[key](text ?? DEFAULTS[key]);
    } catch (error) {
      throw new InvalidValue(source, key, (error as Error).message);
    }
  }
  return config as unknown as Config;
}

/** defaultValue is the built-in default of a key in its one-line form. */
export const defaultValue = (key: Key): string => showValue(key, DEFAULTS[key]);
