// The kubelet's server through the apiserver, end to end with the real kubectl: logs (tail,
// follow, previous), exec (plain, with stdin, with a TTY), attach, on a whole cluster in its own
// netns; the official Python client's booleans (`stdout=True`) on exec and logs, the base64
// channel protocol, and frames that break RFC 6455 refused while the kubelet keeps serving.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { up, down, type ClusterInfo, type ClusterOptions } from '../../deploy/cluster/cluster';
import { Kubectl } from '../harness/kubectl';
import { run, waitFor } from '../harness/exec';
import { repoRoot } from '../../lib/repo-root';
import { inNetns } from './netns-client';

const podYaml = (name: string, script: string) => `
apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  restartPolicy: Always
  containers:
  - name: main
    image: k8ts/web:1.0
    command: ["sh", "-c", ${JSON.stringify(script)}]
`;

describe('kubelet server: logs and exec through the apiserver', function () {
  const opts: ClusterOptions = {
    home: fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-ks-')),
    netns: `k8ts-ks-${randomBytes(3).toString('hex')}`,
    nodeName: 'ks-node-1',
  };
  let info: ClusterInfo;
  let k: Kubectl;

  const running = (name: string) =>
    waitFor(`${name} running`, async () => {
      const p = await k.json<{ status: { phase?: string; containerStatuses?: { ready: boolean; restartCount: number }[] } }>(['get', 'pod', name]);
      return p.status.phase === 'Running' && p.status.containerStatuses?.[0]?.ready && p;
    }, 120_000, 500);

  before(async function () {
    info = await up(opts);
    k = new Kubectl(info.kubeconfig, info.netns);
    await k.run(['apply', '-f', '-'], podYaml('counter', 'i=0; while true; do echo line $i; i=$((i+1)); sleep 0.3; done'));
    await k.run(['apply', '-f', '-'], podYaml('crasher', 'echo attempt-$(cat /proc/sys/kernel/random/uuid); sleep 1; exit 3'));
    // Reads its stdin until the first attach that sends some ends it (stdinOnce), then exits.
    await k.run(['apply', '-f', '-'], podYaml('reader', 'while read l; do echo got-$l; done; echo stdin-closed').replace('    command:', '    stdin: true\n    stdinOnce: true\n    command:'));
    await running('counter');
  });

  after(async function () {
    await down(opts, { purge: true }).catch(() => undefined);
    fs.rmSync(opts.home, { recursive: true, force: true });
  });

  it('kubectl logs returns the container output, with --tail', async () => {
    await waitFor('a few lines', async () => (await k.out(['logs', 'counter'])).includes('line 3'), 30_000);
    const all = await k.out(['logs', 'counter']);
    assert.match(all, /^line 0\nline 1\n/);
    const tail = await k.out(['logs', 'counter', '--tail', '2']);
    assert.equal(tail.trim().split('\n').length, 2);
    const ts = await k.out(['logs', 'counter', '--tail', '1', '--timestamps']);
    assert.match(ts, /^\d{4}-\d\d-\d\dT\S+ line \d+\n$/);
  });

  it('kubectl logs -f streams lines as they are written', async () => {
    const r = await run(['timeout', '3', 'kubectl', '--kubeconfig', info.kubeconfig, 'logs', '-f', '--tail', '1', 'counter'], { netns: info.netns, check: false });
    const nums = r.stdout.trim().split('\n').map((l) => Number(/line (\d+)/.exec(l)?.[1]));
    assert.ok(nums.length >= 4, `expected several followed lines, got ${JSON.stringify(r.stdout)}`);
    for (let i = 1; i < nums.length; i++) assert.equal(nums[i], nums[i - 1] + 1);
  });

  it('kubectl logs --previous shows the attempt before a restart', async () => {
    await waitFor('crasher restarted', async () => {
      const p = await k.json<{ status: { containerStatuses?: { restartCount: number; state: { running?: unknown } }[] } }>(['get', 'pod', 'crasher']);
      return (p.status.containerStatuses?.[0]?.restartCount ?? 0) >= 1;
    }, 90_000, 1000);
    const prev = await k.out(['logs', 'crasher', '--previous']);
    const cur = await k.out(['logs', 'crasher']);
    assert.match(prev, /^attempt-[0-9a-f-]{36}\n$/);
    assert.match(cur, /^attempt-[0-9a-f-]{36}\n$/);
    assert.notEqual(prev, cur);
  });

  it('kubectl exec runs a command in the container', async () => {
    const out = await k.out(['exec', 'counter', '--', 'cat', '/etc/hostname']);
    assert.equal(out.trim(), 'counter');
    const r = await run(["kubectl", "--kubeconfig", info.kubeconfig, "exec", "counter", "--", "sh", "-c", "echo to-stderr >&2; exit 7"], { netns: info.netns, check: false });
    assert.equal(r.code, 7);
    assert.match(r.stderr, /to-stderr/);
  });

  it('kubectl exec -i passes stdin', async () => {
    const out = await k.out(['exec', '-i', 'counter', '--', 'sh', '-c', 'read x; echo got-$x'], 'hello\n');
    assert.equal(out.trim(), 'got-hello');
  });

  it('kubectl exec -i sees stdin end (v5 half-close reaches the process)', async () => {
    // timeout(1) turns a regression (stdin never closed, wc waits forever) into a failure.
    const r = await run(['timeout', '30', 'kubectl', '--kubeconfig', info.kubeconfig, 'exec', '-i', 'counter', '--', 'wc', '-l'], {
      netns: info.netns,
      input: 'a\nb\n',
      check: false,
    });
    assert.equal(r.code, 0, `kubectl exited ${r.code}: ${r.stderr}`);
    assert.equal(r.stdout.trim(), '2');
  });

  it('kubectl exec -i ends when the process exits with stdin still flowing (yes | head -2)', async () => {
    // containerd 1.6 misbehaves when a process exits without reading all of its stdin. Each run
    // ends in one of three ways, all of them honest: normally (exit 0, the output); through the
    // kubelet's bound on containerd's wedge (no Status ever comes; exit 1, the output); or with
    // containerd resetting the exec connection, taking what it had not sent with it (exit 1, told
    // so). Never a hang (timeout(1)) and never a silent success without the output.
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await run(['timeout', '60', 'sh', '-c', `yes | kubectl --kubeconfig ${info.kubeconfig} exec -i counter -- head -2`], { netns: info.netns, check: false });
      if (r.code === 0) {
        assert.equal(r.stdout, 'y\ny\n', `run ${i}: a success prints the output`);
        outcomes.push('ok');
      } else if (r.code === 1 && /did not report the exit status/.test(r.stderr)) {
        assert.equal(r.stdout, 'y\ny\n', `run ${i}: the wedge comes after the output`);
        outcomes.push('wedged');
      } else {
        assert.ok(r.code === 1 && /closed the exec connection without reporting the exit status/.test(r.stderr), `run ${i}: kubectl exited ${r.code}: ${r.stderr}`);
        outcomes.push('reset');
      }
    }
    assert.ok(outcomes.some((o) => o !== 'reset'), `the output reached kubectl in none of the runs: ${outcomes.join(', ')}`);
  });

  it('kubectl exec -it runs with a TTY and passes the terminal size', async () => {
    // script(1) gives kubectl a pty (sized 45x123); keys go in through its stdin. kubectl sends
    // the size when it connects, long before the typed line, so stty sees it after the read.
    const cmd = `stty rows 45 cols 123; kubectl --kubeconfig ${info.kubeconfig} exec -it counter -- sh -c 'tty; read x; echo typed-$x; stty size'`;
    const child: ChildProcessWithoutNullStreams = spawn('ip', ['netns', 'exec', opts.netns!, 'script', '-qfec', cmd, '/dev/null']);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    await waitFor('the tty to print', async () => out.includes('/dev/pts'), 30_000);
    child.stdin.write('abc\r');
    const code = await new Promise<number | null>((resolve) => {
      const t = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.on('close', (c) => {
        clearTimeout(t);
        resolve(c);
      });
    });
    assert.match(out, /typed-abc/);
    assert.match(out, /^45 123\r?$/m);
    assert.equal(code, 0);
  });

  it('nodes/proxy reaches the kubelet API: /pods, /stats/summary, /metrics', async () => {
    const base = `/api/v1/nodes/${opts.nodeName}/proxy`;
    const pods = JSON.parse(await k.out(['get', '--raw', `${base}/pods`])) as { items: { metadata: { name: string } }[] };
    assert.ok(pods.items.some((p) => p.metadata.name === 'counter'));
    const summary = JSON.parse(await k.out(['get', '--raw', `${base}/stats/summary`])) as { node: { nodeName: string }; pods: { podRef: { name: string } }[] };
    assert.equal(summary.node.nodeName, opts.nodeName);
    assert.ok(summary.pods.some((p) => p.podRef.name === 'counter'));
    assert.match(await k.out(['get', '--raw', `${base}/metrics`]), /kubelet_running_pods/);
  });

  it('k8ts logs and k8ts exec go through the apiserver too', async () => {
    const cli = path.join(repoRoot(), 'bin', 'k8ts.js');
    const env = { KUBECONFIG: info.kubeconfig };
    const logs = await run(['node', cli, 'logs', '--tail', '1', 'counter'], { netns: info.netns, env });
    assert.match(logs.stdout, /^line \d+\n$/);
    const ex = await run(['node', cli, 'exec', 'counter', '--', 'cat', '/etc/hostname'], { netns: info.netns, env });
    assert.equal(ex.stdout.trim(), 'counter');
  });

  it('kubectl attach streams the output of the running process', async () => {
    const r = await run(['timeout', '3', 'kubectl', '--kubeconfig', info.kubeconfig, 'attach', 'counter'], { netns: info.netns, check: false });
    assert.match(r.stdout, /^line \d+$/m, `kubectl attach printed ${JSON.stringify(r.stdout)}, ${r.stderr}`);
  });

  it('kubectl attach -i feeds the process stdin; stdinOnce closes it when the attach ends', async () => {
    await running('reader');
    const r = await run(['timeout', '30', 'kubectl', '--kubeconfig', info.kubeconfig, 'attach', '-i', 'reader'], { netns: info.netns, input: 'hello\n', check: false });
    assert.match(r.stdout, /got-hello\nstdin-closed\n/, r.stderr);
  });

  const EXEC = '/api/v1/namespaces/default/pods/counter/exec';
  const decoded = (b64: string[] | undefined) => (b64 ?? []).map((b) => Buffer.from(b, 'base64').toString()).join('');

  it("exec with the Python client's booleans (stdout=True&stderr=True), binary and base64 channels", async () => {
    const q = new URLSearchParams([['command', 'sh'], ['command', '-c'], ['command', 'echo out; echo err >&2'], ['stdout', 'True'], ['stderr', 'True']]);
    for (const protocol of ['v4.channel.k8s.io', 'v4.base64.channel.k8s.io']) {
      const r = await inNetns(info.netns!, { kind: 'channels', kubeconfig: info.kubeconfig, path: `${EXEC}?${q}`, protocols: [protocol], send: [] });
      assert.equal(r.kind, 'channels', JSON.stringify(r));
      if (r.kind !== 'channels') return;
      assert.equal(r.protocol, protocol);
      assert.equal(decoded(r.channels[1]), 'out\n', protocol);
      assert.equal(decoded(r.channels[2]), 'err\n', protocol);
      assert.equal(JSON.parse(decoded(r.channels[3])).status, 'Success', protocol);
    }
    // stdout=False means no stdout stream: only stderr comes back.
    q.set('stdout', 'False');
    const r = await inNetns(info.netns!, { kind: 'channels', kubeconfig: info.kubeconfig, path: `${EXEC}?${q}`, protocols: ['v4.channel.k8s.io'], send: [] });
    assert.equal(r.kind === 'channels' && [decoded(r.channels[1]), decoded(r.channels[2])].join('|'), '|err\n');
  });

  it('logs with timestamps=True (as the Python client sends it)', async () => {
    const out = await k.out(['get', '--raw', '/api/v1/namespaces/default/pods/counter/log?tailLines=1&timestamps=True']);
    assert.match(out, /^\d{4}-\d\d-\d\dT\S+ line \d+\n$/);
  });

  it('an oversized or unmasked frame ends that exec with 1009 / 1002; the kubelet keeps serving', async () => {
    const path = `${EXEC}?command=cat&stdin=true&stdout=true`;
    const big = await inNetns(info.netns!, { kind: 'bad-frame', kubeconfig: info.kubeconfig, path, protocol: 'v4.channel.k8s.io', frame: 'oversized' });
    assert.deepEqual(big, { kind: 'bad-frame', closeCode: 1009 });
    const unmasked = await inNetns(info.netns!, { kind: 'bad-frame', kubeconfig: info.kubeconfig, path, protocol: 'v4.channel.k8s.io', frame: 'unmasked' });
    assert.deepEqual(unmasked, { kind: 'bad-frame', closeCode: 1002 });
    assert.equal((await k.out(['exec', 'counter', '--', 'echo', 'still serving'])).trim(), 'still serving');
  });
});
