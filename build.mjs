// Lays out the plugin root the way plugn and Dokku's dispatcher expect, from src/ (docs/layout.md):
//   commands                 sh, generated from src/sh/commands.sh with the help text of src/lib/help.ts
//   subcommands/subcommands  the Node bundle of every subcommand; subcommands/<name> link to it
//   subcommands/help|default links to ../commands (the usage text, without Node)
//   triggers/triggers        the Node bundle of the triggers that need Node
//   triggers/hook            sh, generated from src/sh/hook.sh; every root trigger file links to it
// Bundles are readable (not minified), one per kind as Dokku's Go plugins ship one binary per kind, for the oldest Node.js
// a Dokku-supported distribution ships: package.json's engines.node (docs/node-versions.md).
import { build } from 'esbuild';
import { chmodSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';

const SUBCOMMANDS = ['check', 'disable', 'enable', 'gateway', 'report', 'set'];
const TRIGGERS = [
  'check-deploy',
  'dependencies',
  'docker-args-process-build',
  'docker-args-process-deploy',
  'docker-args-process-run',
  'install',
  'post-app-clone-setup',
  'post-app-rename-setup',
  'post-container-create',
  'post-delete',
  'post-extract',
  'report',
  'scheduler-deploy',
  'scheduler-register-retired',
  'scheduler-run',
  'uninstall',
  'update',
];

const NODE_FLOOR = JSON.parse(readFileSync('package.json', 'utf8')).engines.node.replace(/^>=\s*/, '');
if (!/^\d+\.\d+\.\d+$/.test(NODE_FLOOR)) throw new Error(`package.json engines.node must be ">=X.Y.Z", got ${NODE_FLOOR}`);
// preserveSymlinks: a git worktree whose node_modules links to another checkout's builds the same files
const options = { bundle: true, platform: 'node', target: `node${NODE_FLOOR}`, format: 'cjs', legalComments: 'none', logLevel: 'warning', preserveSymlinks: true };
const bundle = (entry, outfile) => build({ ...options, entryPoints: [entry], outfile, banner: { js: '#!/usr/bin/env node' } });

/** shellQuote single-quotes a text for sh (the texts are generated into the sh files). */
const shellQuote = (text) => `'${text.replace(/'/g, `'\\''`)}'`;

/** texts evaluates src/lib/build-texts.ts: the help and the report block the sh files print. */
async function texts() {
  const result = await build({ ...options, entryPoints: ['src/lib/build-texts.ts'], write: false });
  const module = { exports: {} };
  new Function('module', 'exports', 'require', result.outputFiles[0].text)(module, module.exports, (await import('node:module')).createRequire(import.meta.url));
  return module.exports;
}

/** generate renders an sh template, replacing each @NAME@ with its quoted text, and fails on a placeholder left over. */
function generate(template, outfile, values) {
  let text = readFileSync(template, 'utf8');
  for (const [name, value] of Object.entries(values)) text = text.replaceAll(`@${name}@`, value);
  const left = /@[A-Z_]+@/.exec(text);
  if (left) throw new Error(`${template}: no value for ${left[0]}`);
  writeFileSync(outfile, text);
}

const link = (target, path) => {
  rmSync(path, { force: true });
  symlinkSync(target, path);
};

for (const dir of ['subcommands', 'triggers']) rmSync(dir, { recursive: true, force: true });
for (const dir of ['subcommands', 'triggers']) mkdirSync(dir);
const [, , generated] = await Promise.all([bundle('src/subcommands.ts', 'subcommands/subcommands'), bundle('src/triggers.ts', 'triggers/triggers'), texts()]);

generate('src/sh/commands.sh', 'commands', {
  ALL_LINES: generated.commandLines.map(shellQuote).join(' '),
  SUMMARY_LINE: shellQuote(generated.summaryLine),
  USAGE: shellQuote(generated.usage),
});
generate('src/sh/hook.sh', 'triggers/hook', { UNTOUCHED_BLOCK: shellQuote(generated.untouchedBlock), NODE_FLOOR });
const hook = readFileSync('triggers/hook', 'utf8');
for (const name of TRIGGERS) {
  if (!new RegExp(`^  (.* \\| )?${name}( \\| .*)?\\)`, 'm').test(hook)) throw new Error(`src/sh/hook.sh has no case for the trigger ${name}`);
}
for (const file of ['commands', 'subcommands/subcommands', 'triggers/triggers', 'triggers/hook']) chmodSync(file, 0o755);

for (const name of SUBCOMMANDS) link('subcommands', `subcommands/${name}`);
for (const name of ['help', 'default']) link('../commands', `subcommands/${name}`);
// plugn only runs executables at the plugin root named after the trigger; links of triggers no longer used go.
for (const name of readdirSync('.')) {
  if (lstatSync(name).isSymbolicLink() && readlinkSync(name).startsWith('triggers/') && !TRIGGERS.includes(name)) rmSync(name);
}
for (const name of TRIGGERS) link('triggers/hook', name);
