// The SOA serial rule: unix seconds of the last change, always increasing in RFC 1982 terms.
import assert from 'node:assert/strict';
import { nextSerial } from './zone-source';

describe('dns/server zone source: SOA serial', () => {
  const rows: { why: string; previous: number | undefined; nowMs: number; want: number }[] = [
    { why: 'first build: unix seconds', previous: undefined, nowMs: 1_764_954_000_123, want: 1_764_954_000 },
    { why: 'a later second: unix seconds', previous: 1_764_954_000, nowMs: 1_764_954_002_000, want: 1_764_954_002 },
    { why: 'same second: previous + 1', previous: 1_764_954_000, nowMs: 1_764_954_000_900, want: 1_764_954_001 },
    { why: 'ahead of the clock (two bumps in a second): keeps counting', previous: 1_764_954_005, nowMs: 1_764_954_003_000, want: 1_764_954_006 },
    { why: 'clock stepped back: still increases', previous: 1_764_954_000, nowMs: 1_600_000_000_000, want: 1_764_954_001 },
    { why: 'wraps at 2^32', previous: 0xffffffff, nowMs: 0, want: 0 },
  ];
  for (const r of rows) it(r.why, () => assert.equal(nextSerial(r.previous, r.nowMs), r.want));
});
