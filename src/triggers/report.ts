// Trigger report (contract §4.2).
import { main, requireArg } from '../lib/main';
import { triggerReport } from '../lib/triggers';

const args = process.argv.slice(2);
main(() => triggerReport(requireArg(args, 0, 'APP')));
