// The base of ApiClient wrappers that change a few calls and pass the rest through (the kubelet's
// read-through client). Forwarding is done once here by method name, so a wrapper writes only the
// calls it changes instead of restating every ApiClient signature.
import type { ApiClient } from './api-client';

/** Every ApiClient method: `satisfies` fails to compile when the interface gains or loses one. */
const METHODS = {
  get: true,
  list: true,
  create: true,
  update: true,
  updateStatus: true,
  patch: true,
  delete: true,
  watch: true,
  close: true,
  discover: true,
} satisfies Record<keyof ApiClient, true>;

// The class carries every ApiClient member: those a subclass does not define are assigned below.
export interface ForwardingClient extends ApiClient {}

export class ForwardingClient {
  constructor(protected readonly inner: ApiClient) {
    const own = Object.getPrototypeOf(this) as Partial<ApiClient>;
    const self = this as unknown as Record<keyof ApiClient, unknown>;
    for (const m of Object.keys(METHODS) as (keyof ApiClient)[]) {
      // A method the subclass defines (found on its prototype chain) wins over forwarding.
      // Optional members the inner client lacks (discover on a fake) stay absent.
      if (own[m] === undefined) self[m] = inner[m]?.bind(inner);
    }
  }
}
