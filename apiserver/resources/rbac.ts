// rbac.authorization.k8s.io/v1 Role, ClusterRole, RoleBinding, ClusterRoleBinding: stored and
// served (authorization by them comes later). Rules need verbs, bindings an immutable roleRef.
import type { KObject } from '../../lib/api/types';
import { defineResource, col, objAge, NAME_COLUMN, AGE_COLUMN, jsonEqual } from './common';
import { kindSchema, Str, obj, opt, req, list, named, LabelSelector } from './schemas';
import { createdAt } from './printing';
import { invalid, notSupported, required, type FieldError } from './validation';
import { labelSelector } from './validation-selectors';
import type { ResourceSpec } from './types';

type Obj = Record<string, any>;
type R = KObject & { rules?: Obj[]; roleRef?: Obj; subjects?: Obj[]; aggregationRule?: Obj };

const GROUP = 'rbac.authorization.k8s.io';
const strs = (d: string) => opt(list(Str), d);

const PolicyRule = named(
  'io.k8s.api.rbac.v1.PolicyRule',
  obj(
    {
      verbs: req(list(Str), "Verbs that apply to all the resources of this rule; '*' means all."),
      apiGroups: strs('The API groups that contain the resources; "" is the core group.'),
      resources: strs("Resources this rule applies to; '*' means all in the named groups."),
      resourceNames: strs('An optional allow-list of object names.'),
      nonResourceURLs: strs('Partial URLs a user may access, only in ClusterRoles bound by ClusterRoleBindings.'),
    },
    'PolicyRule holds information that describes a policy rule.',
  ),
);

const AggregationRule = named(
  'io.k8s.api.rbac.v1.AggregationRule',
  obj(
    { clusterRoleSelectors: opt(list(LabelSelector), "Selectors over ClusterRoles' labels; the rules of every match are aggregated into this ClusterRole. If any selector matches, the ClusterRole's permissions are added.") },
    'Describes how to locate ClusterRoles to aggregate into the ClusterRole.',
  ),
);

const RoleRef = named(
  'io.k8s.api.rbac.v1.RoleRef',
  obj(
    { apiGroup: req(Str, 'The group for the resource being referenced.'), kind: req(Str, 'The type of resource being referenced.'), name: req(Str, 'The name of resource being referenced.') },
    'Contains information that points to the role being used.',
  ),
);

const Subject = named(
  'io.k8s.api.rbac.v1.Subject',
  obj(
    {
      kind: req(Str, 'Kind of object being referenced: ServiceAccount, User or Group.'),
      apiGroup: opt(Str, 'The API group of the referenced subject: "" for ServiceAccount subjects, rbac.authorization.k8s.io for User and Group.'),
      name: req(Str, 'Name of the object being referenced.'),
      namespace: opt(Str, 'Namespace of the referenced object; must be empty for User and Group subjects.'),
    },
    'A reference to a user, group or service account the binding applies to.',
  ),
);

function ruleErrors(rules: Obj[] | undefined, clusterScoped: boolean): FieldError[] {
  const errs: FieldError[] = [];
  (rules ?? []).forEach((r, i) => {
    const p = `rules[${i}]`;
    if (!Array.isArray(r?.verbs) || r.verbs.length === 0) errs.push(required(`${p}.verbs`));
    const urls = r?.nonResourceURLs ?? [];
    const res = r?.resources ?? [];
    if (urls.length && !clusterScoped) errs.push(invalid(`${p}.nonResourceURLs`, urls, 'namespaced rules cannot apply to non-resource URLs'));
    if (urls.length && res.length) errs.push(invalid(`${p}.nonResourceURLs`, urls, 'rules cannot apply to both regular resources and non-resource URLs'));
    if (!urls.length) {
      if (!Array.isArray(r?.apiGroups) || r.apiGroups.length === 0) errs.push({ reason: 'FieldValueRequired', field: `${p}.apiGroups`, message: 'Required value: resource rules must supply at least one api group' });
      if (res.length === 0) errs.push({ reason: 'FieldValueRequired', field: `${p}.resources`, message: 'Required value: resource rules must supply at least one resource' });
    }
  });
  return errs;
}

const SUBJECT_KINDS = ['ServiceAccount', 'User', 'Group'];

