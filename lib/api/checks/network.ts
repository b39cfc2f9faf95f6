// Services, Endpoints and EndpointSlices as kube-proxy and the endpoints controller read them. Every
// value here can end up in kube-proxy's iptables-restore payload (ports, names in rule comments),
// where one bad value would fail the restore for every Service: they must be what admission allows.
import { Checker, DNS1123_LABEL, PROTOCOLS } from './checker';
import { checkMetadata, isIPv4 } from './metadata';

/** Service names are DNS-1035 labels (they become environment variable names and DNS names). */
const DNS1035_LABEL: [RegExp, string] = [/^[a-z]([-a-z0-9]*[a-z0-9])?$/, "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character"];

function checkIP(c: Checker, path: string, v: unknown, required = false): void {
  const s = c.string(path, v, { required });
  if (s && !isIPv4(s) && s !== 'None') c.fail(path, `Invalid value: ${JSON.stringify(s)}: must be a valid IP address`);
}

export function checkService(c: Checker, obj: unknown): void {
  const o = checkMetadata(c, obj, { namespaced: true, name: DNS1035_LABEL });
  if (!o) return;
  const spec = c.object('spec', o.spec, true);
  if (!spec) return;
  c.string('spec.type', spec.type, { oneOf: ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'] });
  checkIP(c, 'spec.clusterIP', spec.clusterIP);
  c.array('spec.clusterIPs', spec.clusterIPs)?.forEach((x, i) => checkIP(c, `spec.clusterIPs[${i}]`, x, true));
  c.array('spec.externalIPs', spec.externalIPs)?.forEach((x, i) => checkIP(c, `spec.externalIPs[${i}]`, x, true));
  c.stringMap('spec.selector', spec.selector);
  c.string('spec.externalName', spec.externalName);
  c.string('spec.sessionAffinity', spec.sessionAffinity, { oneOf: ['None', 'ClientIP'] });
  for (const f of ['externalTrafficPolicy', 'internalTrafficPolicy'] as const) c.string(`spec.${f}`, spec[f], { oneOf: ['Cluster', 'Local'] });
  c.boolean('spec.publishNotReadyAddresses', spec.publishNotReadyAddresses);
  c.objects('spec.ports', spec.ports, (p, port) => {
    c.string(`${p}.name`, port.name, { max: 63, pattern: DNS1123_LABEL });
    c.string(`${p}.protocol`, port.protocol, { oneOf: PROTOCOLS });
    c.integer(`${p}.port`, port.port, { required: true, min: 1, max: 65535 });
    c.integer(`${p}.nodePort`, port.nodePort, { min: 0, max: 65535 });
    c.portOrName(`${p}.targetPort`, port.targetPort);
    c.string(`${p}.appProtocol`, port.appProtocol);
  });
}

function checkEndpointPort(c: Checker, p: string, port: Record<string, unknown>, portRequired: boolean): void {
  c.string(`${p}.name`, port.name, { max: 63, pattern: DNS1123_LABEL });
  c.string(`${p}.protocol`, port.protocol, { oneOf: PROTOCOLS });
  c.integer(`${p}.port`, port.port, { required: portRequired, min: 1, max: 65535 });
  c.string(`${p}.appProtocol`, port.appProtocol);
}

export function checkEndpoints(c: Checker, obj: unknown): void {
  const o = checkMetadata(c, obj, { namespaced: true });
  if (!o) return;
  c.objects('subsets', o.subsets, (sp, subset) => {
    for (const f of ['addresses', 'notReadyAddresses'] as const) {
      c.objects(`${sp}.${f}`, subset[f], (p, a) => {
        checkIP(c, `${p}.ip`, a.ip, true);
        c.string(`${p}.nodeName`, a.nodeName);
        c.string(`${p}.hostname`, a.hostname);
        c.object(`${p}.targetRef`, a.targetRef);
      });
    }
    c.objects(`${sp}.ports`, subset.ports, (p, port) => checkEndpointPort(c, p, port, true));
  });
}

export function checkEndpointSlice(c: Checker, obj: unknown): void {
  const o = checkMetadata(c, obj, { namespaced: true });
  if (!o) return;
  c.string('addressType', o.addressType, { required: true, oneOf: ['IPv4', 'IPv6', 'FQDN'] });
  c.objects('endpoints', o.endpoints, (p, e) => {
    const addrs = c.array(`${p}.addresses`, e.addresses, { required: true, nonEmpty: true });
    addrs?.forEach((x, i) => c.string(`${p}.addresses[${i}]`, x, { required: true }));
    const cond = c.object(`${p}.conditions`, e.conditions);
    if (cond) for (const f of ['ready', 'serving', 'terminating'] as const) c.boolean(`${p}.conditions.${f}`, cond[f]);
    c.string(`${p}.nodeName`, e.nodeName);
    c.object(`${p}.targetRef`, e.targetRef);
  });
  // A slice port without a number means "all ports" upstream.
  c.objects('ports', o.ports, (p, port) => checkEndpointPort(c, p, port, false));
}
