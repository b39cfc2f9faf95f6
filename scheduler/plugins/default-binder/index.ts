// DefaultBinder: binds the pod to its node with a Binding written to pods/binding, as upstream.
// The apiserver refuses (409) a pod bound meanwhile; the scheduler treats that as someone else's
// decision winning.
import type { Pod } from '../../../lib/api/types';
import { Resources } from '../../../lib/api/resources';
import type { CycleState } from '../../framework/cycle-state';
import { error, SUCCESS, type Status } from '../../framework/status';
import type { BindPlugin, Handle, PluginDefinition } from '../../framework/types';

export const NAME = 'DefaultBinder';

export class DefaultBinder implements BindPlugin {
  readonly name = NAME;
  constructor(private readonly handle: Handle) {}

  async bind(_state: CycleState, pod: Pod, nodeName: string): Promise<Status> {
    const client = this.handle.client;
    if (!client) return error('no API client to bind with');
    const { name, namespace, uid } = pod.metadata;
    await client.create(Resources.pods, { apiVersion: 'v1', kind: 'Binding', metadata: { name, namespace, uid }, target: { apiVersion: 'v1', kind: 'Node', name: nodeName } }, 'binding');
    return SUCCESS;
  }
}

export const plugin: PluginDefinition = { name: NAME, factory: (_args, handle) => new DefaultBinder(handle) };
