// autoscaling/v1 HorizontalPodAutoscaler: served beside the stored autoscaling/v2 kind (v2 stays
// the preferred version, as upstream), converted by autoscaling-v1-conversion.ts. kubectl 1.32's
// `kubectl autoscale` writes this version.
import type { ServedVersion } from './types';
import { kindSchema, Str, Int, Time, obj, opt, req, named } from './schemas';
import { hpaV1ToV2, hpaV2ToV1 } from './autoscaling-v1-conversion';

const CrossVersionObjectReference = named(
  'io.k8s.api.autoscaling.v1.CrossVersionObjectReference',
  obj(
    { apiVersion: opt(Str, 'API version of the referent.'), kind: req(Str, 'Kind of the referent.'), name: req(Str, 'Name of the referent.') },
    'Enough information to let you identify the referred resource.',
  ),
);

const schema = kindSchema(
  {
    spec: obj(
      {
        scaleTargetRef: req(CrossVersionObjectReference, 'Reference to the scaled resource; the autoscaler learns its current resource consumption and sets the desired number of pods through its Scale subresource.'),
        minReplicas: opt(Int, 'The lower limit for the number of replicas to which the autoscaler can scale down. Defaults to 1 pod.'),
        maxReplicas: req(Int, 'The upper limit for the number of pods that can be set by the autoscaler; cannot be smaller than minReplicas.'),
        targetCPUUtilizationPercentage: opt(Int, 'The target average CPU utilization (a percentage of requested CPU) over all the pods; 80 when not specified.'),
      },
      'Specification of a horizontal pod autoscaler.',
    ),
    status: obj(
      {
        observedGeneration: opt(Int, 'The most recent generation observed by this autoscaler.'),
        lastScaleTime: opt(Time, 'The last time the HorizontalPodAutoscaler scaled the number of pods.'),
        currentReplicas: req(Int, 'The current number of replicas of pods managed by this autoscaler.'),
        desiredReplicas: req(Int, 'The desired number of replicas of pods managed by this autoscaler.'),
        currentCPUUtilizationPercentage: opt(Int, 'The current average CPU utilization over all pods, as a percentage of requested CPU.'),
      },
      'Current status of a horizontal pod autoscaler.',
    ),
  },
  'Configuration of a horizontal pod autoscaler. Stored as autoscaling/v2: the other metrics, the current metrics, the conditions and the behavior travel in autoscaling.alpha.kubernetes.io/ annotations.',
);

export const horizontalPodAutoscalerV1: ServedVersion = {
  version: 'v1',
  schema,
  toStorage: hpaV1ToV2,
  fromStorage: hpaV2ToV1,
};
