// Runs every controller of the skeleton over one set of shared informers (SharedInformers): each
// view of a resource is listed and watched once — the garbage collector's included — and the
// controllers register their handlers on the same caches.
import type { Deployment, Endpoints, KObject, Lease, Node, Pod, ReplicaSet, ReplicationController, Service } from '../lib/api/types';
import { Resources } from '../lib/api/resources';
import type { ApiClient } from '../lib/client/api-client';
import type { Informer } from '../lib/client/informer';
import { EventRecorder } from '../lib/client/event-recorder';
import { componentLogger } from '../lib/log';
import { warnInvalid } from './common/invalid-objects';
import { SharedInformers } from './common/shared-informers';
import { DeploymentController } from './deployment/controller';
import { EndpointsController } from './endpoints/controller';
import { GarbageCollector } from './garbage-collector/controller';
import { InvalidPodsController } from './invalid-pods/controller';
import { NodeIpamController } from './node-ipam/controller';
import { NODE_LEASE_NAMESPACE, NodeLifecycleController } from './node-lifecycle/controller';
import { ReplicaSetController } from './replicaset/controller';
import { REPLICATION_CONTROLLER } from './replicaset/kinds';
import { PVBinderController } from './pv-binder/controller';
import { TaintEvictionController } from './taint-eviction/controller';
import { StatefulSetController } from './statefulset/controller';
import type { Claim, StatefulSet } from './statefulset/identity';
import type { ControllerRevision } from './history/revisions';
import { DisruptionController } from './disruption/controller';
import { DaemonSetController } from './daemonset/controller';
import type { DaemonSet } from './daemonset/daemon-set';
import type { PodDisruptionBudget } from '../lib/api/pdb';
import type { DisruptionParams } from './node-lifecycle/zones';
import type { PV, PVC } from './pv-binder/match';
import { ALL_CONTROLLERS } from './flags';
import { CsrApprovingController } from './certificates/approving-controller';
import { CsrSigningController, type SigningOptions } from './certificates/signing-controller';
import { TokenCleaner } from './certificates/token-cleaner';
import { CsrCleaner } from './certificates/cleaner-controller';
import type { CsrObject } from './certificates/csr-object';
import { BOOTSTRAP_TOKEN_NAMESPACE } from '../lib/api/bootstrap-token';
import { batchControllers } from './batch-controllers';
import { HpaController, type HpaControllerOptions } from './hpa/controller';
import type { Hpa } from './hpa/types';
import { ServiceAccountsController } from './serviceaccounts/controller';
import { RootCaPublisher } from './serviceaccounts/root-ca-publisher';
import { ROOT_CA_CONFIGMAP } from './serviceaccounts/plan';
import { ResourceQuotaController } from './resourcequota/controller';
import type { ResourceQuotaLike } from '../lib/api/quota-usage';
import { PodGcController } from './podgc/controller';
import { ServiceLbController } from './service-lb/controller';
import { parseLbPool } from './service-lb/pool';
import { EndpointSliceMirroringController } from './endpointslice-mirroring/controller';
import type { MirroredSlice } from './endpointslice-mirroring/plan';

export interface ControllersOptions {
  client: ApiClient;
  clusterCidr: string;
  nodeCidrMaskSize: number;
  nodeMonitorGracePeriodSeconds: number;
  nodeMonitorPeriodMs?: number;
  /** Zone-aware rate limiting of NoExecute taints (--node-eviction-rate and friends). */
  nodeEviction?: Partial<DisruptionParams>;
  /** Names of controllers to run; default all. */
  controllers?: string[];
  /** The HPA controller's periods; upstream's defaults when not given. */
  hpa?: Partial<HpaControllerOptions>;
  /** The CA bundle the root-ca-cert-publisher puts in every namespace; without it the publisher idles. */
  rootCaPem?: string;
  /** The resource quota controller's full recalculation interval. */
  resourceQuotaSyncMs?: number;
  /** --terminated-pod-gc-threshold for podgc. */
  terminatedPodGcThreshold?: number;
  /** podgc's pass interval and quarantine (--pod-gc-period, --pod-gc-quarantine); upstream's 20 s and 40 s when unset. */
  podGc?: { periodMs?: number; quarantineMs?: number };
  /** The cluster CA for csrsigning; without it csrsigning does not run (as upstream). */
  signing?: SigningOptions;
  /** The Job controller's first pod-failure backoff (--job-backoff-base); upstream's 10 s when unset. */
  jobBackoffBaseMs?: number;
  /** --load-balancer-ip-pool; empty or unset: the service-lb-controller idles. */
  loadBalancerIpPool?: string;
}

export { ALL_CONTROLLERS };

