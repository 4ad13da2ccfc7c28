#!/bin/sh
# Turns a plain Debian bookworm root into a lab host: systemd + sshd, per-container host keys and
# machine-id, apt keeping its downloads (the lab harvests them into a shared cache), and the
# container-only drop-ins that Debian units need under these sandboxes (TESTBED.md).
set -eu
export DEBIAN_FRONTEND=noninteractive

# The debian:bookworm image deletes downloaded .debs after each install; the lab needs them kept.
rm -f /etc/apt/apt.conf.d/docker-clean
cat > /etc/apt/apt.conf.d/90rigger-lab <<'APT'
APT::Keep-Downloaded-Packages "true";
Binary::apt::APT::Keep-Downloaded-Packages "true";
Acquire::Retries "3";
APT::Install-Recommends "false";
APT

if ! command -v sshd >/dev/null 2>&1 || ! command -v ip >/dev/null 2>&1 || [ ! -x /lib/systemd/systemd ]; then
  apt-get update -q
  apt-get install -y -q --no-install-recommends openssh-server systemd systemd-sysv iproute2 procps sudo
fi
apt-get clean
rm -rf /var/lib/apt/lists/*

# Each container gets its own identity: host keys and machine-id are made at first boot.
rm -f /etc/ssh/ssh_host_*
mkdir -p /etc/systemd/system/ssh.service.d
cat > /etc/systemd/system/ssh.service.d/10-lab-hostkeys.conf <<'UNIT'
[Service]
ExecStartPre=
ExecStartPre=/usr/bin/ssh-keygen -A
ExecStartPre=/usr/sbin/sshd -t
UNIT
: > /etc/machine-id
rm -f /var/lib/dbus/machine-id
systemctl enable ssh.service >/dev/null 2>&1 || true

# Units that make no sense in a container (no consoles, no udev devices, no kernel modules).
for unit in getty@tty1.service console-getty.service systemd-udevd.service systemd-udev-trigger.service \
            systemd-modules-load.service sys-kernel-config.mount sys-kernel-debug.mount \
            systemd-remount-fs.service systemd-firstboot.service; do
  systemctl mask "$unit" >/dev/null 2>&1 || true
done

# Debian's redis units declare PrivateUsers=true, which systemd cannot set up inside these
# containers (status=217/USER). This is a lab limitation, so the fix lives in the lab image.
for unit in redis-server redis-sentinel; do
  mkdir -p /etc/systemd/system/$unit.service.d
  printf '[Service]\nPrivateUsers=false\n' > /etc/systemd/system/$unit.service.d/10-lab-no-userns.conf
done

mkdir -p /root/.ssh && chmod 700 /root/.ssh
