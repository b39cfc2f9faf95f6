// Which Ingresses this controller serves. An Ingress is ours when spec.ingressClassName names an
// IngressClass whose spec.controller is our controller name. Without spec.ingressClassName: when
// the deprecated annotation kubernetes.io/ingress.class names one of our classes, or, without that
// annotation either, when the cluster's default IngressClass is ours (upstream's
// DefaultIngressClass admission writes the default class into such an Ingress at creation and
// leaves annotated ones alone; this apiserver has no such admission, so the controller applies the
// same rule when reading). An Ingress naming a class that does not exist is nobody's.
import type { Ingress, IngressClass } from './api-types';
import { CLASS_ANNOTATION, DEFAULT_CLASS_ANNOTATION } from './api-types';

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
 * The default class. Several marked default is a misconfiguration upstream's admission refuses to
 * default from; here the choice must still be deterministic, and the newest one is taken (what
 * upstream does for several default StorageClasses), so a migration to a new default works.
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
      if (cls) return ours.has(cls);
      const annotated = i.metadata.annotations?.[CLASS_ANNOTATION];
      return annotated !== undefined ? ours.has(annotated) : defaultIsOurs;
    })
    .sort(byAge);
}

export const ingressKey = (i: Ingress): string => `${i.metadata.namespace ?? ''}/${i.metadata.name ?? ''}`;
