// The docker-args-process-build trigger's logic: like deploy and run, plus the bridge address for gateway builds
// (BuildKit cannot always resolve host-gateway, PRODUCT.md §5). Separate from docker-args.ts so the deploy and run
// bundles stay free of the process library.
import { bridgeGateway } from './docker';
import { dockerArgsOutput, loadConfig } from './docker-args';
import { PluginError } from './errors';
import { needsBridgeGateway } from './plan';

export async function buildArgsOutput(app: string, builder: string | undefined): Promise<string> {
  const config = loadConfig(app);
  const needsGateway = config.apply === 'triggers' && needsBridgeGateway(config);
  const gateway = needsGateway ? await bridgeGateway() : undefined;
  if (needsGateway && gateway === undefined) {
    throw new PluginError(
      `Unable to read the bridge gateway address from Docker for the build of ${app}: check that Docker runs, or set the address with dokku network-host:set ${app} gateway-ip <ip>`,
    );
  }
  return dockerArgsOutput(config, 'build', { builder, bridgeGateway: gateway });
}
