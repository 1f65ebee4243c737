// Trigger post-container-create "app|service" CID APP PHASE [PROC] (contract §5): host-mode redeploys and port safety.
import { main, requireArg } from '../lib/main';
import { triggerPostContainerCreate } from '../lib/redeploy';

const args = process.argv.slice(2);
main(() => triggerPostContainerCreate(requireArg(args, 0, 'TYPE'), requireArg(args, 1, 'CONTAINER_ID'), requireArg(args, 2, 'APP'), requireArg(args, 3, 'PHASE'), args[4]));
