// Pure decisions of the serviceaccounts controller and the root-ca-cert-publisher: which
// ServiceAccounts a namespace is missing, and what its kube-root-ca.crt ConfigMap should become.
import type { KObject } from '../../lib/api/types';

/** The ServiceAccounts every namespace gets (upstream's default: just `default`). */
export const DEFAULT_SERVICE_ACCOUNTS = ['default'];
export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
export const ROOT_CA_KEY = 'ca.crt';
/** The description upstream's publisher puts on the ConfigMap. */
export const ROOT_CA_DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';
const DESCRIPTION_ANNOTATION = 'kubernetes.io/description';

type Namespace = KObject & { status?: { phase?: string } };

/** A namespace being deleted gets nothing new (its content is on its way out). */
export const namespaceActive = (ns: Namespace | undefined): boolean => !!ns && !ns.metadata.deletionTimestamp && ns.status?.phase !== 'Terminating';

/** The ServiceAccounts to create in an active namespace, given the names it has. */
export function missingServiceAccounts(ns: Namespace | undefined, existing: Set<string>, wanted = DEFAULT_SERVICE_ACCOUNTS): KObject[] {
  if (!namespaceActive(ns)) return [];
  return wanted
    .filter((n) => !existing.has(n))
    .map((name) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: ns!.metadata.name } }));
}

export type RootCaPlan = { action: 'none' } | { action: 'create'; configMap: KObject } | { action: 'update'; configMap: KObject };

type ConfigMap = KObject & { data?: Record<string, string> };

/**
 * The publisher's decision: create the ConfigMap, or put back its data (exactly the CA, nothing
 * else) and description when someone changed them; the rest of the object is left as it is.
 */
export function planRootCa(ns: Namespace | undefined, current: ConfigMap | undefined, caPem: string): RootCaPlan {
  if (!namespaceActive(ns)) return { action: 'none' };
  const data = { [ROOT_CA_KEY]: caPem };
  if (!current) {
    return {
      action: 'create',
      configMap: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: ROOT_CA_CONFIGMAP, namespace: ns!.metadata.name, annotations: { [DESCRIPTION_ANNOTATION]: ROOT_CA_DESCRIPTION } },
        data,
      } as ConfigMap,
    };
  }
  const sameData = Object.keys(current.data ?? {}).length === 1 && current.data?.[ROOT_CA_KEY] === caPem;
  const described = current.metadata.annotations?.[DESCRIPTION_ANNOTATION] === ROOT_CA_DESCRIPTION;
  if (sameData && described && !(current as { binaryData?: unknown }).binaryData) return { action: 'none' };
  const next: ConfigMap = {
    ...current,
    metadata: { ...current.metadata, annotations: { ...(current.metadata.annotations ?? {}), [DESCRIPTION_ANNOTATION]: ROOT_CA_DESCRIPTION } },
    data,
  };
  delete (next as { binaryData?: unknown }).binaryData;
  return { action: 'update', configMap: next };
}
