import assert from 'node:assert/strict';
import { ConfigError, parseApiserverConfig } from './config';

describe('apiserver flags', () => {
  const tls = ['--tls-cert-file=/p/c.pem', '--tls-private-key-file=/p/k.pem', '--client-ca-file=/p/ca.pem', '--advertise-address=10.0.0.1'];

  it('DefaultTolerationSeconds: 300 s unless given, upstream\'s flag names', () => {
    const d = parseApiserverConfig(tls);
    assert.deepEqual([d.defaultNotReadyTolerationSeconds, d.defaultUnreachableTolerationSeconds], [300, 300]);
    const c = parseApiserverConfig([...tls, '--default-not-ready-toleration-seconds=10', '--default-unreachable-toleration-seconds', '20']);
    assert.deepEqual([c.defaultNotReadyTolerationSeconds, c.defaultUnreachableTolerationSeconds], [10, 20]);
  });

  it('refuses seconds that are not whole', () => {
    assert.throws(() => parseApiserverConfig([...tls, '--default-unreachable-toleration-seconds=2.5']), (e: unknown) => e instanceof ConfigError && /--default-unreachable-toleration-seconds must be a whole number of seconds/.test(e.message));
  });

  it('the Metrics API resolution: 15 s unless given, 0 turns it off, a negative one is refused', () => {
    assert.equal(parseApiserverConfig(tls).metricResolution, 15);
    assert.equal(parseApiserverConfig([...tls, '--metric-resolution=0']).metricResolution, 0);
    assert.throws(() => parseApiserverConfig([...tls, '--metric-resolution=-1']), (e: unknown) => e instanceof ConfigError && /--metric-resolution must be a number of seconds/.test(e.message));
  });
});
