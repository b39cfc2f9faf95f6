// The node's resolver configuration (--resolv-conf, /etc/resolv.conf by default): the base of a
// pod's DNS config under dnsPolicy Default, and the search list ClusterFirst extends. Parsing is
// pure; reading the file is one small function beside it.
import * as fs from 'node:fs';

export interface ResolvConf {
  nameservers: string[];
  searches: string[];
  options: string[];
}

/** A resolv.conf the kubelet cannot use: pods needing it do not start (FailedCreatePodSandBox). */
export class ResolvConfError extends Error {
  readonly code = 'RESOLV_CONF_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'ResolvConfError';
  }
}

/** Upstream refuses resolv.conf files above 10 MiB rather than reading them whole. */
export const MAX_RESOLV_CONF_BYTES = 10 * 1024 * 1024;

/**
 * The rules the kubelet applies (not glibc's in every detail): `nameserver` lines accumulate,
 * the last `search` line wins (a trailing dot is dropped so "a." and "a" count once against the
 * search limits), the last `options` line wins, everything else (domain, sortlist) is ignored.
 * Comment lines start with '#' or ';' (glibc accepts both; upstream checks '#' only, and ignores a
 * ';' line anyway since ';' is no keyword).
 */
export function parseResolvConf(text: string): ResolvConf {
  const out: ResolvConf = { nameservers: [], searches: [], options: [] };
  const errors: string[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    const fields = trimmed.split(/\s+/).filter(Boolean);
    if (fields.length === 0) continue;
    const [key, ...rest] = fields;
    if (key === 'nameserver') {
      if (rest.length) out.nameservers.push(rest[0]);
      else errors.push('nameserver list is empty');
    } else if (key === 'search') out.searches = rest.map((s) => (s.endsWith('.') ? s.slice(0, -1) : s));
    else if (key === 'options') out.options = rest;
  }
  if (errors.length) throw new ResolvConfError(errors.join('; '));
  return out;
}

/** Reads and parses the file; '' (resolv-conf disabled) gives undefined. */
export function readResolvConf(file: string): ResolvConf | undefined {
  if (!file) return undefined;
  let text: string;
  try {
    const st = fs.statSync(file);
    if (st.size > MAX_RESOLV_CONF_BYTES) throw new ResolvConfError(`${file}: larger than ${MAX_RESOLV_CONF_BYTES} bytes`);
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof ResolvConfError) throw e;
    throw new ResolvConfError(`cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    return parseResolvConf(text);
  } catch (e) {
    throw new ResolvConfError(`${file}: ${(e as Error).message}`);
  }
}
