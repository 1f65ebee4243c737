import { daemonConfigPath, hostGatewaySettings, inSubnet, resolveBridgeAddress, type BridgeFacts } from '../../src/lib/bridge';

// Shapes of `docker network inspect bridge` seen in the field, and of the daemon's settings.
const docker0 = { docker0: ['172.17.0.1'], eth0: ['10.0.0.5'] };
const facts = (overrides: Partial<BridgeFacts>): BridgeFacts => ({
  hostGatewayIps: [],
  network: { ipam: [{ Subnet: '172.17.0.0/16' }], interfaceName: 'docker0' },
  interfaceAddresses: docker0,
  ...overrides,
});

describe('resolveBridgeAddress: the address Docker gives host-gateway', () => {
  test.each<[string, Partial<BridgeFacts>, string, RegExp]>([
    ['gateway listed (dockerd found docker0 at start)', { network: { ipam: [{ Subnet: '172.17.0.0/16', Gateway: '172.17.0.1' }], interfaceName: 'docker0' } }, '172.17.0.1', /gateway/],
    ['gateway absent (first start after boot: only the subnet)', {}, '172.17.0.1', /docker0 interface/],
    ['IPv6 entries first', { network: { ipam: [{ Subnet: 'fd00::/64', Gateway: 'fd00::1' }, { Subnet: '172.17.0.0/16' }], interfaceName: 'docker0' } }, '172.17.0.1', /docker0 interface/],
    ['IPv6 entry with the v4 gateway listed after it', { network: { ipam: [{ Subnet: 'fd00::/64', Gateway: 'fd00::1' }, { Subnet: '172.17.0.0/16', Gateway: '172.17.0.1' }], interfaceName: 'docker0' } }, '172.17.0.1', /gateway/],
    ['custom bip, gateway absent', { network: { ipam: [{ Subnet: '10.200.0.0/24' }], interfaceName: 'docker0' }, interfaceAddresses: { docker0: ['10.200.0.7'] } }, '10.200.0.7', /docker0 interface/],
    ['custom bip with a second address on the bridge', { network: { ipam: [{ Subnet: '10.200.0.0/24' }], interfaceName: 'docker0' }, interfaceAddresses: { docker0: ['192.168.9.1', '10.200.0.7'] } }, '10.200.0.7', /docker0 interface/],
    ['renamed bridge interface', { network: { ipam: [{ Subnet: '172.18.0.0/16' }], interfaceName: 'br-dokku' }, interfaceAddresses: { docker0: ['172.17.0.1'], 'br-dokku': ['172.18.0.1'] } }, '172.18.0.1', /br-dokku/],
    ['no interface name in the options: docker0', { network: { ipam: [{ Subnet: '172.17.0.0/16' }] } }, '172.17.0.1', /docker0/],
    ['host-gateway-ip set wins over everything', { hostGatewayIps: ['192.168.1.10'], network: { ipam: [{ Subnet: '172.17.0.0/16', Gateway: '172.17.0.1' }], interfaceName: 'docker0' } }, '192.168.1.10', /host-gateway-ip/],
    ['host-gateway-ips with IPv6 first', { hostGatewayIps: ['fd00::5', '192.168.1.10'] }, '192.168.1.10', /host-gateway-ip/],
    ['host-gateway-ip set and no bridge at all', { hostGatewayIps: ['10.0.2.2'], network: undefined }, '10.0.2.2', /host-gateway-ip/],
  ])('%s → %s', (_name, overrides, address, source) => {
    const resolved = resolveBridgeAddress(facts(overrides));
    expect(resolved.address).toBe(address);
    expect(resolved.address && resolved.source).toMatch(source);
  });

  test.each<[string, Partial<BridgeFacts>, RegExp]>([
    ['no bridge network (dockerd --bridge=none)', { network: undefined }, /no default bridge network/],
    ['the interface is gone', { interfaceAddresses: {} }, /docker0 interface has no IPv4 address/],
    ['only IPv6 everywhere', { network: { ipam: [{ Subnet: 'fd00::/64', Gateway: 'fd00::1' }], interfaceName: 'docker0' }, interfaceAddresses: {} }, /no IPv4/],
  ])('%s → the clear error', (_name, overrides, error) => {
    expect(resolveBridgeAddress(facts(overrides))).toEqual({ error: expect.stringMatching(error) });
  });
});

test.each<[string, string, boolean]>([
  ['172.17.0.1', '172.17.0.0/16', true],
  ['172.18.0.1', '172.17.0.0/16', false],
  ['10.200.0.7', '10.200.0.0/24', true],
  ['10.200.1.7', '10.200.0.0/24', false],
  ['fd00::1', '172.17.0.0/16', false],
])('inSubnet(%s, %s) = %s', (ip, subnet, inside) => {
  expect(inSubnet(ip, subnet)).toBe(inside);
});

describe('host-gateway-ip from the daemon configuration and flags', () => {
  test.each<[string | undefined, string[], string[]]>([
    [undefined, ['dockerd'], []],
    ['{}', ['dockerd'], []],
    ['{"host-gateway-ip": "10.0.2.2"}', ['dockerd'], ['10.0.2.2']],
    ['{"host-gateway-ips": ["fd00::1", "10.0.2.2"]}', ['dockerd'], ['fd00::1', '10.0.2.2']],
    ['not json', ['dockerd', '--host-gateway-ip=10.1.1.1'], ['10.1.1.1']],
    [undefined, ['dockerd', '--host-gateway-ip', '10.1.1.1'], ['10.1.1.1']],
  ])('daemon.json %j, command line %j', (json, cmdline, expected) => {
    expect(hostGatewaySettings(json, cmdline)).toEqual(expected);
  });
  test.each<[string[], string]>([
    [['dockerd'], '/etc/docker/daemon.json'],
    [['dockerd', '--config-file', '/srv/daemon.json'], '/srv/daemon.json'],
    [['dockerd', '--config-file=/srv/daemon.json'], '/srv/daemon.json'],
  ])('daemonConfigPath(%j) = %s', (cmdline, path) => {
    expect(daemonConfigPath(cmdline)).toBe(path);
  });
});
