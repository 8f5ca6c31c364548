#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# qemu-vtd.sh - boot Debian's own kernel under QEMU (TCG) on a q35 machine
# with an emulated Intel VT-d IOMMU in scalable mode (IOMMU=amd: QEMU's
# emulated AMD-Vi instead), run `svatrace collect`
# inside the guest while it does block (virtio-blk, NVMe) and network I/O,
# record the same window with the guest's tracefs (text + trace-cmd
# trace.dat), load idxd and attach the idxd probes, then hand everything back
# on a raw disk.
# idxd needs MOVDIR64B, which TCG cannot emulate: a test-only module
# (tests/guest/svt_cpucap, built here against Debian's linux-headers for the
# same kernel) sets that capability bit in the guest before idxd is loaded.
#
# usage: scripts/qemu-vtd.sh OUTDIR
#   env: SVATRACE=build/svatrace (non-sanitized binary; its shared libraries
#        are copied from ldd)  CACHE=/var/cache/svatrace  TIMEOUT=600
#        SUITE=bookworm (Debian 12's kernel, 6.1) or bookworm-backports
#        (6.12: adds the dma:* and intel_iommu:cache_tag_* tracepoints);
#        KVER=<what the suite's linux-image-amd64 points at>
#        CPUCAP=1 (0: do not build/load svt_cpucap; idxd then stays refused)
#        IOMMU=vtd (default) or amd (-device amd-iommu; its devices sit on
#        pcie.0, see below, so they go without ATS)
#        QEMU_EXTRA="..." more QEMU options (e.g. "-trace amdvi_page_fault")
#        KCMD_EXTRA="..." appended to the guest kernel's command line
#        (e.g. "ignore_loglevel" to see the boot on console.log)
#        TWINS=1: two more collectors over the same window, --sample 1
#        (sample1.trace) and --summary (summary.trace: its intervals are cut
#        at the window's trace_marker writes), each with its .log
# Kernel functions the collector probes are also recorded by tracefs kprobe
# events named fentry:FUNCTION (the collector's names), so their counts are
# compared like the tracepoints'; a second collector with --func-probes
# kprobe runs over the same window (kprobe.trace) to compare the two
# mechanisms record for record.
# Results in OUTDIR: console.log, collect.trace, tracefs.txt, trace.dat,
# events.txt (the tracefs events enabled), collect.log, idxd.log,
# doctor.txt, guest.log (the guest's own log and collector summaries).
# Exit 0 when the guest ran to the end.
set -euo pipefail
OUT=${1:?usage: qemu-vtd.sh OUTDIR}
SVATRACE=${SVATRACE:-build/svatrace}
CACHE=${CACHE:-/var/cache/svatrace}
TIMEOUT=${TIMEOUT:-600}
SUITE=${SUITE:-bookworm}
CPUCAP=${CPUCAP:-1}
IOMMU=${IOMMU:-vtd}
TWINS=${TWINS:-0}
case $IOMMU in
vtd)	IOMMU_DEV=(-device intel-iommu,intremap=on,caching-mode=on,device-iotlb=on,x-scalable-mode=on,aw-bits=48)
	IOMMU_CMD="intel_iommu=on,sm_on"; ATS=on ;;
amd)	IOMMU_DEV=(-device amd-iommu)
	IOMMU_CMD="amd_iommu_dump=1 intremap=off"; ATS=off ;;
*)	echo "qemu-vtd: IOMMU=$IOMMU: want vtd or amd" >&2; exit 2 ;;
esac
mkdir -p "$OUT" "$CACHE/pkgs"
OUT=$(cd "$OUT" && pwd)
SVATRACE=$(readlink -f "$SVATRACE")

scripts/install-deps.sh qemu >&2

# 1. the kernel: whatever the suite's linux-image-amd64 points at, unpacked
#    once into the cache. Suites other than the host's own are read through a
#    private apt state under $CACHE (signed by the same Debian archive key),
#    so the host's sources are never changed.
APT=()
if [ "$SUITE" != bookworm ]; then
	A=$CACHE/apt-$SUITE
	mkdir -p "$A/lists/partial" "$A/cache"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $SUITE main" > "$A/sources.list"
	APT=(-o "Dir::Etc::SourceList=$A/sources.list" -o Dir::Etc::SourceParts=/nonexistent
	     -o "Dir::State::Lists=$A/lists" -o "Dir::Cache=$A/cache" -o APT::Sandbox::User=root)
	if [ -z "$(find "$A/lists" -name '*Packages*' -mtime -7 2>/dev/null | head -1)" ]; then
		apt-get -q "${APT[@]}" update >&2 || { echo "qemu-vtd: cannot read the $SUITE package index" >&2; exit 1; }
	fi
	CPUCAP=0	# its linux-headers would have to come from $SUITE too; not done
