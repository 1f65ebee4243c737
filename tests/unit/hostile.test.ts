// Property-based: no stored or typed value can make a trigger print anything but the intended arguments.
import fc from 'fast-check';
import { planPhase, triggerOutput } from '../../src/lib/plan';
import { KEYS, normalizeValue, PHASES, resolveConfig, type Key, type Settings } from '../../src/lib/properties';
import { shellWords } from '../../src/lib/options';

const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.constantFrom('host', 'gateway', 'off', 'deploy,run', 'db.internal', 'a.b\nc.d', '10.1.2.3', 'fd00::1', 'server', 'any', 'ip-10-0-0-1-abc'),
  fc.constantFrom('--privileged', '$(id)', '`id`', "a'b", 'a"b', 'a b', 'a\nb', 'host\n--privileged', '-v /:/host', 'host-gateway --cap-add=ALL', 'é.internal', 'a'.repeat(5000)),
  fc.tuple(fc.constantFrom('host.docker.internal', 'host', 'gateway', 'build,deploy', '10.0.0.1'), fc.constantFrom(' ', '\n', '"', "'", '\\', '$', ';', '=', '\t'), fc.string()).map((parts) => parts.join('')),
);
const SAFE_ARG = /^(--network=host|--add-host=[A-Za-z0-9.-]+:(host-gateway|[0-9a-fA-F.:]+))$/;

test('typed values: refused, or stored as something that only yields safe arguments', () => {
  fc.assert(
    fc.property(fc.constantFrom<Key>(...KEYS), hostile, (key, value) => {
      let stored: string;
      try {
        stored = normalizeValue(key, value);
      } catch {
        return true;
      }
      const config = resolveConfig({ mode: key === 'mode' ? stored : 'gateway', [key]: stored } as Settings, {});
      return PHASES.every((phase) => planPhase(config, phase, { builder: 'dockerfile', bridgeAddress: '172.17.0.1' }).args.every((a) => SAFE_ARG.test(a)));
    }),
    { numRuns: 3000 },
  );
});

test('stored values edited by hand: refused on read, or every phase prints exactly its arguments (xargs splitting)', () => {
  fc.assert(
    fc.property(fc.dictionary(fc.constantFrom<Key>(...KEYS), hostile), fc.dictionary(fc.constantFrom<Key>(...KEYS), hostile), (app, global) => {
      let config;
      try {
        config = resolveConfig(app as Settings, global as Settings);
      } catch {
        return true;
      }
      return PHASES.every((phase) => {
        const { args } = planPhase(config, phase, { builder: 'dockerfile', bridgeAddress: '172.17.0.1' });
        return args.every((a) => SAFE_ARG.test(a)) && JSON.stringify(shellWords(triggerOutput(args))) === JSON.stringify(args);
      });
    }),
    { numRuns: 3000 },
  );
});
