import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { request } from './control';
import { alive, readPidFile, stopPid } from './proc';
import type { UnitStatus } from './status';
import { Supervisor } from './supervisor';
import { writeUnits } from './launch';
import type { UnitSpec } from './unit';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, fn: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('supervisor', function () {
  let dir: string;
  const supervisors: Supervisor[] = [];

  const unit = (name: string, argv: string[], over: Partial<UnitSpec> = {}): UnitSpec => ({
    name,
    argv,
    logFile: path.join(dir, 'logs', `${name}.log`),
    pidFile: path.join(dir, 'run', `${name}.pid`),
    ...over,
  });

  async function supervise(units: UnitSpec[]): Promise<Supervisor> {
    writeUnits(path.join(dir, 'run'), units);
    const s = new Supervisor({ dir: path.join(dir, 'run'), adoptPollMs: 50, probeIntervalMs: 30 });
    supervisors.push(s);
    await s.start();
    return s;
  }

  const unitOf = (s: Supervisor, name: string): UnitStatus => s.status().units.find((u) => u.name === name)!;
  const running = (s: Supervisor, name: string, notPid?: number) =>
    until(`${name} running`, () => {
      const u = unitOf(s, name);
      return u.state === 'running' && u.pid !== undefined && u.pid !== notPid && u;
    });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-sup-'));
  });

  afterEach(async () => {
    // stop every unit of every supervisor of the test, then the supervisors
    for (const s of supervisors.splice(0)) {
      for (const u of s.status().units) await s.handle({ cmd: 'stop', unit: u.name }).catch(() => undefined);
      await s.close();
    }
    for (const f of fs.existsSync(path.join(dir, 'run')) ? fs.readdirSync(path.join(dir, 'run')) : []) {
      const rec = f.endsWith('.pid') ? readPidFile(path.join(dir, 'run', f)) : undefined;
      if (rec && rec.pid !== process.pid && alive(rec.pid)) await stopPid(rec.pid, 1000);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts units in dependency order, each after its dependencies are ready', async () => {
    const sock = path.join(dir, 'a.sock');
    const listenLater = `setTimeout(() => require('net').createServer().listen(process.argv[1]), 300)`;
    const s = await supervise([
      unit('b', ['sleep', '300'], { after: ['a'] }),
      unit('a', [process.execPath, '-e', listenLater, sock], { ready: [{ unix: sock }] }),
    ]);
    const b = await running(s, 'b');
    const a = unitOf(s, 'a');
    assert.equal(a.state, 'running');
    assert.ok(b.startedAt! >= a.readyAt!, `b started at ${b.startedAt}, a ready at ${a.readyAt}`);
    assert.equal(readPidFile(path.join(dir, 'run', 'b.pid'))?.pid, b.pid);
    const st = JSON.parse(fs.readFileSync(path.join(dir, 'run', 'status.json'), 'utf8'));
    assert.equal(st.supervisor.pid, process.pid);
  });

  it('restarts a process killed with SIGKILL, counts it and records the decision', async () => {
    const s = await supervise([unit('sleeper', ['sleep', '300'])]);
    const before = await running(s, 'sleeper');
    process.kill(before.pid!, 'SIGKILL');
    const after = await running(s, 'sleeper', before.pid);
    assert.notEqual(after.pid, before.pid);
    assert.equal(after.restarts, 1);
    assert.equal(after.lastExit?.signal, 'SIGKILL');
    assert.equal(after.lastExit?.requested, false);
    assert.deepEqual(
      { reason: after.lastDecision?.reason, delayMs: after.lastDecision?.delayMs, counted: after.lastDecision?.counted },
      { reason: 'exited', delayMs: 100, counted: true },
    );
    assert.match(fs.readFileSync(path.join(dir, 'logs', 'sleeper.log'), 'utf8'), /starting: sleep 300[\s\S]*starting: sleep 300/);
  });

  it('restarts a clean exit too', async () => {
    const s = await supervise([unit('once', ['sh', '-c', 'sleep 0.1; exit 0'], { restart: { stableAfterMs: 50 } })]);
    const u = await until('two restarts', () => unitOf(s, 'once').restarts >= 2 && unitOf(s, 'once'));
    assert.equal(u.lastExit?.code, 0);
    // it ran longer than stableAfterMs each time: never a crash loop
    assert.ok(u.decisions.every((d) => d.reason === 'exited' && d.delayMs === 100), JSON.stringify(u.decisions));
  });

  it('backs off a crash-looping unit (a bad flag) and resets after it stayed up', async () => {
    const s = await supervise([
      unit('bad', ['sleep', '--no-such-flag'], { restart: { baseDelayMs: 20, factor: 2, maxDelayMs: 160, stableAfterMs: 60_000 } }),
    ]);
    const u = await until('six crash-loop decisions', () => unitOf(s, 'bad').decisions.length >= 6 && unitOf(s, 'bad'));
    const six = u.decisions.slice(0, 6);
    assert.deepEqual(six.map((d) => d.delayMs), [20, 40, 80, 160, 160, 160]);
    assert.deepEqual(six.map((d) => d.failures), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(six.map((d) => d.reason), ['exited', 'crash-loop', 'crash-loop', 'crash-loop', 'crash-loop', 'crash-loop']);
    assert.equal(u.lastExit?.code, 1);
    assert.ok(u.restarts >= 6);
    assert.match(fs.readFileSync(u.logFile, 'utf8'), /no-such-flag/);
  });

  it('keeps a requested stop stopped, and neither stop nor restart counts as a crash', async () => {
    const s = await supervise([unit('svc', ['sleep', '300'])]);
    const first = await running(s, 'svc');
    const stopped = await s.handle({ cmd: 'stop', unit: 'svc' });
    assert.ok(stopped.ok);
    let u = unitOf(s, 'svc');
    assert.deepEqual([u.state, u.pid, u.restarts, u.lastExit?.requested, u.lastExit?.signal], ['stopped', undefined, 0, true, 'SIGTERM']);
    assert.equal(alive(first.pid!), false);
    assert.equal(fs.existsSync(path.join(dir, 'run', 'svc.pid')), false);
    await sleep(300); // several restart delays: still stopped
    assert.equal(unitOf(s, 'svc').state, 'stopped');

    assert.ok((await s.handle({ cmd: 'start', unit: 'svc' })).ok);
    const second = await running(s, 'svc', first.pid);
    const r = await s.handle({ cmd: 'restart', unit: 'svc' });
    assert.ok(r.ok && r.pid !== undefined && r.pid !== second.pid);
    u = await running(s, 'svc', second.pid);
    assert.equal(u.restarts, 0);
    assert.equal(u.lastDecision?.reason, 'stopped');
  });

  it('adopts the processes of a supervisor that went away, and restarts them when they die', async () => {
    const units = [unit('one', ['sleep', '300']), unit('two', ['sleep', '301'])];
    const a = await supervise(units);
    const one = await running(a, 'one');
    process.kill(one.pid!, 'SIGKILL');
    const oneAgain = await running(a, 'one', one.pid);
    const two = await running(a, 'two');
    await a.close(); // as if the supervisor died: its processes keep running
    supervisors.splice(supervisors.indexOf(a), 1);
    assert.ok(alive(oneAgain.pid!) && alive(two.pid!));

    const b = await supervise(units);
    const adopted = await running(b, 'one');
    assert.equal(adopted.pid, oneAgain.pid);
    assert.equal(adopted.adopted, true);
    assert.equal(adopted.restarts, 1, 'the history of an adopted process continues');
    assert.equal(unitOf(b, 'two').pid, two.pid);

    process.kill(two.pid!, 'SIGKILL');
    const twoAgain = await running(b, 'two', two.pid);
    assert.equal(twoAgain.restarts, 1);
    assert.equal(twoAgain.adopted, false);
    assert.equal(twoAgain.lastDecision?.delayMs, 100);
  });

  it('does not mistake a reused pid for its process', async () => {
    // the pid file names a live process (this test runner) that is not what the unit started
    fs.mkdirSync(path.join(dir, 'run'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'run', 'x.pid'), JSON.stringify({ pid: process.pid, argv: ['sleep', '302'] }));
    const s = await supervise([unit('x', ['sleep', '302'])]);
    const u = await running(s, 'x');
    assert.notEqual(u.pid, process.pid);
    assert.equal(u.adopted, false);
  });

  it('survives a unit whose program does not exist, retrying with backoff', async () => {
    const s = await supervise([unit('ghost', ['/nonexistent/program'], { restart: { baseDelayMs: 10, maxDelayMs: 40 } }), unit('ok', ['sleep', '300'])]);
    const u = await until('ghost retried', () => unitOf(s, 'ghost').decisions.length >= 3 && unitOf(s, 'ghost'));
    assert.match(u.lastExit?.error ?? '', /ENOENT/);
    assert.deepEqual(u.decisions.slice(0, 3).map((d) => d.delayMs), [10, 20, 40]);
    await running(s, 'ok');
  });

  it('is alone on its directory: a second supervisor refuses to start', async () => {
    const a = await supervise([unit('svc', ['sleep', '300'])]);
    await running(a, 'svc');
    const b = new Supervisor({ dir: path.join(dir, 'run') });
    await assert.rejects(b.start(), (e: Error & { code?: string }) => e.code === 'ALREADY_RUNNING');
    assert.equal(unitOf(a, 'svc').restarts, 0);
  });

  it('answers on its control socket and refuses unknown units and requests', async () => {
    const s = await supervise([unit('svc', ['sleep', '300'])]);
    await running(s, 'svc');
    const r = await request(s.paths.socket, { cmd: 'status' });
    assert.ok(r.ok && r.status.units[0].name === 'svc');
    const bad = await request(s.paths.socket, { cmd: 'stop', unit: 'nope' });
    assert.ok(!bad.ok && bad.error.code === 'UNIT_UNKNOWN' && /units: svc/.test(bad.error.message));
    const garbage = await request(s.paths.socket, { cmd: 'reboot' } as never);
    assert.ok(!garbage.ok && garbage.error.code === 'BAD_REQUEST');
  });

  it('applies a changed unit file: new units start, stopped ones start again', async () => {
    const s = await supervise([unit('one', ['sleep', '300'])]);
    await running(s, 'one');
    await s.handle({ cmd: 'stop', unit: 'one' });
    writeUnits(path.join(dir, 'run'), [unit('one', ['sleep', '300']), unit('two', ['sleep', '301'])]);
    const r = await s.handle({ cmd: 'apply' });
    assert.ok(r.ok);
    await running(s, 'one');
    await running(s, 'two');
  });
});
