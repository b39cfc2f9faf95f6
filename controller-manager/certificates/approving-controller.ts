// csrapproving: approves the CertificateSigningRequests approval.ts recognises, through the
// approval subresource, as kube-controller-manager's csrapproving controller does.
import type { Node } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import type { ApiClient } from '../../lib/client/api-client';
import type { Informer } from '../../lib/client/informer';
import { WorkQueue, keyOf } from '../../lib/client/workqueue';
import { isNotFound } from '../../lib/errors';
import { componentLogger } from '../../lib/log';
import { approvalDecision } from './approval';
import { NODE_USER_PREFIX } from './csr-checks';
import { hasCondition, parsedRequest, viewOf, type CsrObject } from './csr-object';

const nowIso = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

export class CsrApprovingController {
  private readonly log = componentLogger('csrapproving-controller');
  private readonly queue = new WorkQueue({ name: 'csrapproving' });

  constructor(
    private readonly client: ApiClient,
    private readonly csrs: Informer<CsrObject>,
    private readonly nodes: Informer<Node>,
  ) {}

  start(): void {
    this.csrs.addHandler({ onAdd: (c) => this.queue.add(keyOf(c)), onUpdate: (_o, c) => this.queue.add(keyOf(c)) });
    // A serving request may wait for its Node's addresses: look again when nodes change.
    this.nodes.addHandler({
      onAdd: () => this.requeuePending(),
      onUpdate: () => this.requeuePending(),
    });
    this.queue.run(1, (k) => this.reconcile(k));
  }

  stop(): Promise<void> {
    return this.queue.shutdown();
  }

  private requeuePending(): void {
    for (const c of this.csrs.list()) if (!hasCondition(c, 'Approved') && !hasCondition(c, 'Denied')) this.queue.add(keyOf(c));
  }

  async reconcile(name: string): Promise<void> {
    const csr = this.csrs.get(undefined, name);
    if (!csr || hasCondition(csr, 'Approved') || hasCondition(csr, 'Denied') || hasCondition(csr, 'Failed')) return;
    const parsed = parsedRequest(csr);
    const cn = parsed?.commonName ?? '';
    const node = cn.startsWith(NODE_USER_PREFIX) ? this.nodes.get(undefined, cn.slice(NODE_USER_PREFIX.length)) : undefined;
    const d = approvalDecision(viewOf(csr), parsed, node ? { addresses: node.status?.addresses } : undefined);
    if (!d.approve) {
      this.log.debug({ csr: name, why: d.why }, 'not approving');
      return;
    }
    const conditions = [...(csr.status?.conditions ?? []), { type: 'Approved', status: 'True', reason: 'AutoApproved', message: d.message, lastUpdateTime: nowIso() }];
    try {
      await this.client.patch(Resources.certificatesigningrequests, undefined, name, 'merge', { metadata: { resourceVersion: csr.metadata.resourceVersion }, status: { conditions } }, 'approval');
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
    this.log.info({ csr: name, requester: csr.spec?.username, signer: csr.spec?.signerName }, 'certificate signing request approved');
  }
}
