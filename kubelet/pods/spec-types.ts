// Typed views of the core/v1 container fields the kubelet reads that lib/api/types leaves open
// (probes, lifecycle hooks, securityContext, envFrom). Kubernetes JSON shapes, nothing more.
import type { Container, Pod } from '../../lib/api/types';

export interface ExecAction {
  command?: string[];
}

export interface HTTPGetAction {
  path?: string;
  port: number | string;
  host?: string;
  scheme?: 'HTTP' | 'HTTPS';
  httpHeaders?: { name: string; value: string }[];
}

export interface TCPSocketAction {
  port: number | string;
  host?: string;
}

export interface Handler {
  exec?: ExecAction;
  httpGet?: HTTPGetAction;
  tcpSocket?: TCPSocketAction;
}

export interface Probe extends Handler {
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
}

export interface SecurityContext {
  runAsUser?: number;
  runAsGroup?: number;
  runAsNonRoot?: boolean;
  readOnlyRootFilesystem?: boolean;
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  capabilities?: { add?: string[]; drop?: string[] };
}

export interface EnvFromSource {
  prefix?: string;
  configMapRef?: { name: string; optional?: boolean };
  secretRef?: { name: string; optional?: boolean };
}

export interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
  subPath?: string;
}

export interface ContainerX extends Container {
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  lifecycle?: { preStop?: Handler; postStart?: Handler };
  securityContext?: SecurityContext;
  envFrom?: EnvFromSource[];
  volumeMounts?: VolumeMount[];
  /** Keep the process's stdin open for `kubectl attach -i`; stdinOnce closes it when that attach ends. */
  stdin?: boolean;
  stdinOnce?: boolean;
  tty?: boolean;
}

export const asX = (c: Container): ContainerX => c as ContainerX;

export const podSecurityContext = (pod: Pod): SecurityContext =>
  (pod.spec.securityContext as SecurityContext | undefined) ?? {};

/** Resolves a named or numeric container port. */
export function resolvePort(c: Container, port: number | string): number | undefined {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  return c.ports?.find((p) => p.name === port)?.containerPort;
}
