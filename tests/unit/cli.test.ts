import { parseCheck, parseDisable, parseEnable, parseGateway, parseSet, withAppName } from '../../src/lib/cli';

describe('subcommand argument parsing', () => {
  test.each<[string, () => unknown, object]>([
    ['enable app', () => parseEnable(['app']), { app: 'app', rebuild: true, phases: undefined }],
    ['enable --phases', () => parseEnable(['app', '--phases', 'deploy,run']), { app: 'app', phases: 'deploy,run' }],
    ['enable --phases=', () => parseEnable(['--phases=run', 'app']), { app: 'app', phases: 'run' }],
    ['enable --no-rebuild', () => parseEnable(['app', '--no-rebuild']), { rebuild: false }],
    ['numeric app name stays a string', () => parseEnable(['123']), { app: '123' }],
    ['gateway defaults', () => parseGateway(['app']), { app: 'app', aliases: undefined, ip: undefined }],
    ['gateway repeated --alias', () => parseGateway(['app', '--alias', 'a', '--alias', 'b']), { aliases: ['a', 'b'] }],
    ['gateway --alias does not swallow the app', () => parseGateway(['--alias', 'a', 'app']), { app: 'app', aliases: ['a'] }],
    ['gateway --ip', () => parseGateway(['app', '--ip', '10.0.0.1']), { ip: '10.0.0.1' }],
    ['enable without --process keeps the stored processes', () => parseEnable(['app']), { processes: undefined }],
    ['enable --process', () => parseEnable(['app', '--process', 'worker']), { app: 'app', processes: ['worker'] }],
    ['enable repeated --process and comma lists', () => parseEnable(['app', '--process', 'worker', '--process=clock,web']), { processes: ['worker', 'clock,web'] }],
    ['enable --process does not swallow the app', () => parseEnable(['--process', 'worker', 'app']), { app: 'app', processes: ['worker'] }],
    ['gateway --process', () => parseGateway(['app', '--process', 'worker', '--alias', 'a']), { processes: ['worker'], aliases: ['a'] }],
    ['disable', () => parseDisable(['app', '--no-rebuild']), { app: 'app', rebuild: false }],
    ['set', () => parseSet(['app', 'mode', 'host']), { target: 'app', key: 'mode', value: 'host' }],
    ['set --global', () => parseSet(['--global', 'mode', 'host']), { target: '--global', key: 'mode', value: 'host' }],
    ['set unset', () => parseSet(['app', 'mode']), { value: '' }],
    ['set several values', () => parseSet(['app', 'gateway-aliases', 'a', 'b']), { value: 'a,b' }],
  ])('%s', (_name, parse, expected) => {
    expect(parse()).toMatchObject(expected);
  });

  test.each<[string, () => unknown, RegExp]>([
    ['enable without app', () => parseEnable([]), /Please specify an app to run the command on/],
    ['enable with two apps', () => parseEnable(['a', 'b']), /Unexpected argument: b/],
    ['enable unknown flag', () => parseEnable(['a', '--force']), /Unknown argument: force/],
    ['enable --phases without value', () => parseEnable(['a', '--phases']), /--phases requires a value/],
    ['gateway --ip without value', () => parseGateway(['a', '--ip']), /--ip requires a value/],
    ['gateway --alias without value', () => parseGateway(['a', '--alias']), /--alias requires a value/],
    ['disable --phases (not an option of disable)', () => parseDisable(['a', '--phases', 'run']), /Unknown argument: phases/],
    ['enable --process without value', () => parseEnable(['a', '--process']), /--process requires a value/],
    ['disable --process (not an option of disable)', () => parseDisable(['a', '--process', 'worker']), /Unknown argument: process/],
    ['quoted alias (yargs would unwrap it)', () => parseGateway(['a', '--alias="quoted"']), /Invalid argument --alias="quoted": no valid value contains quotes/],
    ['quoted app', () => parseEnable(["'a'"]), /Invalid argument 'a'/],
    ['--phases twice', () => parseEnable(['a', '--phases', 'deploy', '--phases', 'run']), /--phases may be given only once/],
    ['--ip twice', () => parseGateway(['a', '--ip', '1.2.3.4', '--ip', '5.6.7.8']), /--ip may be given only once/],
    ['--port twice is fine (a list)', () => { throw new Error(JSON.stringify(parseCheck(['a', '--port', '1', '--port', '2']).ports)); }, /\[1,2\]/],
    ['check --port out of range', () => parseCheck(['a', '--port', '70000']), /Port must be a number from 1 to 65535/],
    ['set without anything', () => parseSet([]), /Please specify an app/],
    ['set without key', () => parseSet(['app']), /No property specified/],
  ])('%s', (_name, parse, message) => {
    expect(parse).toThrow(message);
  });
});

test.each<[string[], string | undefined, string[]]>([
  [['app'], undefined, ['app']],
  [[], 'app', ['app']],
  [['--no-rebuild'], 'app', ['app', '--no-rebuild']],
  [['app', '--no-rebuild'], 'app', ['app', '--no-rebuild']],
])('withAppName(%j, %j) honours dokku --app', (args, env, expected) => {
  expect(withAppName(args, env)).toEqual(expected);
});
