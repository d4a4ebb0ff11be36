# shellcheck shell=bash
# Disk assembly for the appliance and kiosk images. Sourced, never run (image/build.sh, image/kiosk/build-kiosk.sh and
# the image tests use it).
#
# A root folder becomes a GPT disk image with no loop device and no mount: the root file system is made straight from
# the folder (mkfs.ext4 -d), the EFI system partition is a FAT file filled with mtools, and both are dd-ed into the
# image behind a partition table sfdisk writes into the file. That runs as any user with write access to the files,
# in a container or a CI sandbox, where loop devices and mounts are not allowed.
#
#   partition 1  EFI system partition, FAT32, label CGBOOT: \EFI\BOOT\BOOTX64.EFI (GRUB standalone, its grub.cfg
#                embedded), and whatever disk_write_esp_file puts there later (the kiosk's classroomguard-kiosk.conf)
#   partition 2  root, ext4, label cgroot; GRUB reads the kernel and initrd from it (/vmlinuz, /initrd.img: Debian's
#                symlinks to the installed kernel), so a kernel update in the running machine needs no ESP change
#
# Functions:
#   disk_build_image ROOTFS RAW SIZE [KERNEL_ARGS]   RAW: GPT image of SIZE (e.g. 8G); KERNEL_ARGS appended to the
#                                                    kernel command line
#   disk_to_qcow2 RAW QCOW2                          the same disk for virtual machines
#   disk_write_esp_file RAW NAME FILE                puts FILE on the ESP of a built raw image as NAME (e.g.
#                                                    classroomguard-kiosk.conf, or EFI/BOOT/x.cfg)
#   disk_read_esp_file RAW NAME                      prints a file from the ESP of a built raw image

DISK_ESP_MIB=64 # FAT32 needs at least ~33 MiB; GRUB alone is ~4 MiB, the rest is room for a kiosk's files
DISK_ESP_TYPE=C12A7328-F81F-11D2-BA4B-00A0C93EC93B
DISK_ROOT_TYPE=4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709 # "Linux root (x86-64)" of the Discoverable Partitions spec
# Every kernel command line carries both consoles: tty0 for the PC's screen, ttyS0 so tests (and a technician with a
# serial cable) read the banner.
DISK_KERNEL_ARGS="root=LABEL=cgroot ro console=tty0 console=ttyS0,115200"

# disk_tools_missing — prints the commands disk assembly needs that are not installed (empty when all are).
disk_tools_missing() {
  local tool
  for tool in mkfs.ext4 mkfs.vfat mcopy mmd mtype sfdisk grub-mkstandalone qemu-img; do
    command -v "$tool" >/dev/null 2>&1 || printf '%s ' "$tool"
  done
  [ -d /usr/lib/grub/x86_64-efi ] || printf 'grub-efi-amd64-bin '
}

# disk_bytes SIZE — SIZE (e.g. 8G, 512M, or bytes) in bytes; fails on anything else.
disk_bytes() {
  [[ $1 =~ ^([0-9]+)([GgMm]?)$ ]] || return 1
  case "${BASH_REMATCH[2]}" in
    [Gg]) echo $((BASH_REMATCH[1] * 1024 * 1024 * 1024)) ;;
    [Mm]) echo $((BASH_REMATCH[1] * 1024 * 1024)) ;;
    *) echo "${BASH_REMATCH[1]}" ;;
  esac
}

# disk_grub_efi OUT KERNEL_ARGS — GRUB as one EFI program with its configuration inside: it finds the root file system
# by its label, whatever the disk is called on this PC, and boots Debian's kernel from it.
disk_grub_efi() {
  local out=$1 args=$2 cfg
  cfg=$(mktemp)
  cat >"$cfg" <<CFG
serial --unit=0 --speed=115200
terminal_input console serial
terminal_output console serial
set timeout=2
set default=0
search --no-floppy --label cgroot --set=root
menuentry "ClassroomGuard" {
  linux /vmlinuz $args
  initrd /initrd.img
}
CFG
  grub-mkstandalone -O x86_64-efi -o "$out" --locales= --fonts= --themes= \
    --modules="part_gpt ext2 fat search search_label linux normal echo serial terminal efi_gop all_video" \
    "boot/grub/grub.cfg=$cfg"
  local rc=$?
  rm -f "$cfg"
  return "$rc"
}

