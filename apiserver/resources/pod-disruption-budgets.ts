// policy/v1 PodDisruptionBudget: how many pods of a set may be down at once through voluntary
// disruptions (evictions). Spec and status as upstream, the status owned by the disruption
// controller and the eviction subresource, and kubectl's MIN AVAILABLE / MAX UNAVAILABLE /
// ALLOWED DISRUPTIONS columns.
import type { PodDisruptionBudget } from '../../lib/api/pdb';
import { defineResource, col, objAge, NAME_COLUMN, AGE_COLUMN } from './common';
import { kindSchema, Str, Int, Time, IntOrString, LabelSelector, conditionSchema, obj, list, opt, named, Type } from './schemas';
import { pdbSpecErrors, pdbStatusErrors } from './validation-policy';

const PodDisruptionBudgetSpec = named(
  'io.k8s.api.policy.v1.PodDisruptionBudgetSpec',
  obj(
    {
      minAvailable: opt(IntOrString, 'An eviction is allowed if at least "minAvailable" pods selected by "selector" will still be available after the eviction. Can be an absolute number or a percentage.'),
      selector: opt(LabelSelector, 'Label query over pods whose evictions are managed by the disruption budget. An empty selector selects every pod of the namespace; a null one selects none.'),
      maxUnavailable: opt(IntOrString, 'An eviction is allowed if at most "maxUnavailable" pods selected by "selector" are unavailable after the eviction. Mutually exclusive with minAvailable.'),
      unhealthyPodEvictionPolicy: opt(Str, 'When unhealthy (not Ready) running pods may be evicted: IfHealthyBudget (the default) or AlwaysAllow.'),
    },
    'A description of a PodDisruptionBudget.',
  ),
);

const PodDisruptionBudgetStatus = named(
  'io.k8s.api.policy.v1.PodDisruptionBudgetStatus',
  obj(
    {
      observedGeneration: opt(Int, 'The most recent generation observed when updating this PDB status.'),
      disruptedPods: opt(Type.Record(Str, Time), 'Pods whose eviction was processed by the API server but not yet observed by the PodDisruptionBudget controller, with the time of the eviction.'),
      disruptionsAllowed: opt(Int, 'Number of pod disruptions that are currently allowed.'),
      currentHealthy: opt(Int, 'Current number of healthy pods.'),
      desiredHealthy: opt(Int, 'Minimum desired number of healthy pods.'),
      expectedPods: opt(Int, 'Total number of pods counted by this disruption budget.'),
      conditions: opt(
        list(conditionSchema('io.k8s.apimachinery.pkg.apis.meta.v1.Condition', ['lastTransitionTime'], { observedGeneration: opt(Int, 'The .metadata.generation the condition was set based upon.') })),
        'Conditions contain conditions for PDB; DisruptionAllowed says whether an eviction is allowed now.',
      ),
    },
    'Information about the status of a PodDisruptionBudget; it may trail the actual state of the system.',
  ),
);

/** intstr's String(): a number as its decimal, a string as it is. */
const intOrString = (v: unknown): string => (v === undefined || v === null ? 'N/A' : String(v));

export const poddisruptionbudgets = defineResource({
  group: 'policy',
  version: 'v1',
  kind: 'PodDisruptionBudget',
  resource: 'poddisruptionbudgets',
  singular: 'poddisruptionbudget',
  namespaced: true,
  shortNames: ['pdb'],
  subresources: ['status'],
  hasStatus: true,
  schema: kindSchema(
    { spec: PodDisruptionBudgetSpec, status: PodDisruptionBudgetStatus },
    'PodDisruptionBudget is an object to define the max disruption that can be caused to a collection of pods.',
  ),
  printerColumns: [
    NAME_COLUMN,
    col('Min Available', 'string', 'The minimum number of pods that must be available.'),
    col('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
    col('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
    AGE_COLUMN,
  ],
  printRow: (o) => {
    const p = o as PodDisruptionBudget;
    return [p.metadata.name, intOrString(p.spec?.minAvailable), intOrString(p.spec?.maxUnavailable), p.status?.disruptionsAllowed ?? 0, objAge(p)];
  },
  prepareForCreate: (o) => {
    (o as PodDisruptionBudget).status = { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
  },
  validate: (o) => pdbSpecErrors((o as PodDisruptionBudget).spec),
  validateStatus: (o) => pdbStatusErrors((o as PodDisruptionBudget).status),
});
