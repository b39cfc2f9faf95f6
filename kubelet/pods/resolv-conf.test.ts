import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseResolvConf, readResolvConf, ResolvConfError } from './resolv-conf';

describe('resolv.conf parsing', () => {
  const cases: [string, string, { nameservers: string[]; searches: string[]; options: string[] }][] = [
    ['empty', '', { nameservers: [], searches: [], options: [] }],
    ['a typical file', 'nameserver 10.0.0.2\nsearch corp.example. example.com\noptions ndots:2 rotate\n', { nameservers: ['10.0.0.2'], searches: ['corp.example', 'example.com'], options: ['ndots:2', 'rotate'] }],
    ['nameservers accumulate', 'nameserver 1.1.1.1\nnameserver 8.8.8.8 extra\nnameserver ::1\n', { nameservers: ['1.1.1.1', '8.8.8.8', '::1'], searches: [], options: [] }],
    ['the last search and options lines win', 'search a b\noptions x\nsearch c\noptions y z', { nameservers: [], searches: ['c'], options: ['y', 'z'] }],
    ['comments, blanks, tabs and unknown keys', '# nameserver 9.9.9.9\n; nameserver 9.9.9.8\n\n\tnameserver\t10.1.1.1  \ndomain example.org\nsortlist 10.0.0.0\n', { nameservers: ['10.1.1.1'], searches: [], options: [] }],
    ['an empty search line clears it', 'search a\nsearch\n', { nameservers: [], searches: [], options: [] }],
  ];
  for (const [name, text, want] of cases) it(name, () => assert.deepEqual(parseResolvConf(text), want));

  it('refuses a nameserver line without an address', () => {
    assert.throws(() => parseResolvConf('nameserver\n'), (e: unknown) => e instanceof ResolvConfError && e.code === 'RESOLV_CONF_INVALID' && /nameserver list is empty/.test(e.message));
  });

  it("reads a file, '' meaning no host resolver, and names the file when it cannot", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resolv-'));
    try {
      const f = path.join(dir, 'resolv.conf');
      fs.writeFileSync(f, 'nameserver 10.9.9.9\nsearch lan\n');
      assert.deepEqual(readResolvConf(f), { nameservers: ['10.9.9.9'], searches: ['lan'], options: [] });
      assert.equal(readResolvConf(''), undefined);
      assert.throws(() => readResolvConf(path.join(dir, 'missing')), (e: unknown) => e instanceof ResolvConfError && e.message.includes(`cannot read ${path.join(dir, 'missing')}`));
      fs.writeFileSync(f, 'nameserver\n');
      assert.throws(() => readResolvConf(f), (e: unknown) => e instanceof ResolvConfError && e.message === `${f}: nameserver list is empty`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
