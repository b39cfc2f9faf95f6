// The DaemonSet's history, as upstream's constructHistory keeps it: one ControllerRevision per
// template the set has run, named <set>-<template hash>, the current one carrying the highest
// revision number (an undo to an old template renumbers that revision rather than adding one).
import { revisionName, templateHash } from '../history/hash';
import {
  maxRevision, newRevision, revisionMatches, revisionsToDelete, sortRevisions, templatePatch, REVISION_HASH_LABEL, type ControllerRevision,
} from '../history/revisions';
import type { Pod } from '../../lib/api/types';
import { DS_API_VERSION, DS_KIND, type DaemonSet } from './daemon-set';

export interface HistoryPlan {
  /** The revision of the current template, when one exists. */
  current?: ControllerRevision;
  /** The revision to create when none holds the current template. */
  create?: ControllerRevision;
  /** The revision number the current revision must carry (set when it is lower). */
  renumberTo?: number;
  /** Other revisions holding the current template: their pods are relabelled, then they go. */
  duplicates: ControllerRevision[];
  /** Revisions of other templates. */
  old: ControllerRevision[];
  /** Revisions lacking the hash label: upstream labels them with their own name. */
  unlabelled: ControllerRevision[];
}

/** The hash of the DaemonSet's current template (with its collision count). */
export const dsTemplateHash = (ds: DaemonSet): string => templateHash(ds.spec.template, ds.status?.collisionCount);

/** The revision the DaemonSet's current template becomes, numbered `revision`. */
export function dsRevision(ds: DaemonSet, revision: number): ControllerRevision {
  const hash = dsTemplateHash(ds);
  return newRevision({
    owner: ds,
    ownerApiVersion: DS_API_VERSION,
    ownerKind: DS_KIND,
    data: templatePatch(ds),
    revision,
    hash,
    name: revisionName(ds.metadata.name!, hash),
    annotations: ds.metadata.annotations,
  });
}

export function planHistory(ds: DaemonSet, owned: ControllerRevision[]): HistoryPlan {
  const plan: HistoryPlan = { duplicates: [], old: [], unlabelled: [] };
  const current: ControllerRevision[] = [];
  for (const r of owned) {
    if (!(r.metadata.labels ?? {})[REVISION_HASH_LABEL]) plan.unlabelled.push(r);
    if (revisionMatches(ds, r)) current.push(r);
    else plan.old.push(r);
  }
  const next = maxRevision(plan.old) + 1;
  if (current.length === 0) {
    plan.create = dsRevision(ds, next);
    return plan;
  }
  const sorted = sortRevisions(current);
  plan.current = sorted[sorted.length - 1];
  plan.duplicates = sorted.slice(0, -1);
  if ((plan.current.revision ?? 0) < next) plan.renumberTo = next;
  return plan;
}

/** The hash a revision's pods carry: its label, or (unlabelled) its name. */
export const revisionHashOf = (r: ControllerRevision): string => (r.metadata.labels ?? {})[REVISION_HASH_LABEL] ?? r.metadata.name!;

/** cleanupHistory: old revisions beyond revisionHistoryLimit, oldest first, sparing those live pods use. */
export function historyToDelete(ds: DaemonSet, old: ControllerRevision[], pods: Pod[]): ControllerRevision[] {
  const live = new Set(pods.map((p) => (p.metadata.labels ?? {})[REVISION_HASH_LABEL]).filter((h): h is string => !!h));
  return revisionsToDelete(old, { limit: ds.spec.revisionHistoryLimit ?? 10, isLive: (r) => live.has(revisionHashOf(r)), liveCountsAgainstLimit: true });
}
