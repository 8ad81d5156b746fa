#!/bin/sh
# The local Debian bookworm base for building the image where no registry is reachable (CI):
# `debootstrap --variant=minbase bookworm` (what debian:bookworm-slim is made from), imported as
# a local image. Made once per machine and kept: the root filesystem as a tar under TANDEM_BASE_DIR
# (outside the repository) and the image in buildah's vfs storage.
#
#   deploy/docker/base.sh            prints the image's name, making it first if it is missing
#
# Needs root, debootstrap and buildah. Environment: TANDEM_BASE_IMAGE (localhost/tandem-base:bookworm),
# TANDEM_BASE_DIR (/var/tmp/tandem-base), DEBIAN_MIRROR (http://deb.debian.org/debian).
set -eu

image="${TANDEM_BASE_IMAGE:-localhost/tandem-base:bookworm}"
dir="${TANDEM_BASE_DIR:-/var/tmp/tandem-base}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
buildah="buildah --storage-driver vfs"

if $buildah inspect --type image "$image" >/dev/null 2>&1; then
    echo "$image"
    exit 0
fi

if [ ! -s "$dir/rootfs.tar" ]; then
    rm -rf "$dir/rootfs"
    mkdir -p "$dir"
    debootstrap --variant=minbase bookworm "$dir/rootfs" "$mirror" >&2
    # The same sources as debian:bookworm-slim: the release, its updates and security fixes.
    rm -f "$dir/rootfs/etc/apt/sources.list"
    cat > "$dir/rootfs/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
    rm -rf "$dir/rootfs/var/cache/apt/archives/"*.deb "$dir/rootfs/var/lib/apt/lists/"* \
        "$dir/rootfs/var/log/"*.log "$dir/rootfs/var/log/apt/"*
    tar --numeric-owner --xattrs -C "$dir/rootfs" -cf "$dir/rootfs.tar.part" .
    mv "$dir/rootfs.tar.part" "$dir/rootfs.tar"
    rm -rf "$dir/rootfs"
fi

container="$($buildah from scratch)"
trap '$buildah rm "$container" >/dev/null 2>&1 || true' EXIT
$buildah add "$container" "$dir/rootfs.tar" / >&2
# Slimmed as debian:bookworm-slim is (debuerreotype's slimify): no manuals, documentation or
# translations, neither now nor from the packages installed later. Committed as one layer, so what
# is removed here takes no room.
$buildah run --isolation chroot "$container" -- sh -c '
    printf "%s\n" "path-exclude /usr/share/doc/*" "path-include /usr/share/doc/*/copyright" \
        "path-exclude /usr/share/groff/*" "path-exclude /usr/share/info/*" \
        "path-exclude /usr/share/linda/*" "path-exclude /usr/share/lintian/overrides/*" \
        "path-exclude /usr/share/locale/*" "path-include /usr/share/locale/locale.alias" \
        "path-exclude /usr/share/man/*" > /etc/dpkg/dpkg.cfg.d/docker
    find /usr/share/doc -mindepth 1 ! -type d ! -name copyright -delete
    find /usr/share/doc -mindepth 1 -type d -empty -delete
    rm -rf /usr/share/groff/* /usr/share/info/* /usr/share/linda/* /usr/share/lintian/overrides/* /usr/share/man/*
    find /usr/share/locale -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
' >&2
$buildah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --cmd bash --label org.opencontainers.image.description="debootstrap --variant=minbase bookworm" \
    "$container"
$buildah commit --quiet --rm "$container" "$image" >&2
trap - EXIT
echo "$image"
