// Cell formatting shared by the printers of the newer kinds, following kubectl's output: "<none>"
// for empty values, "+ N more..." after the first three entries, labels as k=v,k2=v2.
import { selectorToString } from '../../lib/api/labels';
import type { LabelSelector } from '../../lib/api/types';
import { col } from './common';

type Obj = Record<string, any>;

/** The first `max` entries joined by commas, then "+ N more..." as kubectl prints long lists. */
export function joinWithMore(items: string[], max = 3, sep = ','): string {
  if (items.length <= max) return items.join(sep);
  return `${items.slice(0, max).join(sep)} + ${items.length - max} more...`;
}

/** A label map as kubectl prints it: "k=v,k2=v2" or "<none>". */
export function formatLabels(m: Record<string, string> | undefined): string {
  const keys = Object.keys(m ?? {}).sort();
  return keys.length ? keys.map((k) => `${k}=${m![k]}`).join(',') : '<none>';
}

export const formatSelector = (s: LabelSelector | undefined): string => (s ? selectorToString(s) || '<none>' : '<none>');

/** CONTAINERS and IMAGES cells of a pod template. */
export function templateCells(template: Obj | undefined): [string, string] {
  const cs: Obj[] = Array.isArray(template?.spec?.containers) ? template!.spec.containers : [];
  return [cs.map((c) => c?.name).join(',') || '<none>', cs.map((c) => c?.image).join(',') || '<none>'];
}

export const CONTAINERS_COLUMN = col('Containers', 'string', 'Names of each container in the template.', 1);
export const IMAGES_COLUMN = col('Images', 'string', 'Images referenced by each container in the template.', 1);
export const SELECTOR_COLUMN = col('Selector', 'string', 'Label selector for pods.', 1);

/** RFC 3339 seconds, the CREATED AT cell of roles. */
export const createdAt = (o: { metadata: { creationTimestamp?: string | null } }): string => o.metadata.creationTimestamp ?? '';
