#!/bin/sh
# Builds the Rigger lab image IMAGE from the Dockerfile + provision.sh beside this script.
# Where debian:bookworm is present or can be pulled, it is the base; otherwise (no registry, as on
# the project's machines) debootstrap makes a minimal bookworm root that is imported as the base.
# Usage: build-image.sh IMAGE [RECIPE_HASH]
set -eu
image=$1
recipe_hash=${2:-none}
here=$(cd "$(dirname "$0")" && pwd)
export DOCKER_BUILDKIT=0
mirror=${RIGGER_DEBIAN_MIRROR:-http://deb.debian.org/debian}

base=debian:bookworm
if ! docker image inspect "$base" >/dev/null 2>&1; then
  if ! timeout 60 docker pull -q "$base" >/dev/null 2>&1; then
    base=rigger-lab/debootstrap:bookworm
    if ! docker image inspect "$base" >/dev/null 2>&1; then
      command -v debootstrap >/dev/null 2>&1 || { echo "build-image.sh: debootstrap is missing (apt-get install debootstrap)" >&2; exit 1; }
      root=$(mktemp -d /var/tmp/rigger-debootstrap.XXXXXX)
      trap 'rm -rf "$root"' EXIT
      echo "build-image.sh: no registry reachable; debootstrap bookworm into $root (about 3 minutes)" >&2
      debootstrap --variant=minbase \
        --include=openssh-server,systemd,systemd-sysv,iproute2,procps,sudo \
        bookworm "$root" "$mirror" >"$root.log" 2>&1 || { tail -20 "$root.log" >&2; exit 1; }
      rm -f "$root.log"
      rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
      tar -C "$root" -c . | docker import - "$base" >/dev/null
    fi
  fi
fi
docker build -q --build-arg BASE="$base" --label "dev.rigger.lab.recipe=$recipe_hash" -t "$image" "$here" >/dev/null
echo "build-image.sh: built $image from $base" >&2
