#!/usr/bin/env bash
# Training time per epoch of the default CNN (configs/lenet.toml), quantized (W1A2G32 and
# W1A2G6) vs. the same net in float (every layer W32 A32, first/last layer included).
# One epoch each on the first MAX_TRAIN training images (minus 5000 held out for
# validation), scaled to the full 55,000-image epoch. Reports wall seconds and process CPU
# seconds (all threads): on a machine shared with other jobs the CPU time is the stable
# number. Results: runs/epoch-time/epoch_time.md.
#   THREADS=2 MAX_TRAIN=60000 bench/train/epoch_time.sh
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
dorefa=${DOREFA:-build/dorefa}
threads=${THREADS:-$(nproc)}
max_train=${MAX_TRAIN:-60000}
out=runs/epoch-time
rm -rf "$out"
mkdir -p "$out"
float_cfg=$out/lenet-float.toml
# The float twin: every layer's bits 32 (first/last layers included).
sed -e 's/^w_bits = .*/w_bits = 32/' -e 's/^a_bits = .*/a_bits = 32/' configs/lenet.toml >"$float_cfg"
awk '1; /^type = "(conv|dense)"/ { print "w_bits = 32" }' "$float_cfg" >"$float_cfg.tmp" && mv "$float_cfg.tmp" "$float_cfg"
{
  echo "lenet, $threads torch threads, one epoch on $((max_train - 5000)) images, scaled to 55,000 images"
  echo
  echo "| bits | wall s/epoch | CPU s/epoch | images/s (wall) |"
  echo "|---|---|---|---|"
} >"$out/epoch_time.md"
measure() {  # name config extra...
  local name=$1 config=$2
  shift 2
  "$dorefa" train --config "$config" --epochs 1 --out "$out/$name" --max-train "$max_train" --max-test 1000 \
    --threads "$threads" "$@" >"$out/$name.log" 2>&1
  python3 - "$out/$name/best.json" "$name" >>"$out/epoch_time.md" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
h = m["history"][0]
n = m["dataset"]["train_images"]
scale = 55000 / n
print(f"| {sys.argv[2]} | {h['seconds'] * scale:.1f} | {h.get('cpu_seconds', 0) * scale:.1f} | {n / h['seconds']:.0f} |")
PY
}
measure w1a2g32 configs/lenet.toml --bits 1,2,32
measure w1a2g6 configs/lenet.toml --bits 1,2,6
measure float "$float_cfg"
echo >>"$out/epoch_time.md"
echo "nproc $(nproc); load average $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/epoch_time.md"
cat "$out/epoch_time.md"
