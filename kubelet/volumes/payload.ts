// Pure planning: the files a configMap, secret or downwardAPI volume must hold, from the pod and
// the API objects. The atomic writer puts them on disk; nothing here touches the filesystem.
import type { Pod } from '../../lib/api/types';
import { parseQuantity } from '../../lib/api/quantity';
import { DEFAULT_MODE, VolumeSetupError, type KeyToPath, type Payload, type VolumeSource } from './types';

export interface ConfigMapLike {
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}

export interface SecretLike {
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

/** A relative path with no "..", no leading "/", and no "..data"-style hidden prefix. */
export function validPayloadPath(p: string): boolean {
  if (!p || p.startsWith('/')) return false;
  const parts = p.split('/');
  return parts.every((x) => x !== '' && x !== '..' && x !== '.') && !parts[0].startsWith('..');
}

/** Key→bytes maps projected through items/defaultMode; shared by configMap and secret. */
function project(volume: string, kind: string, name: string, all: Map<string, Buffer>, items: KeyToPath[] | undefined, defaultMode: number | undefined, optional: boolean): Payload {
  const mode = defaultMode ?? DEFAULT_MODE;
  const out: Payload = new Map();
  if (!items || items.length === 0) {
    for (const [k, v] of all) out.set(k, { data: v, mode });
    return out;
  }
  for (const it of items) {
    const v = all.get(it.key);
    if (v === undefined) {
      if (optional) continue;
      throw new VolumeSetupError(volume, `configuration error: key "${it.key}" not found in ${kind} "${name}"`);
    }
    if (!validPayloadPath(it.path)) throw new VolumeSetupError(volume, `invalid path "${it.path}"`);
    out.set(it.path, { data: v, mode: it.mode ?? mode });
  }
  return out;
}

/** Files of a configMap volume; cm undefined means the ConfigMap does not exist. */
export function configMapPayload(v: VolumeSource, cm: ConfigMapLike | undefined): Payload {
  const src = v.configMap!;
  if (!cm) {
    if (src.optional) return new Map();
    throw new VolumeSetupError(v.name, `configmap "${src.name}" not found`);
  }
  const all = new Map<string, Buffer>();
  for (const [k, s] of Object.entries(cm.data ?? {})) all.set(k, Buffer.from(s, 'utf8'));
  for (const [k, s] of Object.entries(cm.binaryData ?? {})) all.set(k, Buffer.from(s, 'base64'));
  return project(v.name, 'configmap', src.name, all, src.items, src.defaultMode, !!src.optional);
}

/** Files of a secret volume; `data` is base64 as stored in the API. */
export function secretPayload(v: VolumeSource, secret: SecretLike | undefined): Payload {
  const src = v.secret!;
  if (!secret) {
    if (src.optional) return new Map();
    throw new VolumeSetupError(v.name, `secret "${src.secretName}" not found`);
  }
  const all = new Map<string, Buffer>();
  for (const [k, s] of Object.entries(secret.data ?? {})) all.set(k, Buffer.from(s, 'base64'));
  for (const [k, s] of Object.entries(secret.stringData ?? {})) all.set(k, Buffer.from(s, 'utf8'));
  return project(v.name, 'secret', src.secretName, all, src.items, src.defaultMode, !!src.optional);
}

/** Kubernetes' label/annotation file format: sorted `key="value"` lines, values Go-quoted. */
export function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify(m![k])}`)
    .join('\n');
}

const FIELD = /^metadata\.(labels|annotations)\['([^']+)'\]$/;

/** The value of a downward API fieldRef for this pod. */
export function fieldValue(pod: Pod, fieldPath: string): string {
  const m = FIELD.exec(fieldPath);
  if (m) {
    const map = (m[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations) ?? {};
    return map[m[2]] ?? '';
  }
  switch (fieldPath) {
    case 'metadata.name':
      return pod.metadata.name ?? '';
    case 'metadata.namespace':
      return pod.metadata.namespace ?? '';
    case 'metadata.uid':
      return pod.metadata.uid ?? '';
    case 'metadata.labels':
      return formatMap(pod.metadata.labels);
    case 'metadata.annotations':
      return formatMap(pod.metadata.annotations);
    case 'spec.nodeName':
      return pod.spec.nodeName ?? '';
    case 'spec.serviceAccountName':
      return String(pod.spec.serviceAccountName ?? '');
    case 'status.hostIP':
      return pod.status?.hostIP ?? '';
    case 'status.podIP':
      return pod.status?.podIP ?? '';
    default:
      throw new Error(`unsupported fieldPath "${fieldPath}"`);
  }
}

/** What limits.cpu / limits.memory default to when a container sets none: the node's allocatable. */
export interface NodeAllocatable {
  cpu: string;
  memory: string;
  'ephemeral-storage'?: string;
}

/** A resourceFieldRef value: the container's request/limit over the divisor, rounded up. */
export function resourceValue(pod: Pod, ref: { containerName?: string; resource: string; divisor?: string }, node: NodeAllocatable): string {
  const containers = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])];
  const c = ref.containerName ? containers.find((x) => x.name === ref.containerName) : pod.spec.containers[0];
  if (!c) throw new Error(`container "${ref.containerName}" not found`);
  const [kind, res] = ref.resource.split('.', 2) as ['limits' | 'requests', string];
  if ((kind !== 'limits' && kind !== 'requests') || !res) throw new Error(`unsupported resource "${ref.resource}"`);
  const set = c.resources?.[kind]?.[res];
  let raw: string | undefined = set;
  // An unset limit is the node's allocatable; an unset request is the limit, else 0 (memory/storage) or 0 (cpu).
  if (raw === undefined && kind === 'limits') raw = (node as unknown as Record<string, string | undefined>)[res];
  if (raw === undefined && kind === 'requests') raw = c.resources?.limits?.[res] ?? '0';
  const value = parseQuantity(raw ?? '0');
  const divisor = parseQuantity(ref.divisor && ref.divisor !== '0' ? ref.divisor : '1');
  return String(Math.ceil(value / divisor - 1e-9));
}

/** Files of a downwardAPI volume. */
export function downwardAPIPayload(v: VolumeSource, pod: Pod, node: NodeAllocatable): Payload {
  const src = v.downwardAPI!;
  const mode = src.defaultMode ?? DEFAULT_MODE;
  const out: Payload = new Map();
  for (const it of src.items ?? []) {
    if (!validPayloadPath(it.path)) throw new VolumeSetupError(v.name, `invalid path "${it.path}"`);
    let value: string;
    try {
      if (it.fieldRef) value = fieldValue(pod, it.fieldRef.fieldPath);
      else if (it.resourceFieldRef) value = resourceValue(pod, it.resourceFieldRef, node);
      else throw new Error(`item "${it.path}" has neither fieldRef nor resourceFieldRef`);
    } catch (e) {
      throw new VolumeSetupError(v.name, (e as Error).message);
    }
    out.set(it.path, { data: Buffer.from(value, 'utf8'), mode: it.mode ?? mode });
  }
  return out;
}
