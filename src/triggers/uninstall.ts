// Trigger uninstall (contract §4.2).
import { main } from '../lib/main';
import { triggerUninstall } from '../lib/triggers';

const args = process.argv.slice(2);
main(() => triggerUninstall(args[0]));