fi
if [ -z "${KVER:-}" ]; then
	KVER=$(apt-cache "${APT[@]}" depends linux-image-amd64 2>/dev/null |
		sed -n 's/.*Depends: linux-image-\(.*-amd64\)$/\1/p' | head -1)
fi
[ -n "$KVER" ] || { echo "qemu-vtd: cannot tell which linux-image to use (set KVER)" >&2; exit 1; }
KROOT=$CACHE/kroot-$KVER
if [ ! -f "$KROOT/boot/vmlinuz-$KVER" ]; then
	(cd "$CACHE/pkgs" && ls linux-image-"$KVER"_*.deb >/dev/null 2>&1 ||
		apt-get -q "${APT[@]}" download "linux-image-$KVER" >&2)
	rm -rf "$KROOT.tmp" && dpkg-deb -x "$CACHE"/pkgs/linux-image-"$KVER"_*.deb "$KROOT.tmp"
	depmod -b "$KROOT.tmp" "$KVER"	# the package leaves modules.dep to its postinst
	mv "$KROOT.tmp" "$KROOT"
fi
MODDIR=$KROOT/lib/modules/$KVER
[ -f "$MODDIR/modules.dep" ] || depmod -b "$KROOT" "$KVER"

# 1b. the test-only capability module, built against the same kernel's headers
KMOD=$(mktemp -d "${TMPDIR:-/tmp}/svt_cpucap.XXXXXX")
if [ "$CPUCAP" = 1 ]; then
	if [ ! -d "/usr/src/linux-headers-$KVER" ]; then
		echo "qemu-vtd: installing linux-headers-$KVER (to build tests/guest/svt_cpucap)" >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q "linux-headers-$KVER" >&2
	fi
	cp tests/guest/svt_cpucap/svt_cpucap.c tests/guest/svt_cpucap/Kbuild "$KMOD/"
	if ! make -s -C "/usr/src/linux-headers-$KVER" M="$KMOD" modules > "$KMOD/build.log" 2>&1; then
		echo "qemu-vtd: building svt_cpucap.ko against linux-headers-$KVER failed:" >&2
		tail -20 "$KMOD/build.log" >&2
		rm -rf "$KMOD"; exit 1
	fi
fi

# 2. initramfs
W=$(mktemp -d "${TMPDIR:-/tmp}/qemu-vtd.XXXXXX")
trap 'rm -rf "$W" "$KMOD"' EXIT
R=$W/root
mkdir -p "$R"/{bin,dev,proc,sys,tmp,mods,out,lib64,lib/x86_64-linux-gnu}
cp /bin/busybox "$R/bin/busybox"
ln -s busybox "$R/bin/sh"
copy_bin() {	# binary + the shared libraries ldd names
	cp "$1" "$R/bin/"
	ldd "$1" | awk '/=> \//{print $3} /^\t\/lib64/{print $1}' | while read -r l; do
		mkdir -p "$R$(dirname "$l")"; cp -L "$l" "$R$l"
	done
}
copy_bin "$SVATRACE"
copy_bin "$(command -v trace-cmd)"
[ "$CPUCAP" = 1 ] && cp "$KMOD/svt_cpucap.ko" "$R/mods/"
[ "$TWINS" = 1 ] && : > "$R/twins"
# Modules: the wanted drivers and what modules.dep says they need, dependencies
# first, each once; built-in ones are absent from modules.dep and skipped.
# Compressed modules (6.12 ships .ko.xz) are unpacked for busybox insmod.
declare -A SEEN=()
modpath() {	# NAME -> path relative to MODDIR ('-' and '_' are one)
	awk -F: -v n="$1" '{ b = $1; sub(/.*\//, "", b); sub(/\.ko(\.xz|\.zst|\.gz)?$/, "", b)
		gsub(/-/, "_", b); if (b == n) { print $1; exit } }' "$MODDIR/modules.dep"
}
modadd() {	# PATH ORDERFILE: deps first, then PATH
	local p=$1 d name
	[ -n "${SEEN[$p]:-}" ] && return 0
	SEEN[$p]=1
	for d in $(awk -v k="$p:" '$1 == k { for (i = 2; i <= NF; i++) print $i }' "$MODDIR/modules.dep"); do
		modadd "$d" "$2"
	done
	name=$(basename "$p"); name=${name%%.ko*}
	case "$p" in
	*.xz) xz -dc "$MODDIR/$p" > "$R/mods/$name.ko" ;;
	*.zst) zstd -qdc "$MODDIR/$p" > "$R/mods/$name.ko" ;;
	*.gz) gzip -dc "$MODDIR/$p" > "$R/mods/$name.ko" ;;
	*) cp "$MODDIR/$p" "$R/mods/$name.ko" ;;
	esac
	echo "$name" >> "$2"
}
: > "$R/mods/order"; : > "$R/mods/order.idxd"
for m in virtio_pci virtio_blk virtio_net nvme; do
	p=$(modpath "$m"); [ -n "$p" ] && modadd "$p" "$R/mods/order"
