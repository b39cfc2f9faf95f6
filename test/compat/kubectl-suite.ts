// The setup the kubectl suites share: the real registry on a throwaway etcd behind the REST door,
// started before the suite and stopped after it, with kubectl and raw HTTPS calls against it as
// the admin user. Call inside a describe(); the handles are valid once its before() has run.
import { strict as assert } from 'node:assert';
import { startRestHarness, type RestHarness } from '../apiserver-rest/harness';
import { etcdRegistry, type RegistryUnderTest } from '../apiserver-rest/registry-under-test';
import { rawRequest, type RawResponse } from '../apiserver-rest/https-request';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface KubectlSuite {
  readonly h: RestHarness;
  kubectl(args: string[], stdin?: string, env?: Record<string, string>): Promise<KubectlResult>;
  /** kubectl that must exit 0 (the assertion message carries its stderr). */
  ok(args: string[], stdin?: string, env?: Record<string, string>): Promise<KubectlResult>;
  raw(method: string, path: string, headers?: Record<string, string>, body?: string | Buffer): Promise<RawResponse>;
}

export function kubectlSuite(): KubectlSuite {
  let rut: RegistryUnderTest | undefined;
  let harness: RestHarness | undefined;
  before(async () => {
    rut = await etcdRegistry();
    harness = await startRestHarness(rut.registry, rut.etcdHealthy);
  });
  after(async () => {
    await harness?.stop();
    await rut?.stop();
  });
  const suite: KubectlSuite = {
    get h() {
      assert.ok(harness, 'the suite has started');
      return harness;
    },
    kubectl: (args, stdin, env) => suite.h.kubectl(args, stdin, env),
    ok: async (args, stdin, env) => {
      const r = await suite.h.kubectl(args, stdin, env);
      assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
      return r;
    },
    raw: (method, path, headers = {}, body) =>
      rawRequest(suite.h.port, { method, path, headers, body, ca: suite.h.ca, cert: suite.h.admin.cert, key: suite.h.admin.key }),
  };
  return suite;
}
