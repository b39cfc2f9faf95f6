// The DaemonSet as the controller reads it, and the names it uses on pods and revisions.
import type { KObject, LabelSelector, PodTemplateSpec } from '../../lib/api/types';

export interface DaemonSet extends KObject {
  spec: {
    selector?: LabelSelector;
    template: PodTemplateSpec;
    updateStrategy?: { type?: string; rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string } };
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
  };
  status?: DaemonSetStatus;
}

export interface DaemonSetStatus {
  currentNumberScheduled: number;
  numberMisscheduled: number;
  desiredNumberScheduled: number;
  numberReady: number;
  observedGeneration?: number;
  updatedNumberScheduled?: number;
  numberAvailable?: number;
  numberUnavailable?: number;
  collisionCount?: number;
  conditions?: unknown[];
}

export const DS_API_VERSION = 'apps/v1';
export const DS_KIND = 'DaemonSet';
/** Pods carry the DaemonSet's generation when they were made (extensions' DaemonSetTemplateGenerationKey). */
export const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';