done
for m in idxd; do
	p=$(modpath "$m"); [ -n "$p" ] && modadd "$p" "$R/mods/order.idxd"
done
cat > "$R/init" <<'INIT'
#!/bin/sh
/bin/busybox --install -s /bin
export PATH=/bin LD_LIBRARY_PATH=/lib/x86_64-linux-gnu
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
mount -t tracefs tracefs /sys/kernel/tracing
T=/sys/kernel/tracing
# the log goes to /out (read back from the disk, not from the console, where
# kernel messages can interleave with it) and to the console for humans
log() { echo "@@ $*" | tee -a /out/log.txt; }
for m in $(cat /mods/order); do insmod /mods/$m.ko || log "insmod $m failed"; done
sleep 1
N=$(ls /sys/class/net | grep -v lo | head -1)
[ -n "$N" ] && { ip link set $N up; ip addr add 10.0.2.15/24 dev $N; }
ip link set lo up
sleep 1
log "kernel $(uname -r) btf=$(ls /sys/kernel/btf/vmlinux) dev=$(ls /sys/block | tr '\n' ' ') net=$N"
# tracefs: the guest's own record of the same events, same clock as BPF
echo 0 > $T/tracing_on
echo mono > $T/trace_clock
echo 16384 > $T/buffer_size_kb
echo > $T/trace
# every event of the systems the collector decodes that this kernel has
for sys in iommu dma intel_iommu; do
	[ -d $T/events/$sys ] || continue
	for e in $T/events/$sys/*/; do
		[ -f $e/enable ] || continue
		echo 1 > $e/enable && echo "$sys:$(basename $e)" >> /out/events.txt
	done
done
# the kernel functions the collector probes, as tracefs kprobes named like
# the collector's probes (fentry:FUNCTION), where this kernel has them; all
# at entry (p:), because a record of an entry/exit pair (the qi_submit_sync
# wait, the pins' results) carries its entry time, which places it in the window
for fn in qi_submit_sync:p pin_user_pages_fast:p pin_user_pages_remote:p unpin_user_pages:p \
	unpin_user_pages_dirty_lock:p __iommu_queue_command_sync:p; do
	at=${fn#*:}; fn=${fn%:*}
	grep -q " $fn\$" /proc/kallsyms || continue
	echo "$at:fentry/$fn $fn" >> $T/kprobe_events &&
		echo 1 > $T/events/fentry/$fn/enable && echo "fentry:$fn" >> /out/events.txt
done
log "kernel functions in tracefs: $(grep -c '^fentry:' /out/events.txt)"
svatrace collect --keep-phys -o /out/collect.trace 2> /out/collect.log & CP=$!
# the same function probes through kprobes only, over the same window
svatrace collect --keep-phys --func-probes kprobe -e qi_wait,pin,amd_iommu \
	-o /out/kprobe.trace 2> /out/kprobe.log & KP=$!
LOGS="/out/collect.log /out/kprobe.log"
# twins (TWINS=1): --sample 1 must record what the full collector does, and
# --summary must count it; its intervals end at the two markers below
if [ -f /twins ]; then
	svatrace collect --keep-phys --sample 1 -o /out/sample1.trace 2> /out/sample1.log & S1=$!
	# a long --interval: the counters are read (map syscalls) only at the
	# marker cuts. A map syscall holds bpf_prog_active on its CPU, and a
	# kprobe program (the kprobe twin's) that an interrupt runs meanwhile is
	# skipped: 24 qi_submit_sync waits interrupting a 1 s reader were
	# missing from kprobe.trace in one run
	svatrace collect --summary --interval 3600s -o /out/summary.trace 2> /out/summary.log & SU=$!
	LOGS="$LOGS /out/sample1.log /out/summary.log"
fi
i=0; for l in $LOGS; do while ! grep -q 'collecting from' $l; do
	i=$((i+1)); [ $i -gt 600 ] && break; sleep 0.1; done; done
sleep 0.5
echo 1 > $T/tracing_on
# the compared window is between these two markers (same mono clock as the
# collector): events in the gaps around it are seen by only one side
echo svt-window-start > $T/trace_marker
# the --summary twin reads its counters at that cut: done before the I/O
[ -f /twins ] && sleep 0.5
# the I/O phase: block reads and writes that bypass the page cache, and pings
dd if=/dev/vda of=/dev/null bs=64k count=256 iflag=direct 2>&1 | tail -1
dd if=/dev/zero of=/dev/vda bs=64k count=256 oflag=direct 2>&1 | tail -1
dd if=/dev/vda of=/dev/null bs=4k count=512 iflag=direct 2>&1 | tail -1
if [ -b /dev/nvme0n1 ]; then
	dd if=/dev/zero of=/dev/nvme0n1 bs=128k count=128 oflag=direct 2>&1 | tail -1
	dd if=/dev/nvme0n1 of=/dev/null bs=128k count=128 iflag=direct 2>&1 | tail -1
fi
ping -c 5 -i 0.2 -W 1 10.0.2.2 2>&1 | tail -2
sync
sleep 0.5
echo svt-window-stop > $T/trace_marker
echo 0 > $T/tracing_on
sleep 0.5
kill -INT $CP; wait $CP
log "collector exit $?"
kill -INT $KP; wait $KP
log "kprobe collector exit $?"
if [ -f /twins ]; then
	kill -INT $S1; wait $S1; log "sample1 collector exit $?"
	kill -INT $SU; wait $SU; log "summary collector exit $?"
	sed 's/^/sample1: /' /out/sample1.log >> /out/log.txt
	sed 's/^/summary: /' /out/summary.log >> /out/log.txt
fi
cat /out/collect.log; cat /out/collect.log >> /out/log.txt
sed 's/^/kprobe: /' /out/kprobe.log >> /out/log.txt
grep -v '^#' $T/trace > /out/tracefs.txt
log "tracefs lines $(wc -l < /out/tracefs.txt) overrun: $(grep -h '^overrun' $T/per_cpu/cpu*/stats | tr '\n' ' ')"
trace-cmd extract -o /out/trace.dat > /out/extract.log 2>&1 || log "trace-cmd extract failed: $(tail -3 /out/extract.log)"
# idxd: first as the guest's CPU is (refused: TCG has no MOVDIR64B), then
# after svt_cpucap sets that capability bit; no DSA device exists here
for m in $(cat /mods/order.idxd); do insmod /mods/$m.ko 2>/dev/null || true; done
lsmod | grep -q '^idxd ' && log "idxd loaded without help" ||
	log "idxd refused as the CPU is: $(dmesg | grep -i 'idxd' | tail -1)"
