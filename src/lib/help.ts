// Pure: the one source of the plugin's help (`dokku help`, `dokku help --all`, `network-host:help`, README).
import { PLUGIN } from './properties';

export const DESCRIPTION = 'Give apps host networking or a host-gateway entry to reach services on the host';

export interface CommandHelp {
  name: string;
  args: string;
  description: string;
}

export const COMMANDS: CommandHelp[] = [
  { name: 'check', args: '<app> [--port PORT]... [--format stdout|json]', description: 'Diagnose whether the app reaches host services on the given ports, with the fix' },
  { name: 'disable', args: '<app> [--no-rebuild]', description: 'Turn host access off for the app (overrides a global mode)' },
  { name: 'enable', args: '<app> [--phases P] [--process PROC]... [--no-rebuild]', description: 'Give the app host networking (--network=host)' },
  { name: 'gateway', args: '<app> [--phases P] [--process PROC]... [--alias NAME]... [--ip IP] [--no-rebuild]', description: 'Give the app a host-gateway entry (--add-host=host.docker.internal:host-gateway)' },
  { name: 'help', args: '', description: 'Show this help' },
  { name: 'report', args: '[<app>|--global] [--format stdout|json] [--network-host-<key>]', description: 'Show the settings, the arguments of each phase, where they apply and the containers' },
  { name: 'set', args: '<app>|--global <key> [<value>]', description: 'Set or unset one property: mode, phases, processes, gateway-aliases, gateway-ip, k3s-node' },
];

/** commandLines are the `    plugin:cmd <args>, description` lines of `dokku help --all` (the 4-space indent feeds bash completion). */
export const commandLines = (): string[] =>
  COMMANDS.map(({ name, args, description }) => `    ${PLUGIN}:${name}${args ? ` ${args}` : ''}, ${description}`);

/** summaryLine is the one line `dokku help` shows for the plugin. */
export const summaryLine = (): string => `    ${PLUGIN}, ${DESCRIPTION}`;

/** columns aligns lines on their first comma, like `column -t -s,` does for Dokku's own help. */
export function columns(lines: string[]): string[] {
  const rows = lines.map((line) => {
    const at = line.indexOf(',');
    return [line.slice(0, at), line.slice(at + 1).trim()] as const;
  });
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `${left.padEnd(width)}  ${right}`);
}

/** usage is the text of `dokku network-host` and `dokku network-host:help` (identical, as Dokku's tests require). */
export const usage = (): string =>
  [`Usage: dokku ${PLUGIN}[:COMMAND]`, '', DESCRIPTION, '', 'Additional commands:', ...columns(commandLines())].join('\n') + '\n';
