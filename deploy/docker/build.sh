#!/bin/sh
# `make image`: the image of deploy/docker/Dockerfile built with buildah, as root, on the local
# Debian bookworm base (deploy/docker/base.sh, made first if it is missing), so no registry is
# needed; Debian's and PyPI's package servers are.
#
#   deploy/docker/build.sh [TAG]     TAG defaults to TANDEM_IMAGE or localhost/tandem:dev
#
# vfs storage and chroot isolation work where overlayfs and user namespaces do not (CI, a
# container); --format docker keeps the HEALTHCHECK, which an OCI image cannot hold. The build
# reuses the layers of the previous one on this machine, so a change to services/ alone rebuilds
# only the last steps.
set -eu
cd "$(dirname "$0")/../.."

tag="${1:-${TANDEM_IMAGE:-localhost/tandem:dev}}"
base="$(deploy/docker/base.sh)"
# pip inside the build trusts what pip here trusts (PIP_CERT: a TLS-inspecting proxy's CA bundle)
set --
if [ -n "${PIP_CERT:-}" ] && [ -s "$PIP_CERT" ]; then
    set -- --secret "id=pip-cert,src=$PIP_CERT"
fi
start="$(date +%s)"
# The build stage is tagged too (TAG-build), so that pruning below keeps its steps in the cache:
# the dependencies are downloaded again only when pyproject.toml changes.
for target in build runtime; do
    name="$tag"
    [ "$target" = build ] && name="$tag-build"
    buildah --storage-driver vfs build --isolation chroot --format docker --layers "$@" \
        --build-arg BASE="$base" --file deploy/docker/Dockerfile --target "$target" --tag "$name" .
done
# What earlier builds left that no tag refers to any more; each layer is a whole copy in vfs
# storage, so this keeps the disk from filling up build after build.
buildah --storage-driver vfs rmi --prune >/dev/null || true
echo "built $tag on $base in $(( $(date +%s) - start )) s"
