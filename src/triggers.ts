// The triggers bundle: the sh entry (src/sh/hook.sh) answers most calls itself and hands the rest to this file with
// the trigger's name first (as Dokku's Go plugins dispatch one triggers binary on its name, common.mk).
import { HOOKS } from './lib/hooks';
import { main } from './lib/main';

const [name = '', ...args] = process.argv.slice(2);
main(async () => {
  const hook = HOOKS[name];
  if (!hook) throw new Error(`Invalid network-host trigger call: ${name}`);
  await hook(args);
});
