// Hand-written packets for the golden tests, annotated field by field (RFC 1035 §4.1).
// hex() strips spaces and comments so each line can carry one field.

export function hex(s: string): Buffer {
  return Buffer.from(
    s
      .split('\n')
      .map((line) => line.replace(/#.*$/, ''))
      .join('')
      .replace(/\s+/g, ''),
    'hex',
  );
}

const KUBERNETES_DEFAULT = `
  0a 6b756265726e65746573   # kubernetes
  07 64656661756c74         # default
  03 737663                 # svc
  07 636c7573746572         # cluster
  05 6c6f63616c             # local
  00`;

/** What busybox nslookup sends for `nslookup kubernetes.default.svc.cluster.local`: RD, no EDNS. */
export const BUSYBOX_A_QUERY = hex(`
  1234 0100 0001 0000 0000 0000   # id, flags RD, 1 question
  ${KUBERNETES_DEFAULT}
  0001 0001                       # A IN
`);

/** The server's answer to it: QR AA RD RA, the answer's owner a pointer to the question (0x0c). */
export const BUSYBOX_A_RESPONSE = hex(`
  1234 8580 0001 0001 0000 0000
  ${KUBERNETES_DEFAULT}
  0001 0001
  c00c 0001 0001 00000005 0004 0a600001   # kubernetes… A IN ttl 5 10.96.0.1
`);

/** `dig example.com` (BIND 9.18): RD and AD set, EDNS0 with 1232 bytes and a client COOKIE. */
export const DIG_EDNS_COOKIE_QUERY = hex(`
  abcd 0120 0001 0000 0000 0001
  07 6578616d706c65 03 636f6d 00   # example.com
  0001 0001
  00 0029 04d0 00 00 0000           # OPT on root, size 1232, ext-rcode 0, version 0, flags 0
  000c                              # rdlength 12
  000a 0008 0102030405060708        # COOKIE, 8-byte client cookie
`);

/**
 * A CNAME chain with compression inside rdata: www.example.com CNAME web.example.com, whose
 * rdata ends in a pointer to example.com (offset 16), and web.example.com A whose owner points
 * into that rdata (offset 45).
 */
export const CNAME_CHAIN_RESPONSE = hex(`
  0001 8180 0001 0002 0000 0000
  03 777777 07 6578616d706c65 03 636f6d 00   # www.example.com at 12; example.com at 16
  0001 0001
  c00c 0005 0001 0000012c 0006 03 776562 c010   # CNAME web.example.com (web at 45)
  c02d 0001 0001 0000012c 0004 5db8d822           # A 93.184.216.34
`);

/** NXDOMAIN with the zone's SOA in authority (RFC 2308), both SOA names compressed. */
export const NXDOMAIN_SOA_RESPONSE = hex(`
  0007 8583 0001 0000 0001 0000
  04 6e6f7065 07 636c7573746572 05 6c6f63616c 00   # nope.cluster.local; cluster.local at 17
  0001 0001
  c011 0006 0001 00000005 002a                       # cluster.local SOA, rdlength 42
  02 6e73 03 646e73 c011                             # ns.dns.cluster.local (dns at 51)
  0a 686f73746d6173746572 c033                       # hostmaster.(dns.cluster.local at 51)
  00000001 00001c20 00000708 00015180 00000005       # serial refresh retry expire minimum
`);
