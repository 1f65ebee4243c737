// Trigger post-delete (contract §4.2).
import { main, requireArg } from '../lib/main';
import { triggerPostDelete } from '../lib/triggers';

const args = process.argv.slice(2);
main(() => triggerPostDelete(requireArg(args, 0, 'APP')));
