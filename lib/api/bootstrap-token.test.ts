import { strict as assert } from 'node:assert';
import { formatToken, generateToken, judgeToken, parseToken, tokenSecret, tokenSecretProblems, TOKEN_RE } from './bootstrap-token';

const NOW = new Date('2026-12-05T10:00:00Z');
const TOKEN = { id: 'abcdef', secret: '0123456789abcdef' };
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('lib/api/bootstrap-token', () => {
  it('parses only <6 of [a-z0-9]>.<16 of [a-z0-9]>', () => {
    const cases: [string, boolean][] = [
      ['abcdef.0123456789abcdef', true],
      ['ABCDEF.0123456789abcdef', false],
      ['abcde.0123456789abcdef', false],
      ['abcdef.0123456789abcde', false],
      ['abcdef0123456789abcdef', false],
      [' abcdef.0123456789abcdef', false],
      ['abcdef.0123456789abcdef.x', false],
    ];
    for (const [s, ok] of cases) assert.equal(!!parseToken(s), ok, s);
    assert.deepEqual(parseToken('abcdef.0123456789abcdef'), TOKEN);
  });

  it('generates well-formed random tokens', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const t = formatToken(generateToken());
      assert.match(t, TOKEN_RE);
      seen.add(t);
    }
    assert.equal(seen.size, 50);
  });

  it('judges a presented token against its Secret', () => {
    const good = tokenSecret(TOKEN, { expiration: new Date(NOW.getTime() + 3600_000), extraGroups: ['system:bootstrappers:k8ts:default-node-token'] });
    const edit = (f: (s: any) => void) => {
      const s = JSON.parse(JSON.stringify(good));
      f(s);
      return s;
    };
    const cases: [string, any, typeof TOKEN, string | undefined][] = [
      ['valid', good, TOKEN, undefined],
      ['missing secret', undefined, TOKEN, 'no secret'],
      ['wrong secret', good, { ...TOKEN, secret: 'fedcba9876543210' }, 'token-secret does not match'],
      ['wrong type', edit((s) => (s.type = 'Opaque')), TOKEN, 'secret has type Opaque'],
      ['id mismatch', edit((s) => (s.data['token-id'] = b64('zzzzzz'))), TOKEN, 'token-id does not match'],
      ['expired', edit((s) => (s.data.expiration = b64('2026-12-05T09:59:59Z'))), TOKEN, 'token expired'],
      ['expiring now', edit((s) => (s.data.expiration = b64('2026-12-05T10:00:00Z'))), TOKEN, 'token expired'],
      ['unparseable expiration', edit((s) => (s.data.expiration = b64('tomorrow'))), TOKEN, 'token expired'],
      ['no auth usage', edit((s) => delete s.data['usage-bootstrap-authentication']), TOKEN, 'not usable for authentication'],
      ['bad extra group', edit((s) => (s.data['auth-extra-groups'] = b64('system:masters'))), TOKEN, 'invalid extra group system:masters'],
      ['being deleted', edit((s) => (s.metadata.deletionTimestamp = '2026-12-05T09:00:00Z')), TOKEN, 'secret is being deleted'],
    ];
    for (const [name, secret, token, why] of cases) {
      const v = judgeToken(token, secret, NOW);
      if (why === undefined) assert.deepEqual(v, { ok: true, user: 'system:bootstrap:abcdef', groups: ['system:bootstrappers', 'system:bootstrappers:k8ts:default-node-token'] }, name);
      else assert.deepEqual(v, { ok: false, why }, name);
    }
  });

  it('finds what is wrong with a token Secret at admission', () => {
    const s = (data: Record<string, string>, name = 'bootstrap-token-abcdef') => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name }, type: 'bootstrap.kubernetes.io/token', data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])) });
    const ok = { 'token-id': 'abcdef', 'token-secret': '0123456789abcdef' };
    const cases: [string, any, [string, string][]][] = [
      ['valid', s({ ...ok, expiration: '2027-01-01T00:00:00Z', 'auth-extra-groups': 'system:bootstrappers:a' }), []],
      ['missing both', s({}), [['token-id', 'required'], ['token-secret', 'required']]],
      ['bad id', s({ ...ok, 'token-id': 'ABCDEF' }), [['token-id', 'must be 6 characters of [a-z0-9]']]],
      ['name mismatch', s(ok, 'bootstrap-token-zzzzzz'), [['token-id', 'must match the secret name bootstrap-token-zzzzzz (expected bootstrap-token-abcdef)']]],
      ['short secret', s({ ...ok, 'token-secret': 'abc' }), [['token-secret', 'must be 16 characters of [a-z0-9]']]],
      ['bad expiration', s({ ...ok, expiration: '1h' }), [['expiration', 'must be an RFC3339 time, e.g. 2006-01-02T15:04:05Z']]],
      ['bad group', s({ ...ok, 'auth-extra-groups': 'system:nodes' }), [['auth-extra-groups', 'group "system:nodes" must match ^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$']]],
    ];
    for (const [name, secret, want] of cases) assert.deepEqual(tokenSecretProblems(secret), want, name);
  });
});
