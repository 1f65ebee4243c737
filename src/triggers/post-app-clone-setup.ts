// Trigger post-app-clone-setup (contract §4.2).
import { main, requireArg } from '../lib/main';
import { triggerPostAppCloneSetup } from '../lib/triggers';

const args = process.argv.slice(2);
main(() => triggerPostAppCloneSetup(requireArg(args, 0, 'OLD_APP'), requireArg(args, 1, 'NEW_APP')));
