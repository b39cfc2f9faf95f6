import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { COMMON_FLAGS, planStart, resolveLogging, type StartPlan } from './component-main';
import { givenFlags } from './flags';

describe('lib/component-main: deciding', () => {
  const entry = {
    name: 'demo',
    flags: { port: 10, kubeconfig: '', logLevel: 'info' },
    config: (o: { port: number; kubeconfig: string; logLevel: string }) => {
      if (o.port > 65535) throw new Error(`--port ${o.port} is not a port`);
      return { port: o.port, kubeconfig: o.kubeconfig, level: o.logLevel };
    },
  };
  const plan = (argv: string[], env: Record<string, string> = {}) => planStart(entry, argv, env);
  const run = (p: StartPlan<unknown>) => {
    assert.equal(p.action, 'run', p.action === 'usage-error' ? p.message : undefined);
    return p as Extract<StartPlan<{ port: number; level: string }>, { action: 'run' }>;
  };

  it('--help and -h print usage listing the component and the common flags', () => {
    for (const argv of [['--help'], ['-h'], ['--port=3', '--help']]) {
      const p = plan(argv);
      assert.equal(p.action, 'help');
      if (p.action !== 'help') return;
      for (const f of ['--port', '--kubeconfig', '--log-level', '--v', '--log-format']) assert.ok(p.text.includes(`  ${f}  `), `${f} in usage`);
    }
  });

  const bad: [string, string[], RegExp][] = [
    ['unknown flag', ['--nope'], /unknown flag --nope/],
    ['number that is not one', ['--port=ten'], /--port: "ten" is not a number/],
    ['missing value', ['--port'], /--port needs a value/],
    ['level that does not exist', ['--log-level=loud'], /--log-level must be one of/],
    ['format that does not exist', ['--log-format=xml'], /--log-format must be json or text/],
    ['negative verbosity', ['--v=-1'], /--v must be a non-negative integer/],
    ['positional argument', ['stray'], /unexpected argument "stray"/],
    ['the config refusing', ['--port=70000'], /--port 70000 is not a port/],
  ];
  for (const [name, argv, msg] of bad) {
    it(`usage error: ${name}`, () => {
      const p = plan(argv);
      assert.equal(p.action, 'usage-error');
      if (p.action !== 'usage-error') return;
      assert.match(p.message, msg);
      assert.match(p.text, /^usage: demo \[flags\]/);
    });
  }

  const levels: [string, string[], Record<string, string>, string, string][] = [
    ['defaults', [], {}, 'info', 'json'],
    ['--log-level', ['--log-level=warn'], {}, 'warn', 'json'],
    ['--v=2 is debug', ['--v=2'], {}, 'debug', 'json'],
    ['--v=6 is trace', ['--v', '6'], {}, 'trace', 'json'],
    ['both: the more verbose wins (--v raises)', ['--log-level=warn', '--v=4'], {}, 'debug', 'json'],
    ['both: the more verbose wins (--log-level raises)', ['--log-level=trace', '--v=2'], {}, 'trace', 'json'],
    ['the environment without flags', [], { K8TS_LOG_LEVEL: 'error', K8TS_LOG_FORMAT: 'text' }, 'error', 'text'],
    ['flags over the environment', ['--log-level=debug', '--log-format=json'], { K8TS_LOG_LEVEL: 'error', K8TS_LOG_FORMAT: 'text' }, 'debug', 'json'],
    ['an invalid environment is ignored', [], { K8TS_LOG_LEVEL: 'loud', K8TS_LOG_FORMAT: 'xml' }, 'info', 'json'],
    ['--log-format=text', ['--log-format=text'], {}, 'info', 'text'],
  ];
  for (const [name, argv, env, level, format] of levels) {
    it(`logging: ${name}`, () => {
      const p = run(plan(argv, env));
      assert.equal(p.level, level);
      assert.equal(p.format, format);
      // The compiled config sees the effective level.
      assert.equal(p.config.level, level);
    });
  }

  it('resolveLogging reads explicit flags only, not defaults equal to them', () => {
    const o = { ...COMMON_FLAGS };
    assert.equal(resolveLogging(o, new Set(), { K8TS_LOG_LEVEL: 'warn' }).level, 'warn');
    assert.equal(resolveLogging(o, new Set(['logLevel']), { K8TS_LOG_LEVEL: 'warn' }).level, 'info');
  });

  it('givenFlags names the flags argv sets, in both spellings', () => {
    assert.deepEqual([...givenFlags(['--log-level=info', '--v', '2', 'x', '--', '--node-ip=1.2.3.4'])], ['logLevel', 'v', 'nodeIp']);
  });
});

