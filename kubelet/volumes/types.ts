// Shapes of the pod volume sources the kubelet understands. Pod specs are plain Kubernetes JSON; the
// shared PodSpec type leaves `volumes` open, so the volume module types what it reads here.

export interface KeyToPath {
  key: string;
  path: string;
  mode?: number;
}

export interface DownwardAPIFile {
  path: string;
  fieldRef?: { fieldPath: string; apiVersion?: string };
  resourceFieldRef?: { containerName?: string; resource: string; divisor?: string };
  mode?: number;
}

export interface VolumeSource {
  name: string;
  emptyDir?: { medium?: '' | 'Memory'; sizeLimit?: string };
  hostPath?: { path: string; type?: string };
  configMap?: { name: string; items?: KeyToPath[]; defaultMode?: number; optional?: boolean };
  secret?: { secretName: string; items?: KeyToPath[]; defaultMode?: number; optional?: boolean };
  downwardAPI?: { items?: DownwardAPIFile[]; defaultMode?: number };
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
  [key: string]: unknown;
}

/** One file a volume must contain: its path relative to the volume root, bytes and mode. */
export interface PayloadFile {
  data: Buffer;
  mode: number;
}

export type Payload = Map<string, PayloadFile>;

/** A problem that keeps one volume from being set up; the pod waits (ContainerCreating). */
export class VolumeSetupError extends Error {
  readonly code = 'VOLUME_SETUP_FAILED';
  constructor(readonly volume: string, message: string) {
    super(`volume "${volume}": ${message}`);
    this.name = 'VolumeSetupError';
  }
}

/** Kubernetes' default file mode for projected data (0644). */
export const DEFAULT_MODE = 0o644;

/** Plugin directory names under <root>/pods/<uid>/volumes, as the Kubernetes kubelet names them. */
export const PLUGIN_DIRS = {
  emptyDir: 'kubernetes.io~empty-dir',
  configMap: 'kubernetes.io~configmap',
  secret: 'kubernetes.io~secret',
  downwardAPI: 'kubernetes.io~downward-api',
} as const;
