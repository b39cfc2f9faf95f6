// The kubelet's serving certificate through the certificates API (--rotate-server-certificates):
// a kubernetes.io/kubelet-serving request for system:node:<name> with the node's IP and hostname
// as SANs, made with the kubelet's own client certificate once its Node is registered (csrapproving
// checks the SANs against the Node's addresses), kept in <cert-dir>/kubelet-server.crt|key and
// renewed like the client certificate; the kubelet's server switches to each new one in place.
import * as path from 'node:path';
import type { ApiClient } from '../../lib/client/api-client';
import { componentLogger } from '../../lib/log';
import { certFacts, usableCertFiles, writeClientCert, type CertFacts } from './cert-files';
import { requestCertificate } from './csr-request';
import { CertRenewer } from './renewer';

export const KUBELET_SERVING_SIGNER = 'kubernetes.io/kubelet-serving';
const SERVING_USAGES = ['digital signature', 'server auth'];

export interface ServingCertOptions {
  nodeName: string;
  nodeIp: string;
  hostname: string;
  certDir: string;
}

export interface ServingCert {
  cert: Buffer;
  key: Buffer;
  facts: CertFacts;
}

export const servingCertPaths = (certDir: string) => ({ certFile: path.join(certDir, 'kubelet-server.crt'), keyFile: path.join(certDir, 'kubelet-server.key') });

async function request(client: ApiClient, o: ServingCertOptions, stopped: () => boolean): Promise<ServingCert> {
  const got = await requestCertificate(client, {
    template: { commonName: `system:node:${o.nodeName}`, organizations: ['system:nodes'], dnsNames: [o.hostname], ipAddresses: [o.nodeIp] },
    signerName: KUBELET_SERVING_SIGNER,
    usages: SERVING_USAGES,
    stopped,
  });
  writeClientCert(servingCertPaths(o.certDir), got.certPem, got.keyPem);
  return { cert: Buffer.from(got.certPem), key: Buffer.from(got.keyPem), facts: certFacts(got.certPem) };
}

/** The serving certificate: the one on disk while it is valid and names this node's IP, else a new one. */
export async function obtainServingCert(client: ApiClient, o: ServingCertOptions, stopped: () => boolean): Promise<ServingCert> {
  const log = componentLogger('kubelet', { node: o.nodeName, part: 'certificates' });
  const p = servingCertPaths(o.certDir);
  const have = usableCertFiles(p.certFile, p.keyFile, new Date());
  if (have && have.sans.split(', ').includes(`IP Address:${o.nodeIp}`)) {
    log.info({ serial: have.serial, notAfter: have.notAfter.toISOString() }, 'serving certificate on disk is valid');
    return { cert: have.cert, key: have.key, facts: have };
  }
  const got = await request(client, o, stopped);
  log.info({ serial: got.facts.serial, notAfter: got.facts.notAfter.toISOString() }, 'serving certificate issued');
  return got;
}

export function servingCertRenewer(client: ApiClient, o: ServingCertOptions, facts: CertFacts, onCert: (c: ServingCert) => void): CertRenewer {
  return new CertRenewer('serving', o.nodeName, facts, async (stopped) => {
    const got = await request(client, o, stopped);
    onCert(got);
    return got.facts;
  });
}
