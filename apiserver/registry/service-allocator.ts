// ClusterIP and NodePort allocation. Each allocated IP or port is an etcd key created only if
// absent (ranges/serviceips/<ip>, ranges/servicenodeports/<port>), so concurrent creates can never
// hand out the same value; repair() re-derives the claims from the stored Services after a crash.
import { randomInt } from 'node:crypto';
import type { KObject, Service } from '../../lib/api/types';
import type { EtcdStore } from '../storage/etcd-store';
import { invalidError, invalid, type FieldError } from '../resources/validation';

const IP_PREFIX = 'ranges/serviceips/';
const PORT_PREFIX = 'ranges/servicenodeports/';
export const DNS_SERVICE_OFFSET = 10;

export function ipToInt(ip: string): number {
  return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}
export function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

export interface IpRange {
  base: number;
  size: number;
  cidr: string;
}

export function parseCidr(cidr: string): IpRange {
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(cidr.trim());
  if (!m) throw new Error(`invalid CIDR "${cidr}"`);
  const bits = Number(m[2]);
  const size = 2 ** (32 - bits);
  const base = Math.floor(ipToInt(m[1]) / size) * size;
  return { base, size, cidr };
}

export function parsePortRange(r: string): { min: number; max: number } {
  const m = /^(\d+)-(\d+)$/.exec(r.trim());
  if (!m || Number(m[1]) > Number(m[2])) throw new Error(`invalid port range "${r}"`);
  return { min: Number(m[1]), max: Number(m[2]) };
}

const owner = (s: KObject) => `${s.metadata.namespace}/${s.metadata.name}`;
const needsNodePorts = (s: Service) => s.spec?.type === 'NodePort' || s.spec?.type === 'LoadBalancer';
const needsClusterIp = (s: Service) => s.spec?.type !== 'ExternalName' && s.spec?.clusterIP !== 'None';
/** A LoadBalancer with externalTrafficPolicy Local gets a node port for its health check. */
export const needsHealthCheckNodePort = (s: Service) => s.spec?.type === 'LoadBalancer' && s.spec?.externalTrafficPolicy === 'Local';
/** allocateLoadBalancerNodePorts: false — a LoadBalancer keeps only the node ports the user asked for. */
const autoNodePorts = (s: Service) => !(s.spec?.type === 'LoadBalancer' && s.spec.allocateLoadBalancerNodePorts === false);

/** Every node port a stored Service holds: its ports' and its health check's. */
function heldPorts(s: Service | undefined): number[] {
  const ports = (s?.spec?.ports ?? []).map((p) => p.nodePort ?? 0);
  if (s && needsHealthCheckNodePort(s)) ports.push(s.spec.healthCheckNodePort ?? 0);
  return ports.filter((p) => p > 0);
}

/** Undo list for a partly done allocation. */
type Undo = () => Promise<void>;

export class ServiceAllocator {
  readonly range: IpRange;
  readonly ports: { min: number; max: number };

  constructor(
    private readonly store: EtcdStore,
    serviceCidr = '10.96.0.0/16',
    nodePortRange = '30000-32767',
  ) {
    this.range = parseCidr(serviceCidr);
    this.ports = parsePortRange(nodePortRange);
  }

  /** The n-th address of the range (1 = the kubernetes Service, 10 = cluster DNS). */
  addressAt(offset: number): string {
    return intToIp(this.range.base + offset);
  }

  private fail(svc: KObject, errs: FieldError[]): never {
    throw invalidError('Service', svc.metadata.name ?? '', errs);
  }

  private async claimIp(svc: Service, ip: string): Promise<boolean> {
    return this.store.claim(IP_PREFIX + ip, owner(svc));
  }

  private async pickIp(svc: Service): Promise<string> {
    // Random probing first (cheap when the range is sparse), then a scan of what is actually free.
    const reserved = new Set([0, 1, DNS_SERVICE_OFFSET, this.range.size - 1]);
    for (let i = 0; i < 32; i++) {
      const off = randomInt(1, this.range.size - 1);
      if (reserved.has(off)) continue;
      const ip = intToIp(this.range.base + off);
      if (await this.claimIp(svc, ip)) return ip;
    }
    const taken = await this.store.claimedKeys(IP_PREFIX);
    for (let off = 2; off < this.range.size - 1; off++) {
      if (reserved.has(off)) continue;
      const ip = intToIp(this.range.base + off);
      if (!taken.has(ip) && (await this.claimIp(svc, ip))) return ip;
    }
    this.fail(svc, [invalid('spec.clusterIPs', [], `failed to allocate IP: range is full (${this.range.cidr})`)]);
  }