# disk_build_image ROOTFS RAW SIZE [KERNEL_ARGS]
disk_build_image() {
  local rootfs=$1 raw=$2 size=$3 extra=${4:-} bytes esp_bytes root_bytes work
  bytes=$(disk_bytes "$size") || { echo "error: disk size '$size' is not a size (e.g. 8G or 4096M)" >&2; return 64; }
  esp_bytes=$((DISK_ESP_MIB * 1024 * 1024))
  # 1 MiB before the ESP (GPT and alignment) and 1 MiB after root (the backup GPT).
  root_bytes=$((bytes - esp_bytes - 2 * 1024 * 1024))
  [ "$root_bytes" -ge $((1024 * 1024 * 1024)) ] || { echo "error: disk size $size is too small (at least 2G)" >&2; return 64; }
  [ -e "$rootfs/vmlinuz" ] && [ -e "$rootfs/initrd.img" ] ||
    { echo "error: $rootfs has no /vmlinuz or /initrd.img: is a kernel (linux-image-amd64) installed in it?" >&2; return 65; }
  work=$(mktemp -d "${raw}.parts.XXXXXX")

  # Root: made from the folder, owners, modes, extended attributes (file capabilities) and hard links kept.
  # metadata_csum_seed is off: Debian 12's GRUB (2.06) refuses ext4 with it.
  truncate -s "$root_bytes" "$work/root.ext4"
  mkfs.ext4 -q -L cgroot -O ^metadata_csum_seed -E root_owner=0:0 -d "$rootfs" "$work/root.ext4" ||
    { rm -rf "$work"; echo "error: mkfs.ext4 could not make the root file system from $rootfs" >&2; return 73; }

  # ESP: FAT32 with GRUB as the removable-media boot program, which every UEFI PC starts without an NVRAM entry.
  truncate -s "$esp_bytes" "$work/esp.fat"
  disk_grub_efi "$work/BOOTX64.EFI" "$DISK_KERNEL_ARGS${extra:+ $extra}" &&
    mkfs.vfat -F 32 -n CGBOOT "$work/esp.fat" >/dev/null &&
    mmd -i "$work/esp.fat" ::/EFI ::/EFI/BOOT &&
    mcopy -i "$work/esp.fat" "$work/BOOTX64.EFI" ::/EFI/BOOT/BOOTX64.EFI ||
    { rm -rf "$work"; echo "error: could not make the EFI system partition (GRUB, FAT)" >&2; return 73; }

  # The disk: sparse, partition table first, then the two partitions copied in at their offsets.
  rm -f "$raw"
  truncate -s "$bytes" "$raw"
  local esp_start=2048 root_start=$(((esp_bytes + 1024 * 1024) / 512))
  sfdisk --quiet --no-reread --no-tell-kernel "$raw" <<TABLE >/dev/null || { rm -rf "$work"; echo "error: sfdisk could not partition $raw" >&2; return 73; }
label: gpt
unit: sectors
start=$esp_start, size=$((esp_bytes / 512)), type=$DISK_ESP_TYPE, name="CGBOOT"
start=$root_start, size=$((root_bytes / 512)), type=$DISK_ROOT_TYPE, name="cgroot"
TABLE
  dd if="$work/esp.fat" of="$raw" bs=1M seek=$((esp_start / 2048)) conv=notrunc,sparse status=none &&
    dd if="$work/root.ext4" of="$raw" bs=1M seek=$((root_start / 2048)) conv=notrunc,sparse status=none ||
    { rm -rf "$work"; echo "error: could not copy the partitions into $raw" >&2; return 73; }
  rm -rf "$work"
}

# disk_to_qcow2 RAW QCOW2
disk_to_qcow2() {
  qemu-img convert -f raw -O qcow2 "$1" "$2"
}

# disk_esp_offset RAW — byte offset of partition 1 (the ESP) in a raw image.
disk_esp_offset() {
  local start
  start=$(sfdisk --dump "$1" 2>/dev/null | sed -n 's/^[^ ]*1 : start= *\([0-9]*\),.*/\1/p' | head -n 1)
  [ -n "$start" ] || { echo "error: $1 is not a ClassroomGuard raw disk image (no partition 1); give the .raw, not the .qcow2" >&2; return 65; }
  echo $((start * 512))
}

# disk_write_esp_file RAW NAME FILE — NAME may hold folders (created as needed); an existing NAME is replaced.
disk_write_esp_file() {
  local raw=$1 name=${2#/} file=$3 offset dir path=""
  [ -f "$file" ] || { echo "error: $file does not exist (the file to put on the ESP)" >&2; return 66; }
  offset=$(disk_esp_offset "$raw") || return
  dir=$(dirname "$name")
  if [ "$dir" != . ]; then
    local IFS=/ part
    for part in $dir; do
      path+="/$part"
      mmd -i "$raw@@$offset" "::$path" 2>/dev/null || true
    done
  fi
  mcopy -o -i "$raw@@$offset" "$file" "::/$name" ||
    { echo "error: could not write $name on the ESP of $raw" >&2; return 73; }
}

# disk_read_esp_file RAW NAME — prints NAME from the ESP (tests check what the kiosk or a technician put there).
disk_read_esp_file() {
  local offset
  offset=$(disk_esp_offset "$1") || return
  mtype -t -i "$1@@$offset" "::/${2#/}"
}
