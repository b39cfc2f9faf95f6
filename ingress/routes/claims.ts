// Which Ingresses this controller serves. An Ingress is ours when spec.ingressClassName names an
// IngressClass whose spec.controller is our controller name, or when it names no class and the
// cluster's default IngressClass is ours (upstream's DefaultIngressClass admission would have
// written that class into the Ingress at creation; this apiserver does not, so the controller
// applies the same rule when reading). An Ingress naming a class that does not exist is nobody's.
import type { Ingress, IngressClass } from './api-types';
import { DEFAULT_CLASS_ANNOTATION } from './api-types';

export function isDefaultClass(c: IngressClass): boolean {
  return c.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true';
}

/** Older first, then by name: the order every "who wins" rule in the route table uses. */
export function byAge(a: { metadata: { creationTimestamp?: string; namespace?: string; name?: string } }, b: typeof a): number {
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  const ka = `${a.metadata.namespace ?? ''}/${a.metadata.name ?? ''}`;
  const kb = `${b.metadata.namespace ?? ''}/${b.metadata.name ?? ''}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/**
 * The default class when several are marked: the newest one, as upstream's admission plugin
 * picks since Kubernetes 1.30 (several defaults are allowed during a migration between them).
 */
export function defaultClass(classes: readonly IngressClass[]): IngressClass | undefined {
  const defaults = classes.filter(isDefaultClass).sort(byAge);
  return defaults[defaults.length - 1];
}

/** The Ingresses this controller serves, oldest first. */
export function claimedIngresses(ingresses: readonly Ingress[], classes: readonly IngressClass[], controllerName: string): Ingress[] {
  const ours = new Set(classes.filter((c) => c.spec?.controller === controllerName).map((c) => c.metadata.name));
  const def = defaultClass(classes);
  const defaultIsOurs = def !== undefined && ours.has(def.metadata.name);
  return ingresses
    .filter((i) => !i.metadata.deletionTimestamp)
    .filter((i) => {
      const cls = i.spec?.ingressClassName;
      return cls ? ours.has(cls) : defaultIsOurs;
    })
    .sort(byAge);
}

export const ingressKey = (i: Ingress): string => `${i.metadata.namespace ?? ''}/${i.metadata.name ?? ''}`;
