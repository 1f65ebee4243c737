// Trigger post-create APP (contract §4.2): a new app inherits the global settings; with apply=docker-options they are written now.
import { main, requireArg } from '../lib/main';
import { triggerPostCreate } from '../lib/triggers';

const args = process.argv.slice(2);
main(() => triggerPostCreate(requireArg(args, 0, 'APP')));
