import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cmdlineMatches, readPidFile, runningPid, spawnDetached, stopRecorded, tcpOpen, waitUntil } from './supervisor';
import * as net from 'node:net';

describe('supervisor', () => {
  it('matches live command lines, seeing through the nsenter prefix', () => {
    const cases: [string[], string[], boolean][] = [
      [['etcd', '--data-dir=/a'], ['/usr/bin/etcd', '--data-dir=/a'], true],
      [['etcd', '--data-dir=/a'], ['etcd', '--data-dir=/b'], false],
      [['nsenter', '--net=/run/netns/x', '--', 'containerd', '--config', 'c'], ['containerd', '--config', 'c'], true],
      [['node', 'main.js'], ['node', 'main.js', 'extra'], false],
      // before nsenter has exec'd its target
      [['nsenter', '--net=/run/netns/x', '--', 'containerd', '--config', 'c'], ['nsenter', '--net=/run/netns/x', '--', 'containerd', '--config', 'c'], true],
    ];
    for (const [rec, live, want] of cases) assert.equal(cmdlineMatches(rec, live), want, JSON.stringify(rec));
  });

  it('spawns detached with a pid file, recognises it, and stops it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-sup-'));
    const pidFile = path.join(dir, 'run', 'sleep.pid');
    const logFile = path.join(dir, 'logs', 'sleep.log');
    try {
      const pid = spawnDetached(['sleep', '300'], logFile, pidFile);
      assert.equal(readPidFile(pidFile)?.pid, pid);
      await waitUntil('sleep running', () => runningPid(pidFile) === pid, { timeoutMs: 5000 });
      assert.ok(fs.readFileSync(logFile, 'utf8').includes('starting: sleep 300'));
      assert.equal(await stopRecorded(pidFile, 2000), true);
      assert.equal(runningPid(pidFile), undefined);
      assert.equal(fs.existsSync(pidFile), false);
      assert.equal(await stopRecorded(pidFile), false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a dead process with its log instead of waiting out the timeout', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-sup-'));
    const pidFile = path.join(dir, 'x.pid');
    const logFile = path.join(dir, 'x.log');
    try {
      spawnDetached(['sh', '-c', 'echo boom; exit 3'], logFile, pidFile);
      await assert.rejects(
        waitUntil('x', () => false, { pidFile, logFile, timeoutMs: 60_000 }),
        (e: Error & { code?: string }) => e.code === 'START_FAILED' && /boom/.test(e.message),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('probes TCP ports on loopback', async () => {
    const srv = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => srv.once('listening', r));
    const port = (srv.address() as net.AddressInfo).port;
    assert.equal(await tcpOpen('127.0.0.1', port), true);
    await new Promise((r) => srv.close(r));
    assert.equal(await tcpOpen('127.0.0.1', port), false);
  });
});
