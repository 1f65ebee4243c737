// Trigger post-app-rename-setup (contract §4.2).
import { main, requireArg } from '../lib/main';
import { triggerPostAppRenameSetup } from '../lib/triggers';

const args = process.argv.slice(2);
main(() => triggerPostAppRenameSetup(requireArg(args, 0, 'OLD_APP'), requireArg(args, 1, 'NEW_APP')));
