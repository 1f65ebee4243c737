// Trigger scheduler-register-retired APP CID [WAIT] (contract §5): restores the previous web container after a failed host-mode deploy.
import { main, requireArg } from '../lib/main';
import { triggerSchedulerRegisterRetired } from '../lib/redeploy';

const args = process.argv.slice(2);
main(() => triggerSchedulerRegisterRetired(requireArg(args, 0, 'APP'), requireArg(args, 1, 'CONTAINER_ID')));