export class Controllers {
  private readonly log = componentLogger('controller-manager');
  private informers?: SharedInformers;
  private readonly running: { stop(): Promise<void> }[] = [];
  private synced = false;

  constructor(private readonly opts: ControllersOptions) {}

  hasSynced(): boolean {
    return this.synced;
  }

  async start(): Promise<void> {
    const { client } = this.opts;
    const enabled = new Set(this.opts.controllers ?? ALL_CONTROLLERS);
    const shared = (this.informers = new SharedInformers(client));
    const inf = <T extends KObject>(rt: (typeof Resources)[keyof typeof Resources], namespace?: string) => shared.get<T>(rt, { namespace });
    const pods = inf<Pod>(Resources.pods);
    const replicaSets = inf<ReplicaSet>(Resources.replicasets);
    const deployments = inf<Deployment>(Resources.deployments);
    const services = inf<Service>(Resources.services);
    const endpoints = inf<Endpoints>(Resources.endpoints);
    const nodes = inf<Node>(Resources.nodes);
    const leases = inf<Lease>(Resources.leases, NODE_LEASE_NAMESPACE);
    const recorder = (component: string) => new EventRecorder(client, { component });
    // The informers below are made when a controller asks (CertificateSigningRequests, say, are
    // listed and watched only when a certificate controller runs), once whoever asks.
    const namespaces = () => inf<KObject>(Resources.namespaces);
    const rootCaConfigMaps = () =>
      shared.get<KObject>(Resources.configmaps, { fieldSelector: `metadata.name=${ROOT_CA_CONFIGMAP}`, name: 'controller-manager-root-ca-configmaps' });
    const csrs = () => inf<CsrObject>(Resources.certificatesigningrequests);
    const daemonSets = () => inf<DaemonSet>(Resources.daemonsets);
    const revisions = () => inf<ControllerRevision>(Resources.controllerrevisions);
    // Invalid objects never reach the controllers (the informers skip them); the owners of the
    // kinds users edit say so on the object.
    const warnings: [Informer<KObject>, (typeof Resources)[keyof typeof Resources], string, string][] = [
      [deployments as unknown as Informer<KObject>, Resources.deployments, 'deployment', 'deployment-controller'],
      [replicaSets as unknown as Informer<KObject>, Resources.replicasets, 'replicaset', 'replicaset-controller'],
      [services as unknown as Informer<KObject>, Resources.services, 'endpoints', 'endpoints-controller'],
      [inf<KObject>(Resources.statefulsets), Resources.statefulsets, 'statefulset', 'statefulset-controller'],
      [inf<KObject>(Resources.replicationcontrollers), Resources.replicationcontrollers, 'replicationcontroller', 'replication-controller'],
    ];
    for (const [informer, rt, controller, component] of warnings) {
      if (!enabled.has(controller)) continue;
      const events = recorder(component);
      informer.addHandler({ onInvalid: (raw, problems) => warnInvalid(events, raw, rt.kind, rt.apiVersion, component, problems) });
    }

    const controllers: Record<string, () => { start(): void; stop(): Promise<void> }> = {
      replicaset: () => new ReplicaSetController(client, replicaSets, pods, recorder('replicaset-controller')),
      replicationcontroller: () => new ReplicaSetController(client, inf<ReplicationController>(Resources.replicationcontrollers), pods, recorder('replication-controller'), REPLICATION_CONTROLLER),
      daemonset: () => new DaemonSetController(client, daemonSets(), pods, nodes, revisions(), recorder('daemonset-controller')),
      deployment: () => new DeploymentController(client, deployments, replicaSets, recorder('deployment-controller')),
      endpoints: () => new EndpointsController(client, services, pods, endpoints, nodes),
      'node-ipam': () => new NodeIpamController(client, nodes, recorder('node-ipam-controller'), this.opts.clusterCidr, this.opts.nodeCidrMaskSize),
      'node-lifecycle': () =>
        new NodeLifecycleController(client, nodes, leases, pods, recorder('node-controller'), {
          gracePeriodMs: this.opts.nodeMonitorGracePeriodSeconds * 1000,
          monitorPeriodMs: this.opts.nodeMonitorPeriodMs,
          disruption: this.opts.nodeEviction,
        }),
      'taint-eviction': () => new TaintEvictionController(client, pods, nodes, recorder('taint-eviction-controller')),
      disruption: () => {
        const pdbs = inf<PodDisruptionBudget>(Resources.poddisruptionbudgets);
        const events = recorder('controllermanager');
        pdbs.addHandler({ onInvalid: (raw, problems) => warnInvalid(events, raw, 'PodDisruptionBudget', 'policy/v1', 'disruption-controller', problems) });
        return new DisruptionController(
          client,
          pdbs,
          pods,
          replicaSets,
          deployments,
          inf<KObject & { spec?: { replicas?: number } }>(Resources.statefulsets),
          events,
          Date.now,
          inf<KObject & { spec?: { replicas?: number } }>(Resources.replicationcontrollers),
        );
      },
      // Every kind the apiserver serves, learnt by discovery (no list of kinds here).
      'garbage-collector': () =>
        new GarbageCollector(client, {
          discover: () => (client.discover ? client.discover() : Promise.reject(new Error('this client serves no discovery'))),
          recorder: recorder('garbage-collector-controller'),
          // The kinds other controllers watch are not listed and watched a second time.
          informers: { informer: (rt) => shared.get<KObject>(rt), synced: (i) => shared.synced(i) },
        }),
      'invalid-pods': () => new InvalidPodsController(client, pods as unknown as Informer<KObject>),
      'pv-binder': () => new PVBinderController(client, inf<PV>(Resources.persistentvolumes), inf<PVC>(Resources.persistentvolumeclaims), recorder('persistentvolume-controller'), inf<KObject>(Resources.storageclasses)),
      statefulset: () =>
        new StatefulSetController(
          client,
          inf<StatefulSet>(Resources.statefulsets),
          pods,
          inf<Claim>(Resources.persistentvolumeclaims),
          inf<ControllerRevision>(Resources.controllerrevisions),
          recorder('statefulset-controller'),
        ),
      csrapproving: () => new CsrApprovingController(client, csrs(), nodes),
      csrsigning: () => (this.opts.signing ? new CsrSigningController(client, csrs(), this.opts.signing) : idle('csrsigning', 'no --cluster-signing-cert-file/--cluster-signing-key-file given')),
      csrcleaner: () => new CsrCleaner(client, csrs()),
      horizontalpodautoscaling: () =>
        new HpaController(client, inf<Hpa>(Resources.horizontalpodautoscalers), pods, recorder('horizontal-pod-autoscaler'), {
          syncPeriodMs: 15_000,
          downscaleStabilizationMs: 300_000,
          ...this.opts.hpa,
        }),
      'service-lb-controller': () => {
        const pool = parseLbPool(this.opts.loadBalancerIpPool ?? '');
        return pool.ranges.length ? new ServiceLbController(client, services, recorder('service-lb-controller'), pool) : idle('service-lb-controller', 'no --load-balancer-ip-pool');
      },
      'endpointslice-mirroring-controller': () => new EndpointSliceMirroringController(client, services, endpoints, inf<MirroredSlice>(Resources.endpointslices)),
      podgc: () => new PodGcController(client, pods, nodes, { terminatedPodThreshold: this.opts.terminatedPodGcThreshold, ...this.opts.podGc }),
      tokencleaner: () => new TokenCleaner(client, inf<KObject>(Resources.secrets, BOOTSTRAP_TOKEN_NAMESPACE)),
      ...batchControllers({ client, pods, inf, recorder, jobBackoffBaseMs: this.opts.jobBackoffBaseMs }),
      serviceaccount: () => new ServiceAccountsController(client, namespaces(), inf<KObject>(Resources.serviceaccounts)),
      'root-ca-cert-publisher': () =>
        this.opts.rootCaPem
          ? new RootCaPublisher(client, namespaces(), rootCaConfigMaps(), this.opts.rootCaPem)
          : idle('root-ca-cert-publisher', 'no --root-ca-file and no CA in the kubeconfig'),
      resourcequota: () =>
        new ResourceQuotaController(client, inf<ResourceQuotaLike>(Resources.resourcequotas), pods, services as unknown as Informer<KObject>, {
          resyncMs: this.opts.resourceQuotaSyncMs ?? 5 * 60_000,
        }, [Resources.persistentvolumeclaims, Resources.configmaps, Resources.secrets, Resources.replicationcontrollers].map((rt) => ({ rt, informer: inf<KObject>(rt) }))),
    };
    const idle = (name: string, why: string) => {
      this.log.info({ controller: name, why }, 'controller not started');
      return { start: () => undefined, stop: async () => undefined };
    };
    // Controllers register handlers before the caches fill, so every existing object is seen.
    const started: { start(): void; stop(): Promise<void> }[] = [];
    for (const name of ALL_CONTROLLERS) {
      if (!enabled.has(name)) continue;
      started.push(controllers[name]());
    }
    await shared.start();
    for (const c of started) {
      c.start();
      this.running.push(c);
    }
    this.synced = true;
    this.log.info({ controllers: [...enabled] }, 'controllers running');
  }

  async stop(): Promise<void> {
    this.informers?.stop();
    await Promise.all(this.running.map((c) => c.stop()));
  }
}
