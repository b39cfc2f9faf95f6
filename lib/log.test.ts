import assert from 'node:assert/strict';
import { componentLogger, configureLogging, levelForVerbosity, LogConfigError, parseLogFormat, parseLogLevel, rootLogger } from './log';
import { formatTextLine } from './log-text';

describe('lib/log', () => {
  const before = process.env.K8TS_LOG_LEVEL;
  after(() => configureLogging({ level: parseLogLevel(before ?? 'error') }));

  it('a level set later reaches loggers created earlier (module-level loggers)', () => {
    const early = componentLogger('early', { part: 'x' });
    configureLogging({ level: 'debug' });
    assert.equal(early.level, 'debug');
    assert.equal(rootLogger().level, 'debug');
    assert.equal(componentLogger('late').level, 'debug');
    configureLogging({ level: 'warn' });
    assert.equal(early.level, 'warn');
  });

  it('maps --v verbosity onto levels and refuses bad values', () => {
    assert.equal(levelForVerbosity(0), 'info');
    assert.equal(levelForVerbosity(2), 'debug');
    assert.equal(levelForVerbosity(6), 'trace');
    assert.throws(() => levelForVerbosity(-1), LogConfigError);
    assert.throws(() => parseLogLevel('loud'), LogConfigError);
    assert.throws(() => parseLogFormat('xml'), LogConfigError);
  });

  it('text format: time, level, component, message, then fields', () => {
    const line = JSON.stringify({ level: 40, time: '2026-12-05T08:00:00.000Z', pid: 1, component: 'scheduler', part: 'queue', msg: 'pod skipped', key: 'default/web', reason: 'bad quantity "1x"' });
    assert.equal(formatTextLine(line), '2026-12-05T08:00:00.000Z WARN  scheduler: pod skipped part=queue key=default/web reason="bad quantity \\"1x\\""\n');
    assert.equal(formatTextLine('not json'), 'not json\n');
  });
});