function bindingErrors(b: R, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const ref = b.roleRef;
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!ref) return [required('roleRef')];
  if (ref.apiGroup !== GROUP) errs.push(notSupported('roleRef.apiGroup', ref.apiGroup ?? '', [GROUP]));
  if (!kinds.includes(ref.kind)) errs.push(notSupported('roleRef.kind', ref.kind ?? '', kinds));
  if (!ref.name) errs.push(required('roleRef.name'));
  (b.subjects ?? []).forEach((s, i) => {
    const p = `subjects[${i}]`;
    if (!s?.name) errs.push(required(`${p}.name`));
    if (!SUBJECT_KINDS.includes(s?.kind)) errs.push(notSupported(`${p}.kind`, s?.kind ?? '', SUBJECT_KINDS));
    else if (s.kind === 'ServiceAccount') {
      if (s.apiGroup) errs.push(notSupported(`${p}.apiGroup`, s.apiGroup, ['']));
      if (!namespaced && !s.namespace) errs.push(required(`${p}.namespace`));
    } else if (s.apiGroup !== GROUP) errs.push(notSupported(`${p}.apiGroup`, s.apiGroup ?? '', [GROUP]));
  });
  return errs;
}

function defaultSubjects(o: KObject): void {
  for (const s of (o as R).subjects ?? []) if (s && (s.kind === 'User' || s.kind === 'Group')) s.apiGroup ??= GROUP;
}

const names = (b: R, kind: string) => (b.subjects ?? []).filter((s) => s?.kind === kind).map((s) => (kind === 'ServiceAccount' ? `${s.namespace ?? ''}/${s.name}` : s.name)).join(', ');

const CREATED_AT = col('Created At', 'date', 'CreationTimestamp is a timestamp representing the server time when this object was created.');

function role(kind: 'Role' | 'ClusterRole', namespaced: boolean): ResourceSpec {
  return defineResource({
    group: GROUP,
    version: 'v1',
    kind,
    resource: `${kind.toLowerCase()}s`,
    singular: kind.toLowerCase(),
    namespaced,
    schema: kindSchema(
      {
        rules: opt(list(PolicyRule), `Holds all the PolicyRules for this ${kind}.`),
        ...(namespaced ? {} : { aggregationRule: opt(AggregationRule, 'Describes how to build the rules for this ClusterRole from other ClusterRoles; the controller manages the rules when it is set.') }),
      },
      `${kind} is a ${namespaced ? 'namespaced' : 'cluster level'}, logical grouping of PolicyRules that can be referenced as a unit by a ${namespaced ? 'RoleBinding' : 'RoleBinding or ClusterRoleBinding'}.`,
    ),
    printerColumns: [NAME_COLUMN, CREATED_AT],
    printRow: (o) => [o.metadata.name, createdAt(o)],
    validate: (o) => [...ruleErrors((o as R).rules, !namespaced), ...aggregationErrors((o as R).aggregationRule)],
  });
}

/** A ClusterRole's aggregation rule: at least one valid label selector. */
function aggregationErrors(rule: unknown): FieldError[] {
  if (!rule || typeof rule !== 'object') return [];
  const selectors = (rule as { clusterRoleSelectors?: unknown }).clusterRoleSelectors;
  if (!Array.isArray(selectors) || selectors.length === 0)
    return [required('aggregationRule.clusterRoleSelectors', 'at least one clusterRoleSelector required if aggregationRule is non-nil')];
  return selectors.flatMap((sel, i) => labelSelector(sel, `aggregationRule.clusterRoleSelectors[${i}]`));
}

function binding(kind: 'RoleBinding' | 'ClusterRoleBinding', namespaced: boolean): ResourceSpec {
  return defineResource({
    group: GROUP,
    version: 'v1',
    kind,
    resource: `${kind.toLowerCase()}s`,
    singular: kind.toLowerCase(),
    namespaced,
    schema: kindSchema(
      {
        roleRef: req(
          RoleRef,
          'The Role or ClusterRole being bound. Immutable: delete and recreate the binding to change it.',
        ),
        subjects: opt(
          list(Subject),
          'The references to the objects the role applies to.',
        ),
      },
      `${kind} grants the permissions defined in a role to a set of subjects.`,
    ),
    printerColumns: [
      NAME_COLUMN,
      col('Role', 'string', 'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace.'),
      AGE_COLUMN,
      col('Users', 'string', 'Users in the binding', 1),
      col('Groups', 'string', 'Groups in the binding', 1),
      col('ServiceAccounts', 'string', 'ServiceAccounts in the binding', 1),
    ],
    printRow: (o) => {
      const b = o as R;
      return [b.metadata.name, `${b.roleRef?.kind ?? ''}/${b.roleRef?.name ?? ''}`, objAge(b), names(b, 'User'), names(b, 'Group'), names(b, 'ServiceAccount')];
    },
    defaults: defaultSubjects,
    validate: (o) => bindingErrors(o as R, namespaced),
    validateUpdate: (o, old) => (jsonEqual((o as R).roleRef, (old as R).roleRef) ? [] : [invalid('roleRef', (o as R).roleRef, 'cannot change roleRef')]),
  });
}

export const roles = role('Role', true);
export const clusterroles = role('ClusterRole', false);
export const rolebindings = binding('RoleBinding', true);
export const clusterrolebindings = binding('ClusterRoleBinding', false);
