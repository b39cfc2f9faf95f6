// What goes into the k8ts node image, as pure values: the Debian suite and packages, the files the
// project adds, the mmdebstrap command line, and the image's tag — a hash of all of these, so an
// image is built once per recipe and found again by its tag (build.ts does the work).
import * as crypto from 'node:crypto';

export const NODE_IMAGE_REPO = 'k8ts/node';
export const NODE_SUITE = 'bookworm';
/** mmdebstrap's "apt" variant: Essential + apt (debootstrap's minbase), no init system. */
export const NODE_VARIANT = 'apt';
/** Bump when build.ts changes what it does with the same inputs. */
export const RECIPE_VERSION = '1';

/**
 * The Debian packages of a k8ts node, so that `k8ts deploy` never reaches a package registry for
 * a machine built from this image (it installs the same list with apt-get where one is missing).
 * Not the workstation's build tools (gcc, libc6-dev) nor docker-registry (the control plane's
 * local registry is the deploy's concern; add it here if a node must run it).
 */
export const NODE_PACKAGES = [
  'busybox-static',
  'ca-certificates',
  'conntrack',
  'containerd',
  'containernetworking-plugins',
  'etcd-server',
  'iproute2',
  'iptables',
  'ipvsadm',
  'mount',
  'nftables',
  'openssh-server',
  'openssl',
  'procps',
  'runc',
  'util-linux',
] as const;

/** Files the project adds to the root filesystem: path inside the image, mode, content. */
export interface OverlayFile {
  path: string;
  mode: number;
  data: Buffer;
}

export interface NodeImageInputs {
  suite: string;
  variant: string;
  packages: readonly string[];
  /** Sources of the overlay (the init is compiled from its C source, which is what is hashed). */
  sources: { name: string; data: Buffer }[];
  arch: string;
}

export function defaultInputs(sources: NodeImageInputs['sources'], arch: string = process.arch): NodeImageInputs {
  return { suite: NODE_SUITE, variant: NODE_VARIANT, packages: NODE_PACKAGES, sources, arch };
}

/** sha256 over every input, independent of the order packages and sources are listed in. */
export function nodeImageHash(i: NodeImageInputs): string {
  const h = crypto.createHash('sha256');
  const field = (k: string, v: string | Buffer) => {
    h.update(k);
    h.update('\0');
    h.update(crypto.createHash('sha256').update(v).digest('hex'));
    h.update('\n');
  };
  field('recipe', RECIPE_VERSION);
  field('suite', i.suite);
  field('variant', i.variant);
  field('arch', i.arch);
  field('packages', [...new Set(i.packages)].sort().join(' '));
  for (const s of [...i.sources].sort((a, b) => a.name.localeCompare(b.name))) field(`source:${s.name}`, s.data);
  field('import', IMPORT_CHANGES.join('\n'));
  field('mmdebstrap', mmdebstrapArgs({ target: 'TARGET', overlayDir: 'OVERLAY', debCacheDir: 'DEBS' }, i).join('\n'));
  return h.digest('hex');
}

/** `k8ts/node:<first 16 hex digits of the inputs' hash>`. */
export function nodeImageTag(i: NodeImageInputs): string {
  return `${NODE_IMAGE_REPO}:${nodeImageHash(i).slice(0, 16)}`;
}

export interface MmdebstrapPaths {
  /** The tar file to write. */
  target: string;
  /** A folder whose tree is copied over the root filesystem at the end. */
  overlayDir: string;
  /** Downloaded .deb files, kept between builds so a changed recipe does not fetch them again. */
  debCacheDir: string;
  /** A sources file (deb822 or one-line) naming the mirror; default: mmdebstrap's own. */
  sourcesFile?: string;
}

// Documentation, man pages and translations are of no use on a node and a third of the packages.
const DPKG_EXCLUDES = ['/usr/share/doc/*', '/usr/share/man/*', '/usr/share/info/*', '/usr/share/locale/*', '/usr/share/lintian/*'];

/** The mmdebstrap argv (without the program name) that writes the node's root filesystem as a tar. */
export function mmdebstrapArgs(p: MmdebstrapPaths, i: Pick<NodeImageInputs, 'suite' | 'variant' | 'packages'>): string[] {
  return [
    `--variant=${i.variant}`,
    '--mode=root',
    '--format=tar',
    `--include=${[...new Set(i.packages)].sort().join(',')}`,
    '--aptopt=APT::Install-Recommends "false"',
    ...DPKG_EXCLUDES.map((e) => `--dpkgopt=path-exclude=${e}`),
    '--dpkgopt=path-include=/usr/share/doc/*/copyright',
    // no fsync per unpacked file: the tree is tarred once at the end anyway
    '--dpkgopt=force-unsafe-io',
    // .deb files from earlier builds go in before apt downloads, and the new ones come back out
    // (mmdebstrap's cleanup step then empties the image's apt cache)
    '--skip=essential/unlink',
    `--setup-hook=mkdir -p "$1"/var/cache/apt/archives`,
    `--setup-hook=sync-in ${p.debCacheDir} /var/cache/apt/archives`,
    `--customize-hook=sync-out /var/cache/apt/archives ${p.debCacheDir}`,
    // every machine makes its own host key at first boot (etc/k8ts/boot)
    '--customize-hook=rm -f "$1"/etc/ssh/ssh_host_*',
    `--customize-hook=sync-in ${p.overlayDir} /`,
    i.suite,
    p.target,
    ...(p.sourcesFile ? [p.sourcesFile] : []),
  ];
}

/** Dockerfile-style changes applied by `docker import`: how a machine container starts and stops. */
export const IMPORT_CHANGES = [
  'ENTRYPOINT ["/sbin/k8ts-init"]',
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  'LABEL io.k8ts.image=node',
];

/** Where each project file lands in the image. */
export function overlayLayout(init: Buffer, boot: Buffer, sshdConfig: Buffer): OverlayFile[] {
  return [
    { path: 'sbin/k8ts-init', mode: 0o755, data: init },
    { path: 'etc/k8ts/boot', mode: 0o755, data: boot },
    { path: 'etc/ssh/sshd_config.d/k8ts.conf', mode: 0o644, data: sshdConfig },
  ];
}
