import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { imageSpecFor, parseImageArgs } from './image';
import { parseRecipe } from './image-recipe';
import { manifestFor, digestOf } from './image-registry';

describe('k8ts image build', () => {
  it('parses its arguments', () => {
    assert.deepEqual(parseImageArgs(['build', 'ctx', '-t', 'a/b:1', '--push', '127.0.0.1:5000']), { dir: 'ctx', tag: 'a/b:1', push: '127.0.0.1:5000' });
    assert.deepEqual(parseImageArgs(['build', '--import=/imgs', 'ctx', '--tag', 'b:2']), { dir: 'ctx', tag: 'b:2', importDir: '/imgs' });
    assert.throws(() => parseImageArgs(['build', 'ctx', '-t', 'b:2']), /exactly one of --push or --import/);
    assert.throws(() => parseImageArgs(['build', 'ctx', '--push', 'r']), /-t name:tag/);
    assert.throws(() => parseImageArgs(['run']), /usage/);
  });

  it('parses recipes and applies config steps in order', () => {
    const r = parseRecipe('# demo\nFROM scratch\nENV A=1\nENV A 2\nWORKDIR /app\nENTRYPOINT ["/app/run"]\nCMD echo hi\nEXPOSE 80 53/udp\nCOPY x /y\n');
    assert.equal(r.from, 'scratch');
    let c = {};
    for (const s of r.steps) if (s.op === 'CONFIG') c = s.apply(c);
    assert.deepEqual(c, { Env: ['A=2'], WorkingDir: '/app', Entrypoint: ['/app/run'], Cmd: ['/bin/sh', '-c', 'echo hi'], ExposedPorts: { '80/tcp': {}, '53/udp': {} } });
    assert.deepEqual(r.steps.filter((s) => s.op === 'COPY'), [{ op: 'COPY', src: 'x', dest: '/y' }]);
    assert.throws(() => parseRecipe('COPY a b'), /must start with FROM/);
    assert.throws(() => parseRecipe('FROM debian:12'), /unsupported base/);
    assert.throws(() => parseRecipe('FROM scratch\nRUN make'), /line 2: unsupported instruction RUN/);
    assert.throws(() => parseRecipe('FROM scratch\nCMD ["a",'), /invalid JSON array/);
  });

  it('builds a directory as a layer on the base, or a recipe on scratch', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-imgb-'));
    try {
      fs.mkdirSync(path.join(dir, 'www'));
      fs.writeFileSync(path.join(dir, 'www', 'index.html'), 'hi');
      const base = () => ({ repoTag: 'base', rootfs: [{ type: 'dir' as const, path: 'bin' }], config: { Cmd: ['/bin/web'] } });
      const plain = imageSpecFor(dir, 'site:1', base);
      assert.deepEqual(plain.rootfs.map((e) => e.path), ['bin', 'www', 'www/index.html']);
      assert.deepEqual(plain.config, { Cmd: ['/bin/web'] });
      fs.writeFileSync(path.join(dir, 'K8tsfile'), 'FROM scratch\nCOPY www /srv/www\nCMD ["/srv/run"]\n');
      const recipe = imageSpecFor(dir, 'site:2', base);
      assert.deepEqual(recipe.rootfs.map((e) => e.path), ['srv', 'srv/www', 'srv/www/index.html']);
      assert.deepEqual(recipe.config, { Cmd: ['/srv/run'] });
      fs.writeFileSync(path.join(dir, 'K8tsfile'), 'FROM scratch\nCOPY ../etc /etc\n');
      assert.throws(() => imageSpecFor(dir, 'x:1', base), /outside the build directory/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes a schema-2 manifest naming the blobs by digest', () => {
    const m = JSON.parse(manifestFor(Buffer.from('{}'), Buffer.from('layer')).toString());
    assert.equal(m.schemaVersion, 2);
    assert.equal(m.config.digest, digestOf(Buffer.from('{}')));
    assert.deepEqual([m.layers[0].size, m.layers[0].digest], [5, digestOf(Buffer.from('layer'))]);
  });
});
