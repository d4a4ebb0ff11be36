# shellcheck shell=bash
# Shared by bench/dns.sh, bench/dns-reload.sh and bench/dns-highbytes.sh (sourced): the benchmarks' block set.
#
# prepare_block_set WORKDIR UT1 DOMAINS SEED — builds WORKDIR/ut1, a copy of the UT1 tree UT1 (symbolic links kept)
# to which, when DOMAINS is above the number of real names, bench/gen-domains.py adds DOMAINS − real synthetic names
# shaped like UT1's adult list in WORKDIR/ut1/adult/domains (appended if the tree already has an adult folder). Our
# filter loads WORKDIR/ut1 with Format=Ut1, exactly as in production. Sets:
#   block_tree    WORKDIR/ut1
#   block_real    WORKDIR/blocked-real.txt — the real names of the folders our default mapping blocks, normalised like
#                 our loader (sorted, distinct)
#   block_file    WORKDIR/blocked.txt — every blocked name (real, then generated), one a line: what unbound and
#                 dnsmasq are given
#   block_count   its line count (the `domains=` of the results)
# DOMAINS=0 (or below the real count) = the real folders only, as before issue #11.

# The UT1 folders our default mapping blocks (dns/Lists/Ut1Categories.cs).
block_folders=(adult mixed_adult lingerie gambling arjel drogue agressif dangerous_material malware phishing hacking ddos
  cryptojacking stalkerware warez social_networks chat dating games filehosting doh vpn redirector residential-proxies)

prepare_block_set() {
  local work=$1 ut1=$2 domains=$3 seed=$4 f files=() real_count gen t0
  files=()
  for f in "${block_folders[@]}"; do
    [ -f "$ut1/$f/domains" ] && files+=("$ut1/$f/domains")
  done
  # Same normalisation as our loader: trim, lower-case, drop a trailing dot and a leading "*." or "."; keep only
  # syntactically valid multi-label names (no IP addresses, labels ≤ 63, name ≤ 253).
  LC_ALL=C cat "${files[@]}" | tr -d '\r' | tr 'A-Z' 'a-z' | LC_ALL=C awk '
    { sub(/^[ \t]+/, ""); sub(/[ \t]+$/, ""); sub(/\.$/, ""); sub(/^\*\./, ""); sub(/^\./, "") }
    /^#/ || $0 == "" { next }
    /^[0-9.]+$/ || /:/ { next }
    !/^[a-z0-9_-]+(\.[a-z0-9_-]+)+$/ { next }
    length($0) > 253 { next }
    { n = split($0, l, "."); for (i = 1; i <= n; i++) if (length(l[i]) > 63 || l[i] ~ /^-|-$/) next; print }
  ' | LC_ALL=C sort -u > "$work/blocked-real.txt"
  block_real="$work/blocked-real.txt"
  real_count=$(wc -l < "$block_real")
  block_tree="$work/ut1"
  cp -a "$ut1" "$block_tree"
  chmod -R u+w "$block_tree"
  block_file="$work/blocked.txt"
  if [ "$domains" -gt "$real_count" ]; then
    gen=$((domains - real_count))
    mkdir -p "$block_tree/adult"
    t0=$(date +%s%N)
    python3 "$(dirname "${BASH_SOURCE[0]}")/gen-domains.py" --seed "$seed" --count "$gen" --exclude "$block_real" \
      --templates "$ut1/mixed_adult/domains" "$ut1/lingerie/domains" "$ut1/dating/domains" \
      --out "$work/generated.txt" --stats
    cat "$work/generated.txt" >> "$block_tree/adult/domains"
    cat "$block_real" "$work/generated.txt" > "$block_file"
    echo "generated $gen names in $(awk -v d=$(($(date +%s%N) - t0)) 'BEGIN { printf "%.1f", d / 1e9 }') s (seed $seed) into $block_tree/adult/domains"
  else
    [ "$domains" -gt 0 ] && echo "note: DOMAINS=$domains ≤ $real_count real names: the real folders only" >&2
    cp "$block_real" "$block_file"
  fi
  block_count=$(wc -l < "$block_file")
  echo "block set: $block_count names ($real_count real from ${#files[@]} UT1 folders in $ut1)"
}
