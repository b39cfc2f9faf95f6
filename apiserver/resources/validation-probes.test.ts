import assert from 'node:assert/strict';
import { defaultProbe, lifecycle, probe, type ProbeKind } from './validation-probes';

const msgs = (errs: { field: string; message: string }[]) => errs.map((e) => `${e.field}: ${e.message}`);
const http = { httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' } };

describe('validation-probes', () => {
  const cases: [string, ProbeKind, unknown, string[]][] = [
    ['http liveness', 'liveness', { ...http, successThreshold: 1 }, []],
    ['exec readiness', 'readiness', { exec: { command: ['true'] }, successThreshold: 3 }, []],
    ['grpc startup', 'startup', { grpc: { port: 9090 } }, []],
    ['tcp by port name', 'liveness', { tcpSocket: { port: 'http' } }, []],
    ['no handler', 'liveness', { periodSeconds: 5 }, ['p: Required value: must specify a handler type']],
    ['two handlers', 'liveness', { exec: { command: ['true'] }, tcpSocket: { port: 80 } }, ['p.tcpSocket: Forbidden: may not specify more than 1 handler type']],
    ['exec without command', 'readiness', { exec: {} }, ['p.exec.command: Required value']],
    ['http port out of range', 'liveness', { httpGet: { path: '/', port: 0 } }, ['p.httpGet.port: Invalid value: 0: must be between 1 and 65535, inclusive']],
    ['http numeric string port', 'liveness', { httpGet: { path: '/', port: '8080' } }, ['p.httpGet.port: Invalid value: "8080": must contain at least one letter (a-z)']],
    ['http scheme', 'liveness', { httpGet: { path: '/', port: 80, scheme: 'FTP' } }, ['p.httpGet.scheme: Unsupported value: "FTP": supported values: "HTTP", "HTTPS"']],
    ['http header name', 'liveness', { httpGet: { path: '/', port: 80, httpHeaders: [{ name: 'X Bad', value: 'v' }] } }, ['p.httpGet.httpHeaders: Invalid value: "X Bad": a valid HTTP header must consist of alphanumeric characters or \'-\' (e.g. \'X-Header-Name\', regex used for validation is \'[-A-Za-z0-9]+\')']],
    ['http host', 'liveness', { httpGet: { path: '/', port: 80, host: 'not a host' } }, ['p.httpGet.host: Invalid value: "not a host": a lowercase RFC 1123 subdomain']],
    ['tcp host ip is fine', 'liveness', { tcpSocket: { port: 80, host: '127.0.0.1' } }, []],
    ['grpc port', 'liveness', { grpc: { port: 70000 } }, ['p.grpc.port: Invalid value: 70000: must be between 1 and 65535, inclusive']],
    ['negative numbers', 'readiness', { ...http, initialDelaySeconds: -1, timeoutSeconds: -2, periodSeconds: -3, failureThreshold: -4 }, [
      'p.initialDelaySeconds: Invalid value: -1: must be greater than or equal to 0',
      'p.timeoutSeconds: Invalid value: -2: must be greater than or equal to 0',
      'p.periodSeconds: Invalid value: -3: must be greater than or equal to 0',
      'p.failureThreshold: Invalid value: -4: must be greater than or equal to 0',
    ]],
    ['liveness successThreshold', 'liveness', { ...http, successThreshold: 2 }, ['p.successThreshold: Invalid value: 2: must be 1']],
    ['startup successThreshold', 'startup', { ...http, successThreshold: 3 }, ['p.successThreshold: Invalid value: 3: must be 1']],
    ['probe grace period', 'liveness', { ...http, terminationGracePeriodSeconds: 0 }, ['p.terminationGracePeriodSeconds: Invalid value: 0: must be greater than 0']],
    ['readiness grace period', 'readiness', { ...http, terminationGracePeriodSeconds: 5 }, ['p.terminationGracePeriodSeconds: Invalid value: 5: must not be set for readinessProbes']],
  ];
  for (const [name, kind, p, want] of cases)
    it(name, () => {
      const got = msgs(probe(p, kind, 'p', 30));
      assert.equal(got.length, want.length, got.join('\n'));
      want.forEach((w, i) => assert.ok(got[i].startsWith(w), got[i]));
    });

  it('lifecycle hooks: sleep within the grace period, one handler, no gRPC', () => {
    assert.deepEqual(lifecycle({ preStop: { sleep: { seconds: 5 } }, postStart: { exec: { command: ['x'] } } }, 'l', 30), []);
    assert.deepEqual(msgs(lifecycle({ preStop: { sleep: { seconds: 40 } } }, 'l', 30)), [
      'l.preStop.sleep: Invalid value: 40: must be greater than 0 and less than terminationGracePeriodSeconds (30). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep.',
    ]);
    assert.deepEqual(msgs(lifecycle({ postStart: { grpc: { port: 1 } } }, 'l', 30)), ['l.postStart: Required value: must specify a handler type']);
  });

  it('defaults as SetDefaults_Probe does', () => {
    const p: Record<string, any> = { httpGet: { port: 80 }, successThreshold: 0 };
    defaultProbe(p);
    assert.deepEqual(p, { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, successThreshold: 1, timeoutSeconds: 1, periodSeconds: 10, failureThreshold: 3 });
  });
});
