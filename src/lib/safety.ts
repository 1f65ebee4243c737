// Pure: what the user's own docker-options and Dokku settings mean for host networking (PRODUCT.md §7).
import type { Config, Mode, Phase } from './properties';

/** shellWords splits a stored docker-option the way Dokku does (xargs-style quotes, no expansion, contract §3.3). */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "'" || ch === '"') {
      const end = text.indexOf(ch, i + 1);
      word += text.slice(i + 1, end === -1 ? text.length : end);
      i = end === -1 ? text.length : end;
      inWord = true;
    } else if (ch === '\\' && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

export interface OptionFacts {
  network?: string;
  addHosts: string[];
  link: boolean;
  networkAlias: boolean;
  publish: boolean;
  other: boolean;
}

/** optionFacts reads one docker-options entry in any spelling: `--net=host`, `--network host`, `--add-host a:b`… */
export function optionFacts(option: string): OptionFacts {
  const facts: OptionFacts = { addHosts: [], link: false, networkAlias: false, publish: false, other: false };
  const words = shellWords(option);
  for (let i = 0; i < words.length; i++) {
    const [name, inline] = words[i]!.split(/=(.*)/s, 2) as [string, string | undefined];
    const value = (): string => inline ?? words[++i] ?? '';
    if (name === '--net' || name === '--network') facts.network = value();
    else if (name === '--add-host') facts.addHosts.push(value());
    else if (name === '--link') (facts.link = true), value();
    else if (name === '--network-alias' || name === '--net-alias') (facts.networkAlias = true), value();
    else if (name === '-p' || name === '--publish') (facts.publish = true), value();
    else if (/^-p./.test(name) || name === '-P' || name === '--publish-all') facts.publish = true;
    else facts.other = true;
  }
  return facts;
}

/** hostEntry splits an --add-host value (`name:ip` or Docker 25's `name=ip`). */
const hostEntry = (value: string): [string, string] => {
  const at = value.search(/[:=]/);
  return at === -1 ? [value, ''] : [value.slice(0, at), value.slice(at + 1)];
};

/** handWrittenKind tells whether an entry does what one of the plugin's modes does (the seed recipe, any spelling). */
export function handWrittenKind(option: string): Exclude<Mode, 'off'> | undefined {
  const facts = optionFacts(option);
  if (facts.other || facts.link || facts.networkAlias || facts.publish) return undefined;
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

export type PhaseOptions = Partial<Record<Phase, string[]>>;

export interface Adoption {
  phase: Phase;
  option: string;
}

/** planAdoption lists the user's entries, in the phases the plugin applies, that the plugin now makes redundant. */
export function planAdoption(options: PhaseOptions, config: Config): Adoption[] {
  return config.phases.flatMap((phase) => (options[phase] ?? []).filter((o) => adoptable(o, config)).map((option) => ({ phase, option })));
}

export interface NetworkSettings {
  initialNetwork: string;
  attachPostCreate: string;
  attachPostDeploy: string;
}

export interface HostModeInput {
  app: string;
  config: Config;
  options: PhaseOptions;
  network: NetworkSettings;
  /** webScale is the app's web process count; webPort the port its web process binds. */
  webScale: number;
  webPort?: number;
  /** otherHostApps are the other apps in host mode, with their web ports. */
  otherHostApps: { app: string; port?: number }[];
}

export interface Findings {
  errors: string[];
  warnings: string[];
}

/**
 * hostModeFindings lists what Docker or Dokku would refuse, or silently ignore, once the app runs with host networking,
 * each with the command that fixes it. Adoptable entries (the seed recipe) are not conflicts: the plugin replaces them.
 */
export function hostModeFindings(input: HostModeInput): Findings {
  const { app, config, options, network } = input;
  const findings: Findings = { errors: [], warnings: [] };
  if (config.mode !== 'host') return findings;
  if (network.initialNetwork) {
    findings.errors.push(
      `${app} joins network ${network.initialNetwork} (network:set initial-network); a container cannot be on it and on the host network. Fix: dokku network:set ${app} initial-network`,
    );
  }
  for (const [property, value] of [['attach-post-create', network.attachPostCreate], ['attach-post-deploy', network.attachPostDeploy]] as const) {
    if (value) {
      findings.errors.push(
        `${app} attaches networks ${value} (network:set ${property}); Docker cannot connect a host-network container to other networks. Fix: dokku network:set ${app} ${property}`,
      );
    }
  }
  for (const phase of config.phases) {
    for (const option of options[phase] ?? []) {
      if (adoptable(option, config)) continue;
      const facts = optionFacts(option);
      const fix = `dokku docker-options:remove ${app} ${phase} '${option}'`;
      if (facts.network !== undefined && facts.network !== 'host') findings.errors.push(`The ${phase} option ${option} puts ${app} on another network. Fix: ${fix}`);
      else if (facts.network === 'host') findings.errors.push(`The ${phase} option ${option} sets the network twice. Fix: ${fix}`);
      if (facts.link) findings.errors.push(`The ${phase} option ${option} cannot be combined with host networking. Fix: ${fix}`);
      if (facts.networkAlias) findings.errors.push(`The ${phase} option ${option} only works on user-defined networks. Fix: ${fix}`);
      if (facts.publish) findings.warnings.push(`The ${phase} option ${option} is ignored with host networking: the app listens on the host directly`);
    }
  }
  if (config.phases.includes('deploy')) {
    if (input.webScale > 1) {
      findings.errors.push(
        `${app} runs ${input.webScale} web containers; with host networking they would all bind port ${input.webPort ?? 'PORT'}. Fix: dokku ps:scale ${app} web=1`,
      );
    }
    const port = input.webPort;
    const clash = port === undefined ? undefined : input.otherHostApps.find((other) => other.port === port);
    if (clash && port !== undefined) {
      findings.errors.push(
        `Host-mode app ${clash.app} already uses port ${port}. Fix: give ${app} another port, e.g. dokku ports:set ${app} http:80:${port + 1}`,
      );
    }
  }
  return findings;
}
