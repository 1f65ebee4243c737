// Pure: what an entry of Dokku's docker-options store means for networking, in any spelling the user typed.
import { parse, quote } from 'shell-quote';
import { selectsProcess, type Config, type Mode, type Phase } from './properties';

/**
 * shellWords splits a stored docker-options entry into words. Dokku stores entries shell-quoted and splits them with a
 * shell parser (plugins/docker-options/dockeroptions.go, SplitOptionString); nothing is expanded, so `$x` stays `$x`,
 * and operator characters are kept as text.
 */
export function shellWords(text: string): string[] {
  return parse(text, (name) => `$${name}`).map((token) => {
    if (typeof token === 'string') return token;
    if ('op' in token) return token.op === 'glob' ? (token as { pattern: string }).pattern : token.op;
    return `#${token.comment}`;
  });
}

/** shellQuote quotes words for a command the user can paste (fix messages), whatever their option contains. */
export const shellQuote = (...words: string[]): string => words.map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : quote([word]))).join(' ');

export interface OptionFacts {
  network?: string;
  addHosts: string[];
  links: string[];
  networkAlias: boolean;
  publish: boolean;
  other: boolean;
}

/** optionFacts reads one docker-options entry: `--net=host`, `--network host`, `--add-host a:b`, `--link s:a`... */
export function optionFacts(option: string): OptionFacts {
  const facts: OptionFacts = { addHosts: [], links: [], networkAlias: false, publish: false, other: false };
  const words = shellWords(option);
  for (let i = 0; i < words.length; i++) {
    const [name, inline] = words[i]!.split(/=(.*)/s, 2) as [string, string | undefined];
    const value = (): string => inline ?? words[++i] ?? '';
    if (name === '--net' || name === '--network') facts.network = value();
    else if (name === '--add-host') facts.addHosts.push(value());
    else if (name === '--link') facts.links.push(value());
    else if (name === '--network-alias' || name === '--net-alias') (facts.networkAlias = true), value();
    else if (name === '-p' || name === '--publish') (facts.publish = true), value();
    else if (/^-p./.test(name) || name === '-P' || name === '--publish-all') facts.publish = true;
    else facts.other = true;
  }
  return facts;
}

/** hostEntry splits an --add-host value (`name:ip`, or Docker 25's `name=ip`). */
const hostEntry = (value: string): [string, string] => {
  const at = value.search(/[:=]/);
  return at === -1 ? [value, ''] : [value.slice(0, at), value.slice(at + 1)];
};

/** handWrittenKind tells whether an entry does what one of the plugin's modes does (the documented recipe, any spelling). */
export function handWrittenKind(option: string): Exclude<Mode, 'off'> | undefined {
  const facts = optionFacts(option);
  if (facts.other || facts.links.length || facts.networkAlias || facts.publish) return undefined;
  if (facts.network === 'host' && facts.addHosts.length === 0) return 'host';
  if (facts.network === undefined && facts.addHosts.length > 0 && facts.addHosts.every((h) => hostEntry(h)[1] === 'host-gateway')) return 'gateway';
  return undefined;
}

/** adoptable says whether the plugin, configured as `config`, now provides what this entry did, so it can be removed. */
export function adoptable(option: string, config: Config): boolean {
  const kind = handWrittenKind(option);
  if (kind === undefined || kind !== config.mode) return false;
  if (kind === 'host') return true;
  return optionFacts(option).addHosts.every((h) => {
    const [alias, ip] = hostEntry(h);
    return config.aliases.includes(alias) && (ip === config.ip || ip === 'host-gateway');
  });
}

/** ServiceLink is a `--link` a datastore plugin added (postgres:link and friends alias it dokku-<service>-<name>). */
export interface ServiceLink {
  service: string;
  name: string;
  option: string;
}

/** serviceLink recognises a datastore link by its alias (plugins' common-functions: `--link <container>:dokku-<service>-<name>`). */
export function serviceLink(link: string, option: string): ServiceLink | undefined {
  const alias = link.slice(link.indexOf(':') + 1);
  const match = /^dokku-([a-z0-9]+)-(.+)$/.exec(alias);
  return match ? { service: match[1]!, name: match[2]!, option } : undefined;
}

/** DockerOptions are an app's docker-options per scope (`_default_` or a process type) and phase, as stored. */
export type DockerOptions = Record<string, Partial<Record<Phase, string[]>>>;
export const DEFAULT_SCOPE = '_default_';

export interface ScopedOption {
  scope: string;
  phase: Phase;
  option: string;
}

/** scopedOptions lists every stored entry with its scope and phase, in the phases given. */
export const scopedOptions = (options: DockerOptions, phases: readonly Phase[]): ScopedOption[] =>
  Object.entries(options).flatMap(([scope, byPhase]) =>
    phases.flatMap((phase) => (byPhase[phase] ?? []).map((option) => ({ scope, phase, option }))),
  );

/** removeCommand is the docker-options:remove command for one entry, quoted so that it can be pasted. */
export const removeCommand = (app: string, { scope, phase, option }: ScopedOption): string =>
  `dokku docker-options:remove ${scope === DEFAULT_SCOPE ? '' : `--process ${scope} `}${app} ${phase} ${shellQuote(option)}`;

/**
 * relevantOptions are the entries that reach the containers the plugin gives its arguments to, in the configured phases.
 * A process scope reaches only that process type's deploy containers (plugins/docker-options/triggers.go,
 * TriggerDockerArgsProcessDeploy), so with `processes` the scopes of the other types are no concern.
 */
export const relevantOptions = (options: DockerOptions, config: Config): ScopedOption[] =>
  scopedOptions(options, config.phases).filter((e) => e.scope === DEFAULT_SCOPE || e.phase !== 'deploy' || selectsProcess(config, e.scope));

/**
 * adoptableEntry: the plugin gives what this entry did to every container it reaches, so it can be removed. A default
 * deploy entry reaches every process type, so with `processes` the plugin does not give it to all of them: it stays, as
 * does the deploy entry of a process type that is not selected.
 */
export const adoptableEntry = (entry: ScopedOption, config: Config): boolean => {
  if (!adoptable(entry.option, config)) return false;
  if (entry.phase !== 'deploy') return true;
  return entry.scope === DEFAULT_SCOPE ? config.processes.length === 0 : selectsProcess(config, entry.scope);
};
