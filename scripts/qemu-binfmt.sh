#!/usr/bin/env bash
# Makes this machine run ARCH (default arm64) binaries through qemu-user, as
# the arm64 process tests and the image test need; idempotent, root only.
#
#   scripts/qemu-binfmt.sh [ARCH]
#
# Mounts binfmt_misc when it is not mounted and enables Debian's qemu
# handler (packages qemu-user-static and binfmt-support; scripts/install-deps.sh
# installs them). The handler is registered with the F flag, so it also works
# inside containers and chroots. Exit 0: the kernel runs ARCH binaries here;
# 1: it cannot (the reason on stderr).
set -euo pipefail
export PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin
arch=${1:-arm64}
case $arch in
  arm64) qemu=aarch64 ;;
  s390x) qemu=s390x ;;
  ppc64el | ppc64le) qemu=ppc64le ;;
  *) echo "qemu-binfmt: unknown architecture '$arch'" >&2; exit 1 ;;
esac
dir=/proc/sys/fs/binfmt_misc

if [[ ! -e $dir/register ]]; then
  [[ $(id -u) -eq 0 ]] || { echo "qemu-binfmt: binfmt_misc is not mounted and we are not root" >&2; exit 1; }
  if ! mount -t binfmt_misc binfmt_misc "$dir" 2>/dev/null; then
    echo "qemu-binfmt: cannot mount binfmt_misc on $dir (a container without CAP_SYS_ADMIN?)" >&2
    exit 1
  fi
fi
if [[ $(head -n1 "$dir/qemu-$qemu" 2>/dev/null) != enabled ]]; then
  command -v update-binfmts >/dev/null ||
    { echo "qemu-binfmt: update-binfmts missing (install binfmt-support)" >&2; exit 1; }
  [[ -e /usr/share/binfmts/qemu-$qemu ]] ||
    { echo "qemu-binfmt: no qemu-$qemu binfmt format (install qemu-user-static)" >&2; exit 1; }
  update-binfmts --import "qemu-$qemu" >/dev/null 2>&1 || true
  if ! update-binfmts --enable "qemu-$qemu" >&2; then
    echo "qemu-binfmt: update-binfmts --enable qemu-$qemu failed" >&2
    exit 1
  fi
fi
[[ $(head -n1 "$dir/qemu-$qemu" 2>/dev/null) == enabled ]] ||
  { echo "qemu-binfmt: qemu-$qemu is not enabled in $dir" >&2; exit 1; }