  private async pickPort(svc: Service, used: Set<number>): Promise<number> {
    const span = this.ports.max - this.ports.min + 1;
    for (let i = 0; i < 32; i++) {
      const p = this.ports.min + randomInt(span);
      if (!used.has(p) && (await this.store.claim(PORT_PREFIX + p, owner(svc)))) return p;
    }
    const taken = await this.store.claimedKeys(PORT_PREFIX);
    for (let p = this.ports.min; p <= this.ports.max; p++) {
      if (!taken.has(String(p)) && !used.has(p) && (await this.store.claim(PORT_PREFIX + p, owner(svc)))) return p;
    }
    this.fail(svc, [invalid('spec.ports[0].nodePort', 0, 'failed to allocate port: range is full')]);
  }

  private async allocateIp(svc: Service, undo: Undo[]): Promise<void> {
    const spec = svc.spec;
    const requested = spec.clusterIP || spec.clusterIPs?.[0] || '';
    if (requested) {
      const n = ipToInt(requested);
      if (n < this.range.base || n >= this.range.base + this.range.size)
        this.fail(svc, [invalid('spec.clusterIPs', [requested], `failed to allocate IP ${requested}: the provided IP (${requested}) is not in the valid range. The range of valid IPs is ${this.range.cidr}`)]);
      if (!(await this.claimIp(svc, requested)))
        this.fail(svc, [invalid('spec.clusterIPs', [requested], `failed to allocate IP ${requested}: provided IP is already allocated`)]);
      spec.clusterIP = requested;
    } else spec.clusterIP = await this.pickIp(svc);
    spec.clusterIPs = [spec.clusterIP];
    const ip = spec.clusterIP;
    undo.push(() => this.store.release(IP_PREFIX + ip));
  }

  /** Claims nodePorts for the ports lacking one (and the requested ones not yet owned). */
  private async allocatePorts(svc: Service, alreadyOwned: Set<number>, undo: Undo[]): Promise<void> {
    const used = new Set<number>();
    const ports = svc.spec.ports ?? [];
    for (const [i, p] of ports.entries()) {
      if (!p.nodePort) continue;
      if (p.nodePort < this.ports.min || p.nodePort > this.ports.max)
        this.fail(svc, [invalid(`spec.ports[${i}].nodePort`, p.nodePort, `provided port is not in the valid range. The range of valid ports is ${this.ports.min}-${this.ports.max}`)]);
      if (used.has(p.nodePort)) continue; // same port for TCP and UDP of one service
      used.add(p.nodePort);
      if (alreadyOwned.has(p.nodePort)) continue;
      if (!(await this.store.claim(PORT_PREFIX + p.nodePort, owner(svc))))
        this.fail(svc, [invalid(`spec.ports[${i}].nodePort`, p.nodePort, 'provided port is already allocated')]);
      const port = p.nodePort;
      undo.push(() => this.store.release(PORT_PREFIX + port));
    }
    if (!autoNodePorts(svc)) return;
    // A requested health check port is claimed after these: never pick it for a service port.
    const hc = needsHealthCheckNodePort(svc) ? svc.spec.healthCheckNodePort ?? 0 : 0;
    if (hc) used.add(hc);
    for (const p of ports) {
      if (p.nodePort) continue;
      p.nodePort = await this.pickPort(svc, used);
      used.add(p.nodePort);
      const port = p.nodePort;
      undo.push(() => this.store.release(PORT_PREFIX + port));
    }
  }

  /**
   * The health check node port of a LoadBalancer with externalTrafficPolicy Local: the requested
   * one claimed, or one picked; on update the one already held is kept and may not change.
   */
  private async allocateHealthCheck(svc: Service, prev: Service | undefined, alreadyOwned: Set<number>, undo: Undo[]): Promise<void> {
    if (!needsHealthCheckNodePort(svc)) return;
    const held = prev && needsHealthCheckNodePort(prev) ? prev.spec.healthCheckNodePort : undefined;
    const asked = svc.spec.healthCheckNodePort;
    const f = 'spec.healthCheckNodePort';
    if (held && asked === held) return;
    if (held && asked && asked !== held)
      this.fail(svc, [invalid(f, asked, 'cannot change healthCheckNodePort on loadBalancer service with externalTraffic=Local during update')]);
    if (asked) {
      if ((svc.spec.ports ?? []).some((p) => p.nodePort === asked))
        this.fail(svc, [invalid(f, asked, `failed to allocate requested HealthCheck NodePort ${asked}: provided port is already allocated`)]);
      if (asked < this.ports.min || asked > this.ports.max)
        this.fail(svc, [invalid(f, asked, `failed to allocate requested HealthCheck NodePort ${asked}: provided port is not in the valid range. The range of valid ports is ${this.ports.min}-${this.ports.max}`)]);
      if (alreadyOwned.has(asked)) return;
      if (!(await this.store.claim(PORT_PREFIX + asked, owner(svc))))
        this.fail(svc, [invalid(f, asked, `failed to allocate requested HealthCheck NodePort ${asked}: provided port is already allocated`)]);
    } else {
      const used = new Set((svc.spec.ports ?? []).map((p) => p.nodePort ?? 0).filter((p) => p > 0));
      svc.spec.healthCheckNodePort = await this.pickPort(svc, used);
    }
    const port = svc.spec.healthCheckNodePort!;
    undo.push(() => this.store.release(PORT_PREFIX + port));
  }

