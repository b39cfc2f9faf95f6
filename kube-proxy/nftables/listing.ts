// Reads `nft -j -t list table ip <table>` (JSON, set contents omitted) into what build-ruleset.ts
// needs to delete stale objects. Pure, so it is tested on recorded output; anything that is not
// an object of our table is ignored, and output that is not nft's JSON is a named error.
import type { NftExistingState } from './build-ruleset';

export class NftListingError extends Error {
  readonly code = 'NFTABLES_LISTING_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'NftListingError';
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseNftListing(json: string, table: string): NftExistingState {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch (err) {
    throw new NftListingError(`nft listing is not JSON: ${(err as Error).message}`);
  }
  const items = isObj(doc) ? doc.nftables : undefined;
  if (!Array.isArray(items)) throw new NftListingError('nft listing has no "nftables" array');
  const state: NftExistingState = { chains: [], sets: [], maps: [] };
  for (const item of items) {
    if (!isObj(item)) continue;
    const [kind] = Object.keys(item);
    const o = item[kind];
    if (!isObj(o) || o.family !== 'ip' || o.table !== table || typeof o.name !== 'string') continue;
    if (kind === 'chain') state.chains.push(o.name);
    else if (kind === 'map') state.maps.push(o.name);
    else if (kind === 'set') state.sets.push(typeof o.timeout === 'number' ? { name: o.name, timeoutSeconds: o.timeout } : { name: o.name });
  }
  state.chains.sort();
  state.maps.sort();
  state.sets.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return state;
}
