import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FIXED_MTIME, splitUstarPath, TarPathError, writeTar } from './tar-writer';

const field = (h: Buffer, off: number, len: number) => h.subarray(off, off + len).toString('utf8').replace(/\0.*$/s, '');

describe('tar-writer', () => {
  it('writes ustar headers with a valid checksum, fixed mtime and the entry type', () => {
    const cases = [
      { entry: { type: 'file' as const, path: 'etc/passwd', data: 'root\n', mode: 0o600 }, name: 'etc/passwd', type: '0', mode: '0000600', size: 5 },
      { entry: { type: 'dir' as const, path: 'tmp', mode: 0o1777 }, name: 'tmp/', type: '5', mode: '0001777', size: 0 },
      { entry: { type: 'symlink' as const, path: 'bin/sh', target: 'busybox' }, name: 'bin/sh', type: '2', mode: '0000777', size: 0 },
    ];
    for (const c of cases) {
      const tar = writeTar([c.entry]);
      const h = tar.subarray(0, 512);
      assert.equal(field(h, 0, 100), c.name);
      assert.equal(field(h, 156, 1), c.type);
      assert.equal(field(h, 100, 8), c.mode);
      assert.equal(parseInt(field(h, 124, 12), 8), c.size);
      assert.equal(parseInt(field(h, 136, 12), 8), FIXED_MTIME);
      assert.equal(field(h, 257, 6), 'ustar');
      let sum = 0;
      for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i];
      assert.equal(parseInt(field(h, 148, 8), 8), sum);
      if (c.entry.type === 'symlink') assert.equal(field(h, 157, 100), 'busybox');
    }
  });

  it('pads data to 512-byte blocks and ends with two zero blocks', () => {
    const tar = writeTar([{ type: 'file', path: 'a', data: Buffer.alloc(513, 1) }]);
    assert.equal(tar.length, 512 + 1024 + 1024);
    assert.ok(tar.subarray(512 + 1024).every((b) => b === 0));
  });

  it('is deterministic', () => {
    const entries = [{ type: 'file' as const, path: 'x', data: 'y' }];
    assert.deepEqual(writeTar(entries), writeTar(entries));
  });

  it('splits long paths into prefix and name, and rejects paths that cannot fit', () => {
    const long = `${'d'.repeat(60)}/${'e'.repeat(60)}/file`;
    assert.deepEqual(splitUstarPath(long), { prefix: `${'d'.repeat(60)}/${'e'.repeat(60)}`, name: 'file' });
    assert.deepEqual(splitUstarPath('short/name'), { prefix: '', name: 'short/name' });
    assert.throws(() => splitUstarPath('x'.repeat(120)), TarPathError);
  });

  it('produces archives that GNU tar reads back', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-tar-'));
    try {
      const long = `${'d'.repeat(70)}/${'e'.repeat(70)}/f.txt`;
      const file = path.join(dir, 't.tar');
      fs.writeFileSync(
        file,
        writeTar([
          { type: 'dir', path: 'bin' },
          { type: 'file', path: 'bin/busybox', data: 'BB', mode: 0o755 },
          { type: 'symlink', path: 'bin/sh', target: 'busybox' },
          { type: 'file', path: long, data: 'deep' },
        ]),
      );
      assert.deepEqual(execFileSync('tar', ['-tf', file], { encoding: 'utf8' }).trim().split('\n'), ['bin/', 'bin/busybox', 'bin/sh', long]);
      const out = path.join(dir, 'out');
      fs.mkdirSync(out);
      execFileSync('tar', ['-xf', file, '-C', out]);
      assert.equal(fs.readFileSync(path.join(out, long), 'utf8'), 'deep');
      assert.equal(fs.readlinkSync(path.join(out, 'bin/sh')), 'busybox');
      assert.equal(fs.statSync(path.join(out, 'bin/busybox')).mode & 0o777, 0o755);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
