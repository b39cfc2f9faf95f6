// Container environment as Kubernetes builds it: envFrom first, then env in order (later wins),
// valueFrom resolved from configMaps/secrets/the pod itself, and $(VAR) expansion in env values,
// command and args. Pure: the objects it reads are fetched by the caller (fetchEnvSources).
import { fieldValue } from '../volumes/payload';
import type { Container, KObject, Pod } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import type { ApiClient } from '../../lib/client/api-client';
import { isNotFound } from '../../lib/errors';
import { asX } from './spec-types';
import { bytesOf, cpuMillis } from '../../lib/api/quantity';

/** A configuration the kubelet cannot turn into a container (CreateContainerConfigError). */
export class ContainerConfigError extends Error {
  readonly code = 'CREATE_CONTAINER_CONFIG_ERROR';
  constructor(message: string) {
    super(message);
    this.name = 'ContainerConfigError';
  }
}

export interface EnvSources {
  /** name → data, or null when the object does not exist. */
  configMaps: Map<string, Record<string, string> | null>;
  secrets: Map<string, Record<string, string> | null>;
  podIP?: string;
  hostIP: string;
}

type Ref = { name?: string; key?: string; optional?: boolean };

/** Names of the configMaps and secrets a container's env refers to. */
export function envReferences(c: Container): { configMaps: Set<string>; secrets: Set<string> } {
  const configMaps = new Set<string>();
  const secrets = new Set<string>();
  for (const f of asX(c).envFrom ?? []) {
    if (f.configMapRef?.name) configMaps.add(f.configMapRef.name);
    if (f.secretRef?.name) secrets.add(f.secretRef.name);
  }
  for (const e of c.env ?? []) {
    const cm = e.valueFrom?.configMapKeyRef as Ref | undefined;
    const s = e.valueFrom?.secretKeyRef as Ref | undefined;
    if (cm?.name) configMaps.add(cm.name);
    if (s?.name) secrets.add(s.name);
  }
  return { configMaps, secrets };
}

/** Replaces $(NAME) with env[NAME] when defined; $$ escapes a literal $(...). */
export function expandVars(input: string, env: Map<string, string>): string {
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    if (ch !== '$' || i + 1 >= input.length) {
      out += ch;
      continue;
    }
    const next = input[i + 1];
    if (next === '$') {
      out += '$';
      i++;
      continue;
    }
    if (next === '(') {
      const end = input.indexOf(')', i + 2);
      if (end > 0) {
        const name = input.slice(i + 2, end);
        const v = env.get(name);
        out += v !== undefined ? v : input.slice(i, end + 1);
        i = end;
        continue;
      }
    }
    out += ch;
  }
  return out;
}

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

function fieldRefValue(pod: Pod, path: string, src: EnvSources): string {
  // The addresses come from the runtime (the pod's status may not carry them yet); every other
  // field reads like a downward API volume file.
  if (path === 'status.podIP') return pod.spec.hostNetwork ? src.hostIP : (src.podIP ?? '');
  if (path === 'status.hostIP') return src.hostIP;
  if (path === 'spec.serviceAccountName') return String(pod.spec.serviceAccountName ?? 'default');
  try {
    return fieldValue(pod, path);
  } catch {
    throw new ContainerConfigError(`unsupported fieldRef fieldPath "${path}"`);
  }
}

function resourceFieldValue(c: Container, ref: { resource?: string; divisor?: string }): string {
  const [kind, res] = (ref.resource ?? '').split('.');
  const q = kind === 'limits' ? c.resources?.limits?.[res] : kind === 'requests' ? c.resources?.requests?.[res] : undefined;
  if (res === 'cpu') {
    const div = cpuMillis(ref.divisor ?? '1') || 1000;
    return String(Math.ceil(cpuMillis(q) / div));
  }
  if (res === 'memory') {
    const b = bytesOf(q);
    const div = bytesOf(ref.divisor ?? '1') || 1;
    return String(Math.ceil(b / div));
  }
  throw new ContainerConfigError(`unsupported resourceFieldRef resource "${ref.resource}"`);
}

