#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# install-deps.sh - install the Debian 12 packages svatrace needs, only those
# that are missing. Idempotent: a second run installs nothing.
#
# Usage: scripts/install-deps.sh [build|test|demo|qemu|browser]...
#   build    compiler, libraries and BPF tool chain (always included)
#   test     + cmocka, sanitizer runtimes
#   demo     + gnuplot
#   qemu     + QEMU, busybox, cpio (the emulated VT-d guest tests)
#   browser  + headless Chromium (report rendering test)
#   bench    + GNU time, perf (benchmarks)
set -eu

# Why each package is here (see README "Dependencies"):
BUILD_PKGS="make gcc clang llvm pkg-config
	libbpf-dev bpftool libelf-dev zlib1g-dev libzstd-dev
	libjansson-dev libinih-dev libsqlite3-dev sqlite3 libsodium-dev
	libtraceevent-dev libtracecmd-dev libtracefs-dev trace-cmd"
TEST_PKGS="clang-format libcmocka-dev libclang-rt-14-dev
	protobuf-compiler parallel man-db slurm-wlm munge"
DEMO_PKGS="gnuplot-nox"
QEMU_PKGS="qemu-system-x86 busybox-static cpio kmod xz-utils"
BROWSER_PKGS="chromium"
BENCH_PKGS="time linux-perf"

want="$BUILD_PKGS"
for what in "$@"; do
	case "$what" in
	build) ;;
	test) want="$want $TEST_PKGS" ;;
	demo) want="$want $DEMO_PKGS" ;;
	qemu) want="$want $QEMU_PKGS" ;;
	browser) want="$want $BROWSER_PKGS" ;;
	bench) want="$want $BENCH_PKGS" ;;
	*) echo "install-deps: unknown set '$what' (build|test|demo|qemu|browser|bench)" >&2; exit 2 ;;
	esac
done

missing=""
for p in $want; do
	# dpkg-query prints "install ok installed" only for a fully installed package
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing Debian packages:$missing" >&2
	echo "install-deps: run as root (or: sudo apt-get install -y$missing)" >&2
	exit 1
fi
echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# An old or empty package list makes apt-get install fail; refresh once.
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
