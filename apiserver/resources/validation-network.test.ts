import assert from 'node:assert/strict';
import { cidr, intOrNamedPort, ip, ipOfFamily, nonSpecialIP, parseCIDR, parseIP, port, protocol } from './validation-network';

const IP_MSG = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';
const CIDR_MSG = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';

describe('validation-network', () => {
  const ips: [string, boolean][] = [
    ['10.244.1.5', true], ['0.0.0.0', true], ['255.255.255.255', true], ['010.001.1.1', true], ['::1', true], ['2001:db8::ffff', true],
    ['::ffff:10.0.0.1', true], ['fe80::1:2:3:4', true], ['1:2:3:4:5:6:7:8', true],
    ['256.1.1.1', false], ['1.2.3', false], ['1.2.3.4.5', false], ['a.b.c.d', false], ['', false], ['1::2::3', false], ['fe80::1%eth0', false],
    ['1:2:3:4:5:6:7:8:9', false], ['12345::', false], ['10.0.0.1/24', false], [' 10.0.0.1', false], ['1.2.3.-1', false],
  ];
  for (const [v, ok] of ips) it(`IP ${JSON.stringify(v)} is ${ok ? 'valid' : 'invalid'}`, () => {
    assert.equal(!!parseIP(v), ok);
    assert.deepEqual(ip('f', v), ok ? [] : [{ reason: 'FieldValueInvalid', field: 'f', message: `Invalid value: ${JSON.stringify(v)}: ${IP_MSG}` }]);
  });

  const cidrs: [string, boolean][] = [
    ['10.244.0.0/16', true], ['10.244.1.0/24', true], ['0.0.0.0/0', true], ['fd00::/64', true], ['10.0.0.1/32', true],
    ['10.0.0.0/33', false], ['10.0.0.0', false], ['fd00::/129', false], ['10.0.0.0/-1', false], ['x/8', false], ['10.0.0.0/8/8', false],
  ];
  for (const [v, ok] of cidrs) it(`CIDR ${v} is ${ok ? 'valid' : 'invalid'}`, () => {
    assert.equal(!!parseCIDR(v), ok);
    assert.deepEqual(cidr('f', v), ok ? [] : [{ reason: 'FieldValueInvalid', field: 'f', message: `Invalid value: ${JSON.stringify(v)}: ${CIDR_MSG}` }]);
  });

  const special: [string, boolean, string[]][] = [
    ['10.0.0.1', false, []],
    ['0.0.0.0', false, ['may not be unspecified (0.0.0.0)']],
    ['::', false, ['may not be unspecified (::)']],
    ['127.0.0.1', false, ['may not be in the loopback range (127.0.0.0/8, ::1/128)']],
    ['127.0.0.1', true, []],
    ['::1', false, ['may not be in the loopback range (127.0.0.0/8, ::1/128)']],
    ['169.254.1.1', false, ['may not be in the link-local range (169.254.0.0/16, fe80::/10)']],
    ['fe80::1', false, ['may not be in the link-local range (169.254.0.0/16, fe80::/10)']],
    ['224.0.0.5', false, ['may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)']],
    ['ff02::1', false, ['may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)']],
    ['::ffff:127.0.0.1', false, ['may not be in the loopback range (127.0.0.0/8, ::1/128)']],
  ];
  for (const [v, loop, want] of special)
    it(`non-special ${v}${loop ? ' (loopback allowed)' : ''}`, () => assert.deepEqual(nonSpecialIP('f', v, loop).map((e) => e.message.replace(/^Invalid value: "[^"]*": /, '')), want));

  it('checks address families', () => {
    assert.deepEqual(ipOfFamily('f', '10.0.0.1', 'IPv4'), []);
    assert.deepEqual(ipOfFamily('f', 'fd00::1', 'IPv4').map((e) => e.message), ['Invalid value: "fd00::1": must be a valid IPv4 address']);
    assert.deepEqual(ipOfFamily('f', '10.0.0.1', 'IPv6').map((e) => e.message), ['Invalid value: "10.0.0.1": must be a valid IPv6 address']);
  });

  const ports: [unknown, string[]][] = [
    [1, []], [65535, []], [8080, []], [0, ['Invalid value: 0: must be between 1 and 65535, inclusive']], [65536, ['Invalid value: 65536: must be between 1 and 65535, inclusive']],
    [-1, ['Invalid value: -1: must be between 1 and 65535, inclusive']], [1.5, ['Invalid value: 1.5: must be between 1 and 65535, inclusive']],
  ];
  for (const [v, want] of ports) it(`port ${v}`, () => assert.deepEqual(port('p', v).map((e) => e.message), want));

  const named: [unknown, string[]][] = [
    [80, []], ['http', []], [70000, ['Invalid value: 70000: must be between 1 and 65535, inclusive']],
    ['8080', ['Invalid value: "8080": must contain at least one letter (a-z)']],
    ['Web', ['Invalid value: "Web": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)']],
    [true, ['Invalid value: true: must be an integer or a string']],
  ];
  for (const [v, want] of named) it(`port or name ${JSON.stringify(v)}`, () => assert.deepEqual(intOrNamedPort('t', v).map((e) => e.message), want));

  it('knows TCP, UDP and SCTP and treats an absent protocol as the default', () => {
    assert.deepEqual(protocol('p', undefined), []);
    assert.deepEqual(protocol('p', 'SCTP'), []);
    assert.deepEqual(protocol('p', 'tcp').map((e) => e.message), ['Unsupported value: "tcp": supported values: "SCTP", "TCP", "UDP"']);
  });
});
