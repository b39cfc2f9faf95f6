// Field-number tables of autoscaling/v1 HorizontalPodAutoscaler, so that `kubectl autoscale`
// works: kubectl sends that kind as protobuf. Written from the public field numbers of
// k8s.io/api/autoscaling/v1 generated.proto; merged into protobuf-messages.ts's tables.
import type { FieldSpec, MessageTable } from './protobuf-messages';

const s = (name: string): FieldSpec => ({ name, type: 'string' });
const i32 = (name: string, ptr = false): FieldSpec => ({ name, type: 'int32', ptr });
const m = (name: string, message: string): FieldSpec => ({ name, type: { message } });

export const AUTOSCALING_MESSAGES: Record<string, MessageTable> = {
  HorizontalPodAutoscaler: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'HorizontalPodAutoscalerSpec'), 3: m('status', 'HorizontalPodAutoscalerStatus') },
  // minReplicas and targetCPUUtilizationPercentage are Go pointers: a zero that arrives is kept
  // (and judged by validation); maxReplicas is a plain int32, absent when zero.
  HorizontalPodAutoscalerSpec: {
    1: m('scaleTargetRef', 'CrossVersionObjectReference'), 2: i32('minReplicas', true), 3: i32('maxReplicas'), 4: i32('targetCPUUtilizationPercentage', true),
  },
  HorizontalPodAutoscalerStatus: {
    1: { name: 'observedGeneration', type: 'int64', ptr: true }, 2: { name: 'lastScaleTime', type: 'time' }, 3: i32('currentReplicas'), 4: i32('desiredReplicas'),
    5: i32('currentCPUUtilizationPercentage', true),
  },
  CrossVersionObjectReference: { 1: s('kind'), 2: s('name'), 3: s('apiVersion') },
};

export const AUTOSCALING_TOP_LEVEL: Record<string, string> = {
  'autoscaling/v1/HorizontalPodAutoscaler': 'HorizontalPodAutoscaler',
};