if ! lsmod | grep -q '^idxd ' && [ -f /mods/svt_cpucap.ko ]; then
	insmod /mods/svt_cpucap.ko || log "insmod svt_cpucap failed"
	log "cpucap: $(dmesg | grep svt_cpucap | tail -1)"
	insmod /mods/idxd.ko || log "insmod idxd failed: dmesg: $(dmesg | grep -i idxd | tail -1)"
fi
log "iommu units: $(ls /sys/class/iommu | tr '\n' ' ')"
log "idxd module: $(lsmod | grep '^idxd ' | cut -d' ' -f1) btf=$(ls /sys/kernel/btf/idxd 2>/dev/null)"
svatrace collect -o /out/idxd.trace -e idxd -d 1 > /out/idxd.log 2>&1
log "idxd collector exit $?"
cat /out/idxd.log; cat /out/idxd.log >> /out/log.txt
log "dsa devices: $(ls /sys/bus/dsa/devices 2>/dev/null | wc -l)"
svatrace doctor > /out/doctor.txt 2>&1; log "doctor exit $?"
log "guest done"	# last line of log.txt: the tar below holds every result
cd /out && tar cf /dev/vdb . && sync
echo "@@ results written"
poweroff -f
INIT
chmod +x "$R/init"
(cd "$R" && find . | cpio -o -H newc --quiet | gzip -1) > "$W/initrd.gz"
truncate -s 64M "$W/disk.img"
truncate -s 64M "$W/nvme.img"
truncate -s 256M "$W/out.img"

