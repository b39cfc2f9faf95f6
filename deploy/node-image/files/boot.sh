#!/bin/sh
# /etc/k8ts/boot: run once by k8ts-init at every start of a machine container, before sshd.
# It makes the container behave like a small VM for a k8ts node; each step says what needs it.
set -eu

# containerd and runc create pod cgroups. With a private cgroup namespace each hierarchy shows
# this machine's own cgroup as its root (pods nest under the container's cgroup, so `docker
# pause` freezes them and `docker rm` removes them), but docker mounts the hierarchies read-only.
for m in /sys/fs/cgroup/*; do
  if mountpoint -q "$m"; then mount -o remount,bind,rw "$m"; fi
done

# The node writes network sysctls (ip_forward, bridge-nf-call-iptables, route_localnet). They
# belong to the machine's own network namespace; the rest of /proc/sys stays read-only.
mount --bind /proc/sys/net /proc/sys/net
mount -o remount,bind,rw /proc/sys/net

# Volume mounts with HostToContainer/Bidirectional propagation need shared mounts, as on a VM.
mount --make-rshared /

# sshd: privilege separation dir on the /run tmpfs; a host key of the machine's own, made at its
# first boot and kept across restarts (the image carries none); the cluster's key for root.
mkdir -p /run/sshd
chmod 0755 /run/sshd
if [ ! -s /etc/ssh/ssh_host_ed25519_key ]; then
  ssh-keygen -q -t ed25519 -N '' -C "root@$(hostname)" -f /etc/ssh/ssh_host_ed25519_key
fi
if [ -n "${K8TS_AUTHORIZED_KEY:-}" ]; then
  mkdir -p /root/.ssh
  chmod 0700 /root /root/.ssh
  printf '%s\n' "$K8TS_AUTHORIZED_KEY" > /root/.ssh/authorized_keys
  chmod 0600 /root/.ssh/authorized_keys
fi

# What a deploy installed to start at every boot (k8ts deploy puts the start of its supervisor here
# on machines without systemd), once the mounts above are in place. In the background: a slow or
# failing hook never holds sshd back nor stops the machine.
for hook in /etc/k8ts/boot.d/*; do
  if [ -x "$hook" ]; then "$hook" </dev/null & fi
done
