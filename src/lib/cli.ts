// Pure: argument parsing of the subcommands (yargs on an explicit argv, no process access).
import yargs from 'yargs/yargs';
import type { Options } from 'yargs';
import { PluginError } from './errors';
import { COMMANDS } from './help';
import { PLUGIN } from './properties';

/** withAppName honours `dokku --app APP` for a community plugin, which Dokku leaves to the plugin (the dokku script re-inserts it for core plugins only). */
export function withAppName(args: string[], envApp: string | undefined): string[] {
  if (!envApp || args[0] === envApp) return args;
  return [envApp, ...args];
}

export function usageOf(name: string): string {
  const help = COMMANDS.find((c) => c.name === name);
  return help ? `Usage: dokku ${PLUGIN}:${name} ${help.args}`.trimEnd() : `Usage: dokku ${PLUGIN}:${name}`;
}

type Parsed = Record<string, unknown> & { _: string[] };

function parse(name: string, args: string[], options: Record<string, Options>, positionals: { min: number; max: number }): Parsed {
  // yargs silently unwraps a quoted value ("x" becomes x); no valid app, phase, alias, IP or port has quotes, so refuse it.
  const quoted = args.find((arg) => /^(--[\w-]+=)?(["']).*\2$/s.test(arg));
  if (quoted !== undefined) throw new PluginError(`Invalid argument ${quoted}: no valid value contains quotes\n${usageOf(name)}`);
  let parsed: Parsed;
  try {
    parsed = yargs(args)
      .parserConfiguration({
        'parse-positional-numbers': false,
        'parse-numbers': false,
        'greedy-arrays': false,
        'camel-case-expansion': false,
        'strip-aliased': true,
      })
      .options(options)
      .strictOptions()
      .help(false)
      .version(false)
      .exitProcess(false)
      .fail((message, error) => {
        throw new PluginError(`${message || error?.message}\n${usageOf(name)}`);
      })
      .parseSync() as unknown as Parsed;
  } catch (error) {
    if (error instanceof PluginError) throw error;
    throw new PluginError(`${(error as Error).message}\n${usageOf(name)}`);
  }
  const count = parsed._.length;
  if (count < positionals.min) throw new PluginError(count === 0 ? `Please specify an app to run the command on\n${usageOf(name)}` : usageOf(name));
  if (count > positionals.max) throw new PluginError(`Unexpected argument: ${parsed._[positionals.max]}\n${usageOf(name)}`);
  for (const key of Object.keys(options)) {
    const value = parsed[key];
    if (Array.isArray(value) && !options[key]?.array) throw new PluginError(`--${key} may be given only once\n${usageOf(name)}`);
    if (options[key]?.type === 'string' && (value === '' || (Array.isArray(value) && (value.length === 0 || value.includes(''))))) {
      throw new PluginError(`--${key} requires a value\n${usageOf(name)}`);
    }
  }
  return parsed;
}

const rebuild: Options = { type: 'boolean', default: true, describe: 'rebuild a deployed app so the change takes effect' };
const phases: Options = { type: 'string', describe: 'comma list of build, deploy, run' };
const processOption: Options = { type: 'string', array: true, describe: 'a process type (or a comma list) whose deploy containers get the arguments' };

export interface ModeArgs {
  app: string;
  rebuild: boolean;
  phases?: string;
  /** processes are the --process values, each possibly a comma list; undefined keeps the stored value. */
  processes?: string[];
  aliases?: string[];
  ip?: string;
}

export function parseEnable(args: string[]): ModeArgs {
  const p = parse('enable', args, { rebuild, phases, process: processOption }, { min: 1, max: 1 });
  return { app: p._[0]!, rebuild: p.rebuild as boolean, phases: p.phases as string | undefined, processes: p.process as string[] | undefined };
}

export function parseGateway(args: string[]): ModeArgs {
  const p = parse('gateway', args, { rebuild, phases, process: processOption, alias: { type: 'string', array: true }, ip: { type: 'string' } }, { min: 1, max: 1 });
  return {
    app: p._[0]!,
    rebuild: p.rebuild as boolean,
    phases: p.phases as string | undefined,
    processes: p.process as string[] | undefined,
    aliases: p.alias as string[] | undefined,
    ip: p.ip as string | undefined,
  };
}

export function parseDisable(args: string[]): ModeArgs {
  const p = parse('disable', args, { rebuild }, { min: 1, max: 1 });
  return { app: p._[0]!, rebuild: p.rebuild as boolean };
}

export interface SetArgs {
  target: string;
  key: string;
  value: string;
}

/** parseSet follows Dokku's `:set <app>|--global <key> [<value>]`; several values are joined as a comma list. */
export function parseSet(args: string[]): SetArgs {
  const [target, key, ...values] = args;
  if (target === undefined || target === '') throw new PluginError(`Please specify an app to run the command on\n${usageOf('set')}`);
  if (key === undefined || key === '') throw new PluginError(`No property specified\n${usageOf('set')}`);
  return { target, key, value: values.join(',') };
}

export interface CheckArgs {
  app: string;
  ports: number[];
  format: 'stdout' | 'json';
}

export function parseCheck(args: string[]): CheckArgs {
  const p = parse('check', args, { port: { type: 'string', array: true }, format: { type: 'string' } }, { min: 1, max: 1 });
  const ports = ((p.port as string[] | undefined) ?? []).flatMap((v) => v.split(',')).map((v) => {
    const port = Number(v);
    if (!/^\d+$/.test(v) || port < 1 || port > 65535) throw new PluginError(`Port must be a number from 1 to 65535, got ${JSON.stringify(v)}`);
    return port;
  });
  const format = (p.format as string | undefined) ?? 'stdout';
  if (format !== 'stdout' && format !== 'json') throw new PluginError('Invalid --format value specified, valid values: stdout, json');
  return { app: p._[0]!, ports: [...new Set(ports)], format };
}
