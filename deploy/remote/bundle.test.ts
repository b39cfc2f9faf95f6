import { strict as assert } from 'node:assert';
import { BundleError, manifestHash, productionPackages, wantedInBundle, type ManifestEntry } from './bundle';

const META = { nodeVersion: 'v20.20.2', platform: 'linux', arch: 'x64' };

describe('deploy/remote bundle', () => {
  it('ships the production packages of package-lock.json, not the dev ones', () => {
    const lock = {
      lockfileVersion: 3,
      packages: {
        '': { name: 'k8ts' },
        'node_modules/yaml': {},
        'node_modules/ssh2': {},
        'node_modules/cpu-features': { optional: true },
        'node_modules/etcd3': {},
        'node_modules/etcd3/node_modules/@grpc/proto-loader': {},
        'node_modules/mocha': { dev: true },
        'node_modules/mocha/node_modules/yargs': { dev: true },
        'node_modules/fsevents': { devOptional: true, optional: true },
        'node_modules/local-thing': { link: true },
      },
    };
    assert.deepEqual(productionPackages(lock), ['node_modules/cpu-features', 'node_modules/etcd3', 'node_modules/ssh2', 'node_modules/yaml']);
    assert.throws(() => productionPackages({ lockfileVersion: 1 }), BundleError);
  });

  it('takes the compiled project without tests, benchmarks, maps and typings', () => {
    const table: [string, boolean][] = [
      ['dist/kubelet/main.js', true],
      ['dist/deploy/remote/host-agent.js', true],
      ['dist/kubelet/flags.test.js', false],
      ['dist/test/setup.js', false],
      ['dist/bench/api.js', false],
      ['dist/kubelet/main.js.map', false],
      ['proto/k8ts.proto', true],
      ['proto/cri/api.proto', true],
      ['package.json', true],
      ['node_modules/yaml/dist/doc/directives.js', true],
      ['node_modules/yaml/dist/index.d.ts', false],
      ['node_modules/yaml/README.md', false],
      ['node_modules/yaml/LICENSE', true],
      ['node_modules/pino/LICENSE.md', true],
      ['node_modules/protobufjs/src/util.ts', false],
      ['node_modules/ssh2/.github/workflows/ci.yml', false],
      ['deploy/remote/deploy.ts', false],
      ['README.md', false],
    ];
    for (const [p, want] of table) assert.equal(wantedInBundle(p), want, p);
  });

  it('names a bundle by every path, mode and content, in any order, and by the runtime', () => {
    const m: ManifestEntry[] = [
      { path: 'node', mode: 0o755, digest: 'aa' },
      { path: 'dist/kubelet/main.js', mode: 0o644, digest: 'bb' },
      { path: 'node_modules/x/link', mode: 0o777, digest: 'link:../y' },
    ];
    const h = manifestHash(m, META);
    assert.match(h, /^[0-9a-f]{24}$/);
    assert.equal(manifestHash([...m].reverse(), META), h);
    const changed: [string, ManifestEntry[], typeof META][] = [
      ['content', [{ ...m[0], digest: 'ab' }, m[1], m[2]], META],
      ['mode', [m[0], { ...m[1], mode: 0o755 }, m[2]], META],
      ['path', [m[0], { ...m[1], path: 'dist/kubelet/main2.js' }, m[2]], META],
      ['a file more', [...m, { path: 'proto/k8ts.proto', mode: 0o644, digest: 'cc' }], META],
      ['link target', [m[0], m[1], { ...m[2], digest: 'link:../z' }], META],
      ['runtime', m, { ...META, nodeVersion: 'v20.21.0' }],
      ['architecture', m, { ...META, arch: 'arm64' }],
    ];
    for (const [what, entries, meta] of changed) assert.notEqual(manifestHash(entries, meta), h, what);
  });
});