// The doing half, as a process: a stand-in component (test/fixtures/component-main) started like
// every component, its logs on stdout, its lifecycle marks on stderr.
describe('lib/component-main: a component process', function () {
  this.timeout(60_000);
  const fromSource = __filename.endsWith('.ts');
  const main = path.join(__dirname, '..', 'test', 'fixtures', 'component-main', fromSource ? 'main.ts' : 'main.js');
  const children = new Set<ChildProcess>();
  afterEach(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    children.clear();
  });

  interface Run {
    child: ChildProcess;
    out: () => string;
    err: () => string;
    exited: Promise<number | null>;
    /** Resolves once stderr shows the mark. */
    mark(text: string): Promise<void>;
  }

  function start(args: string[], env: Record<string, string> = {}): Run {
    const child = spawn(process.execPath, [...(fromSource ? ['-r', 'tsx/cjs'] : []), main, ...args], {
      env: { ...process.env, K8TS_LOG_LEVEL: '', K8TS_LOG_FORMAT: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let out = '';
    let err = '';
    const waiters: { text: string; resolve: () => void }[] = [];
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => {
      err += d;
      for (const w of [...waiters]) if (err.includes(w.text)) (waiters.splice(waiters.indexOf(w), 1), w.resolve());
    });
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    return {
      child,
      out: () => out,
      err: () => err,
      exited,
      mark: (text) =>
        new Promise<void>((resolve, reject) => {
          if (err.includes(text)) return resolve();
          waiters.push({ text, resolve });
          void exited.then(() => !err.includes(text) && reject(new Error(`exited before "${text}"; stderr:\n${err}\nstdout:\n${out}`)));
        }),
    };
  }

  const jsonLines = (text: string) => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

  it('--help: usage on stdout, exit 0, the component never loads', async () => {
    const r = start(['--help']);
    assert.equal(await r.exited, 0);
    assert.match(r.out(), /^usage: fixture \[flags\]\n {2}--mode {2}\(default: "run"\)/);
    assert.doesNotMatch(r.err(), /FIXTURE loaded/);
  });

  it('a bad flag: the error and usage on stderr, exit 2, the component never loads', async () => {
    const r = start(['--mode=sideways']);
    assert.equal(await r.exited, 2);
    assert.match(r.err(), /^fixture: --mode "sideways" is not a mode\nusage: fixture \[flags\]/);
    assert.doesNotMatch(r.err(), /FIXTURE loaded/);
    assert.equal(r.out(), '');
  });

  it('--v and --log-format are in force when the component module creates its logger', async () => {
    const r = start(['--v=4', '--log-format=text', '--mode=once']);
    assert.equal(await r.exited, 0);
    assert.match(r.err(), /FIXTURE loaded level=debug\n/);
    assert.match(r.err(), /FIXTURE starting configLevel=debug\n/);
    // Text lines, and the module's debug line at load made it out.
    assert.match(r.out(), /^\S+ INFO {2}fixture: starting /m);
    assert.match(r.out(), /^\S+ DEBUG fixture: debug line from module load part=module$/m);
    assert.match(r.out(), /^\S+ INFO {2}fixture: done$/m);
  });

  it('--log-level=warn holds back info lines from the start, JSON by default', async () => {
    const r = start(['--log-level=warn', '--mode=once'], { K8TS_LOG_LEVEL: 'trace' });
    assert.equal(await r.exited, 0);
    assert.match(r.err(), /FIXTURE loaded level=warn\n/);
    assert.equal(r.out(), '');
  });

  it('a logger created before logging is configured is refused (it would keep the wrong format)', async () => {
    const r = start(['--mode=once'], { FIXTURE_EAGER_LOGGER: '1' });
    assert.equal(await r.exited, 1);
    assert.match(r.err(), /fixture: a logger was created before logging was configured/);
    assert.doesNotMatch(r.err(), /FIXTURE loaded/);
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal}: a graceful stop, exit 0`, async () => {
      const r = start([]);
      await r.mark('FIXTURE started');
      r.child.kill(signal);
      assert.equal(await r.exited, 0);
      assert.match(r.err(), /FIXTURE stopped/);
      const msgs = jsonLines(r.out()).map((l) => l.msg);
      assert.deepEqual(msgs, ['starting', 'stopping', 'stopped']);
      assert.equal(jsonLines(r.out())[1].signal, signal);
    });
  }

  it('a signal during start-up stops the component once it has started', async () => {
    const r = start(['--mode=wait-start']);
    await r.mark('FIXTURE starting');
    r.child.kill('SIGTERM');
    // The helper has taken the signal (it logs "stopping") before start-up ends.
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (r.out().includes('"msg":"stopping"')) return resolve();
        if (r.child.exitCode !== null) return reject(new Error(`exited before stopping: ${r.out()}`));
        setTimeout(check, 20);
      };
      check();
    });
    r.child.kill('SIGUSR2');
    assert.equal(await r.exited, 0);
    assert.match(r.err(), /FIXTURE started\nFIXTURE stop called\nFIXTURE stopped\n/);
  });

  it('a second signal while the stop hangs exits at once, non-zero', async () => {
    const r = start(['--mode=hang-stop']);
    await r.mark('FIXTURE started');
    r.child.kill('SIGTERM');
    await r.mark('FIXTURE stop called');
    r.child.kill('SIGTERM');
    assert.equal(await r.exited, 1);
    assert.ok(jsonLines(r.out()).some((l) => l.msg === 'second signal: exiting without waiting for the stop' && l.level === 40));
  });

  it('a stop that hangs past the deadline is cut short, non-zero', async () => {
    const r = start(['--mode=hang-stop', '--stop-timeout-ms=100']);
    await r.mark('FIXTURE started');
    r.child.kill('SIGTERM');
    assert.equal(await r.exited, 1);
    const last = jsonLines(r.out()).at(-1)!;
    assert.equal(last.msg, 'stop did not finish in time: exiting');
    assert.equal(last.timeoutMs, 100);
  });

  it('a failed start: one fatal line with the error and its code, exit 1', async () => {
    const r = start(['--mode=fail']);
    assert.equal(await r.exited, 1);
    const fatal = jsonLines(r.out()).filter((l) => l.level === 60);
    assert.equal(fatal.length, 1);
    assert.equal(fatal[0].msg, 'start-up failed');
    assert.equal(fatal[0].err, 'port 1 is taken');
    assert.equal(fatal[0].code, 'FIXTURE_START_FAILED');
  });

  const crashes: [string, string, string][] = [
    ['throw-later', 'uncaught exception', 'boom in a timer'],
    ['reject-later', 'unhandled rejection', 'nobody awaited this'],
  ];
  for (const [mode, msg, err] of crashes) {
    it(`${msg}: a fatal line with the stack, exit 1 (a supervisor restarts the process)`, async () => {
      const r = start([`--mode=${mode}`]);
      assert.equal(await r.exited, 1);
      const fatal = jsonLines(r.out()).filter((l) => l.level === 60);
      assert.equal(fatal.length, 1);
      assert.equal(fatal[0].msg, msg);
      assert.equal(fatal[0].err, err);
      assert.match(String(fatal[0].stack), /component/);
    });
  }

  it('a one-shot command (start resolves nothing) exits 0 when done', async () => {
    const r = start(['--mode=once']);
    assert.equal(await r.exited, 0);
    assert.match(r.err(), /FIXTURE one-shot done/);
    assert.deepEqual(jsonLines(r.out()).map((l) => l.msg), ['starting', 'done']);
  });
});
