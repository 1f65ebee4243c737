import { planSync, type Entry } from '../../src/lib/plan';

const e = (phase: Entry['phase'], option: string): Entry => ({ phase, option });

test.each<[string, Entry[], Entry[], Record<string, string[]>, object]>([
  ['first apply adds every entry', [e('deploy', '--network=host'), e('run', '--network=host')], [], {}, { add: [e('deploy', '--network=host'), e('run', '--network=host')], remove: [], keep: [] }],
  ['nothing changed', [e('deploy', '--network=host')], [e('deploy', '--network=host')], { deploy: ['--network=host'] }, { add: [], remove: [], keep: [e('deploy', '--network=host')] }],
  ['mode switch removes only its own entries', [e('deploy', '--add-host=h:host-gateway')], [e('deploy', '--network=host')], { deploy: ['--network=host', '--restart=always'] }, { add: [e('deploy', '--add-host=h:host-gateway')], remove: [e('deploy', '--network=host')], keep: [] }],
  ['switched back to triggers: remove all of its own', [], [e('build', '--network=host'), e('run', '--network=host')], { build: ['--network=host'] }, { add: [], remove: [e('build', '--network=host'), e('run', '--network=host')], keep: [] }],
  ['an identical entry the user stored is not doubled nor claimed', [e('deploy', '--network=host')], [], { deploy: ["'--network=host'"] }, { add: [], remove: [], keep: [] }],
  ['an own entry removed by hand is put back', [e('deploy', '--network=host')], [e('deploy', '--network=host')], { deploy: [] }, { add: [e('deploy', '--network=host')], remove: [], keep: [] }],
])('%s', (_name, desired, applied, stored, expected) => {
  expect(planSync(desired, applied, stored)).toEqual(expected);
});
