// Every component's real main.js goes through lib/component-main: usage on --help, exit 2 with
// usage on a bad flag, and — the point of thin entry points — nothing creates a logger before
// logging is configured: with --log-format=text even the component's fatal start-up line is text.
// The start-up failures here are chosen to happen before anything is bound or written (a missing
// kubeconfig or certificate file).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';

const dist = path.join(__dirname, '..', '..');
const missing = '/nonexistent/k8ts-entry-test';

const failingStart: Record<string, string[]> = {
  apiserver: [`--tls-cert-file=${missing}.crt`, `--tls-private-key-file=${missing}.key`, `--client-ca-file=${missing}-ca.crt`],
  scheduler: [`--kubeconfig=${missing}.conf`],
  'controller-manager': [`--kubeconfig=${missing}.conf`],
  kubelet: [`--kubeconfig=${missing}.conf`, '--node-ip=10.0.0.5', `--root-dir=${missing}`],
  'kube-proxy': [`--kubeconfig=${missing}.conf`, '--node-ip=10.0.0.5', '--healthz-port=0', '--metrics-port=0'],
  dns: [`--kubeconfig=${missing}.conf`, '--port=0', '--health-port=0', '--metrics-port=0', '--upstream=none'],
};

function run(component: string, args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(dist, component, 'main.js'), ...args], {
      env: { ...process.env, K8TS_LOG_LEVEL: '', K8TS_LOG_FORMAT: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, out, err }));
  });
}

describe('component entry points', function () {
  this.timeout(60_000);
  for (const [component, args] of Object.entries(failingStart)) {
    describe(component, () => {
      it('--help prints usage with the common logging flags, exit 0', async () => {
        const r = await run(component, ['--help']);
        assert.equal(r.code, 0);
        assert.match(r.out, new RegExp(`^usage: ${component} \\[flags\\]\\n`));
        for (const f of ['--log-level', '--v', '--log-format']) assert.ok(r.out.includes(`  ${f}  `), f);
      });

      it('a bad flag: the error and usage on stderr, exit 2', async () => {
        const r = await run(component, [...args, '--no-such-flag']);
        assert.equal(r.code, 2);
        assert.match(r.err, new RegExp(`^${component}: unknown flag --no-such-flag\\nusage: ${component} \\[flags\\]`));
      });

      it('logging is configured before the component loads: text format and --v reach its fatal line', async () => {
        const r = await run(component, [...args, '--log-format=text', '--v=2']);
        assert.equal(r.code, 1, r.err + r.out);
        assert.equal(r.err, '');
        const lines = r.out.trim().split('\n');
        assert.match(lines[0], new RegExp(`^\\S+ INFO  ${component}: starting flags=.*"v":2`));
        assert.match(lines.at(-1)!, new RegExp(`^\\S+ FATAL ${component}: start-up failed err=.*nonexistent`));
        assert.ok(lines.every((l) => !l.startsWith('{')), 'no JSON line');
      });
    });
  }
});