function lookup(kind: 'configmap' | 'secret', src: EnvSources, pod: Pod, ref: Ref): string | undefined {
  const data = (kind === 'configmap' ? src.configMaps : src.secrets).get(ref.name ?? '');
  if (!data) {
    if (ref.optional) return undefined;
    throw new ContainerConfigError(`${kind} "${ref.name}" not found`);
  }
  if (ref.key === undefined || !(ref.key in data)) {
    if (ref.optional) return undefined;
    const what = kind === 'configmap' ? 'ConfigMap' : 'Secret';
    throw new ContainerConfigError(`couldn't find key ${ref.key} in ${what} ${pod.metadata.namespace}/${ref.name}`);
  }
  return data[ref.key];
}

/** The container's final environment, in definition order. Throws ContainerConfigError. */
export function resolveEnv(pod: Pod, c: Container, src: EnvSources): { key: string; value: string }[] {
  const env = new Map<string, string>();
  for (const f of asX(c).envFrom ?? []) {
    const ref = f.configMapRef ?? f.secretRef;
    if (!ref) continue;
    const kind = f.configMapRef ? 'configmap' : 'secret';
    const data = (kind === 'configmap' ? src.configMaps : src.secrets).get(ref.name);
    if (!data) {
      if (ref.optional) continue;
      throw new ContainerConfigError(`${kind} "${ref.name}" not found`);
    }
    for (const [k, v] of Object.entries(data)) {
      const name = (f.prefix ?? '') + k;
      if (ENV_NAME.test(name)) env.set(name, v); // invalid names are skipped, like Kubernetes
    }
  }
  for (const e of c.env ?? []) {
    const vf = e.valueFrom;
    let value: string | undefined;
    if (!vf) value = expandVars(e.value ?? '', env);
    else if (vf.configMapKeyRef) value = lookup('configmap', src, pod, vf.configMapKeyRef as Ref);
    else if (vf.secretKeyRef) value = lookup('secret', src, pod, vf.secretKeyRef as Ref);
    else if (vf.fieldRef) value = fieldRefValue(pod, String((vf.fieldRef as { fieldPath?: string }).fieldPath ?? ''), src);
    else if (vf.resourceFieldRef) value = resourceFieldValue(c, vf.resourceFieldRef as { resource?: string; divisor?: string });
    if (value !== undefined) env.set(e.name, value);
  }
  return [...env].map(([key, value]) => ({ key, value }));
}

/** command and args with $(VAR) expanded against the final environment. */
export function expandCommand(c: Container, envs: { key: string; value: string }[]): { command: string[]; args: string[] } {
  const env = new Map(envs.map((e) => [e.key, e.value]));
  return { command: (c.command ?? []).map((s) => expandVars(s, env)), args: (c.args ?? []).map((s) => expandVars(s, env)) };
}

const decode = (data: Record<string, string> | undefined) =>
  Object.fromEntries(Object.entries(data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));

/**
 * Fetches the configMaps and secrets the containers refer to (the I/O half of resolveEnv). The
 * kubelet passes its ReadThroughClient (kubelet/objects), so these reads come from the cache of the
 * pod's referenced objects and fall back to a GET only while that cache is not yet filled.
 */
export async function fetchEnvSources(client: Pick<ApiClient, 'get'>, pod: Pod, containers: Container[], podIP: string | undefined, hostIP: string): Promise<EnvSources> {
  const src: EnvSources = { configMaps: new Map(), secrets: new Map(), podIP, hostIP };
  const ns = pod.metadata.namespace;
  const get = async (rt: typeof Resources.configmaps, name: string) => {
    try {
      return await client.get<KObject & { data?: Record<string, string>; stringData?: Record<string, string> }>(rt, ns, name);
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
  };
  for (const c of containers) {
    const refs = envReferences(c);
    for (const n of refs.configMaps) {
      if (src.configMaps.has(n)) continue;
      const cm = await get(Resources.configmaps, n);
      src.configMaps.set(n, cm ? (cm.data ?? {}) : null);
    }
    for (const n of refs.secrets) {
      if (src.secrets.has(n)) continue;
      const s = await get(Resources.secrets, n);
      src.secrets.set(n, s ? { ...decode(s.data), ...(s.stringData ?? {}) } : null);
    }
  }
  return src;
}