  private static async rollback(undo: Undo[]): Promise<void> {
    for (const u of undo.reverse()) await u().catch(() => undefined);
  }

  /**
   * Allocates what a new Service needs, filling spec.clusterIP(s) and nodePorts in place.
   * Returns the undo to call when the create does not go through.
   */
  async allocate(obj: KObject): Promise<() => Promise<void>> {
    const svc = obj as Service;
    const undo: Undo[] = [];
    try {
      if (needsClusterIp(svc)) await this.allocateIp(svc, undo);
      else if (svc.spec.clusterIP === 'None') svc.spec.clusterIPs = ['None'];
      if (needsNodePorts(svc)) await this.allocatePorts(svc, new Set(), undo);
      await this.allocateHealthCheck(svc, undefined, new Set(), undo);
    } catch (e) {
      await ServiceAllocator.rollback(undo);
      throw e;
    }
    return () => ServiceAllocator.rollback(undo);
  }

  /**
   * For an update: claims what the new spec adds. Returns undo (if the write fails) and commit
   * (after it succeeded: releases what the new spec dropped).
   */
  async reallocate(obj: KObject, old: KObject): Promise<{ undo(): Promise<void>; commit(): Promise<void> }> {
    const next = obj as Service;
    const prev = old as Service;
    const undo: Undo[] = [];
    try {
      if (needsClusterIp(next) && !next.spec.clusterIP) await this.allocateIp(next, undo);
      else if (needsClusterIp(next) && next.spec.clusterIP !== prev.spec?.clusterIP) await this.allocateIp(next, undo);
      const owned = new Set(heldPorts(prev));
      if (needsNodePorts(next)) await this.allocatePorts(next, owned, undo);
      else for (const p of next.spec.ports ?? []) delete p.nodePort;
      await this.allocateHealthCheck(next, prev, owned, undo);
    } catch (e) {
      await ServiceAllocator.rollback(undo);
      throw e;
    }
    return {
      undo: () => ServiceAllocator.rollback(undo),
      commit: async () => {
        const keepPorts = new Set(heldPorts(next));
        for (const p of heldPorts(prev)) if (!keepPorts.has(p)) await this.store.release(PORT_PREFIX + p);
        if (prev.spec?.clusterIP && prev.spec.clusterIP !== 'None' && prev.spec.clusterIP !== next.spec.clusterIP)
          await this.store.release(IP_PREFIX + prev.spec.clusterIP);
      },
    };
  }

  /** Releases everything a deleted Service held. */
  async release(obj: KObject): Promise<void> {
    const svc = obj as Service;
    if (svc.spec?.clusterIP && svc.spec.clusterIP !== 'None') await this.store.release(IP_PREFIX + svc.spec.clusterIP);
    for (const p of heldPorts(svc)) await this.store.release(PORT_PREFIX + p);
  }

  /**
   * Releases every claim a Service of this name held, found by the claims' owner values: the
   * deleted Service could not be read (a corrupt stored value), so its spec cannot say which.
   */
  async releaseOwnedBy(namespace: string | undefined, name: string): Promise<void> {
    const who = `${namespace}/${name}`;
    for (const prefix of [IP_PREFIX, PORT_PREFIX]) {
      const have = await this.store.claimedKeys(prefix);
      for (const [k, v] of have) if (v === who) await this.store.release(prefix + k);
    }
  }

  /** Makes the claims match the stored Services: claims missing ones, drops orphans. */
  async repair(services: KObject[]): Promise<void> {
    const wantIps = new Map<string, string>();
    const wantPorts = new Map<string, string>();
    for (const s of services as Service[]) {
      if (s.spec?.clusterIP && s.spec.clusterIP !== 'None') wantIps.set(s.spec.clusterIP, owner(s));
      for (const p of heldPorts(s)) wantPorts.set(String(p), owner(s));
    }
    for (const [prefix, want] of [[IP_PREFIX, wantIps], [PORT_PREFIX, wantPorts]] as const) {
      const have = await this.store.claimedKeys(prefix);
      for (const [k, v] of want) if (!have.has(k)) await this.store.claim(prefix + k, v);
      for (const k of have.keys()) if (!want.has(k)) await this.store.release(prefix + k);
    }
  }
}
