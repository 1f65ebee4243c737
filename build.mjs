// Bundles each TypeScript entrypoint into a self-contained executable for Node >= 18 and lays out the plugin root
// the way plugn and Dokku's dispatcher expect (contract §1.2): `commands`, `subcommands/<name>`, root trigger entries.
import { build } from 'esbuild';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { basename } from 'node:path';

const ts = (dir) => readdirSync(`src/${dir}`).filter((f) => f.endsWith('.ts')).map((f) => basename(f, '.ts'));
const sh = (dir) => readdirSync(`src/${dir}`).filter((f) => f.endsWith('.sh')).map((f) => basename(f, '.sh'));

const subcommands = ts('subcommands');
const nodeTriggers = ts('triggers');
const shellTriggers = sh('triggers').filter((name) => name !== 'run-node');

for (const dir of ['subcommands', 'triggers']) rmSync(dir, { recursive: true, force: true });
for (const dir of ['subcommands', 'triggers']) mkdirSync(dir);

const bundle = (entry, outfile) =>
  build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node18',
    format: 'cjs',
    minify: true,
    legalComments: 'none',
    banner: { js: '#!/usr/bin/env node' },
    logLevel: 'warning',
  });

await Promise.all([
  bundle('src/commands.ts', 'commands'),
  ...subcommands.map((name) => bundle(`src/subcommands/${name}.ts`, `subcommands/${name}`)),
  ...nodeTriggers.map((name) => bundle(`src/triggers/${name}.ts`, `triggers/${name}`)),
]);
for (const name of ['run-node', ...shellTriggers]) copyFileSync(`src/triggers/${name}.sh`, `triggers/${name}`);
for (const file of ['commands', ...subcommands.map((n) => `subcommands/${n}`), ...readdirSync('triggers').map((n) => `triggers/${n}`)]) {
  chmodSync(file, 0o755);
}

// `dokku network-host` and `dokku network-host:help` print the same text, so default is the help entry itself.
symlinkSync('help', 'subcommands/default');
// plugn only runs executables at the plugin root named after the trigger.
for (const name of nodeTriggers) {
  rmSync(name, { force: true });
  symlinkSync('triggers/run-node', name);
}
for (const name of shellTriggers) {
  rmSync(name, { force: true });
  symlinkSync(`triggers/${name}`, name);
}