# 3. q35 + VT-d in scalable mode with device-TLB (ATS); devices behind PCIe
#    root ports so virtio is PCIe and can expose ATS; split irqchip for intremap.
# no_timer_check: on a loaded host, TCG runs the guest too slowly for the
# kernel's IO-APIC timer check, which then panics ("timer doesn't work
# through Interrupt-remapped IO-APIC", seen on 6.12 with VT-d and 6.1 with
# AMD-Vi while other jobs ran); the check proves nothing in a VM.
set +e
# Devices behind PCIe root ports (so virtio is PCIe and can expose ATS).
# QEMU 7.2's AMD IOMMU takes a device's requester id from its bus number
# when the device's address space is made, before the guest numbers the
# root ports' secondary buses: every device behind a port is looked up as
# 00:00.0, its DMA "translates" to address 0 and the first virtio-blk read
# never completes (-trace amdvi_translation_result: "devid: 00:00.0 gpa
# 0xffffd002 hpa 0x0"). With IOMMU=amd the devices sit on pcie.0 itself
# (bus 0 from the start) instead.
DEVS=()
bus_for() {	# N: a root port, or pcie.0 for AMD-Vi
	if [ "$IOMMU" = amd ]; then BUS=pcie.0; else
		DEVS+=(-device "pcie-root-port,id=rp$1,bus=pcie.0,chassis=$1"); BUS=rp$1; fi
}
bus_for 1; DEVS+=(-drive "file=$W/disk.img,if=none,id=d0,format=raw"
	-device "virtio-blk-pci,bus=$BUS,drive=d0,iommu_platform=on,ats=$ATS,disable-legacy=on")
bus_for 2; DEVS+=(-drive "file=$W/out.img,if=none,id=d1,format=raw"
	-device "virtio-blk-pci,bus=$BUS,drive=d1,iommu_platform=on,ats=$ATS,disable-legacy=on")
bus_for 4; DEVS+=(-drive "file=$W/nvme.img,if=none,id=d2,format=raw"
	-device "nvme,bus=$BUS,drive=d2,serial=svt0")
bus_for 3; DEVS+=(-netdev user,id=n0,restrict=on
	-device "virtio-net-pci,bus=$BUS,netdev=n0,iommu_platform=on,ats=$ATS,disable-legacy=on,romfile=")
timeout "$TIMEOUT" qemu-system-x86_64 -machine q35,kernel-irqchip=split -accel tcg -cpu max \
	-smp 2 -m 1G -nographic -no-reboot -nic none \
	"${IOMMU_DEV[@]}" "${DEVS[@]}" \
	${QEMU_EXTRA:-} \
	-kernel "$KROOT/boot/vmlinuz-$KVER" -initrd "$W/initrd.gz" \
	-append "console=ttyS0 quiet panic=-1 no_timer_check $IOMMU_CMD iommu.strict=1 trace_clock=mono ${KCMD_EXTRA:-}" \
	> "$OUT/console.log" 2>&1
rc=$?
set -e
(cd "$OUT" && tar xf "$W/out.img" 2>/dev/null) || true
mv "$OUT/log.txt" "$OUT/guest.log" 2>/dev/null || : > "$OUT/guest.log"
if ! grep -q '@@ guest done' "$OUT/guest.log"; then
	echo "qemu-vtd: guest did not finish (qemu exit $rc); see $OUT/console.log" >&2
	exit 1
fi
exit 0
