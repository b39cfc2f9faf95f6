// The autoscaling/v2 HorizontalPodAutoscaler as the controller reads it, and the metrics.k8s.io
// objects it reads usage from.
import type { KObject } from '../../lib/api/types';
import type { ResourceType } from '../../lib/api/resources';

export interface MetricTarget {
  type: 'Utilization' | 'AverageValue' | 'Value';
  averageUtilization?: number;
  averageValue?: string | number;
  value?: string | number;
}

export interface MetricSpec {
  type: 'Resource' | 'ContainerResource' | 'Pods' | 'Object' | 'External';
  resource?: { name: string; target: MetricTarget };
  containerResource?: { name: string; container: string; target: MetricTarget };
  [k: string]: unknown;
}

export interface HpaCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface MetricStatus {
  type: string;
  resource?: { name: string; current: { averageUtilization?: number; averageValue?: string } };
  containerResource?: { name: string; container: string; current: { averageUtilization?: number; averageValue?: string } };
}

export interface HpaStatus {
  observedGeneration?: number;
  lastScaleTime?: string;
  currentReplicas?: number;
  desiredReplicas: number;
  currentMetrics?: MetricStatus[];
  conditions?: HpaCondition[];
}

type Rules = { stabilizationWindowSeconds?: number; selectPolicy?: string; policies?: { type: 'Pods' | 'Percent'; value: number; periodSeconds: number }[] };

export interface Hpa extends KObject {
  spec: {
    scaleTargetRef: { apiVersion?: string; kind: string; name: string };
    minReplicas?: number;
    maxReplicas: number;
    metrics?: MetricSpec[];
    behavior?: { scaleUp?: Rules; scaleDown?: Rules };
  };
  status?: HpaStatus;
}

export interface Scale extends KObject {
  spec?: { replicas?: number };
  status?: { replicas?: number; selector?: string };
}

export interface PodMetrics extends KObject {
  timestamp?: string;
  window?: string;
  containers?: { name: string; usage?: Record<string, string> }[];
}

export const PodMetricsResource: ResourceType = { apiVersion: 'metrics.k8s.io/v1beta1', kind: 'PodMetrics', resource: 'pods', namespaced: true };

/** The resource a scaleTargetRef names: apps/v1 Deployment → deployments, v1 ReplicationController → replicationcontrollers. */
export function targetResource(ref: Hpa['spec']['scaleTargetRef']): ResourceType {
  return { apiVersion: ref.apiVersion || 'v1', kind: ref.kind, resource: `${ref.kind.toLowerCase()}s`, namespaced: true };
}
