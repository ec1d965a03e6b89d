#!/usr/bin/env bash
# Seconds per training epoch of the default CNN (configs/lenet.toml, 55k MNIST images),
# quantized (W1A2G32, and W1A2G6 with gradient quantization) vs. the same net in float
# (W32A32G32; first/last layer also float). One epoch each, all cores (torch threads =
# nproc). Results: runs/epoch-time/epoch_time.md.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
dorefa=${DOREFA:-build/dorefa}
out=runs/epoch-time
rm -rf "$out"
mkdir -p "$out"
float_cfg=$out/lenet-float.toml
# The float twin: every layer's bits 32 (first/last layers included).
sed -e 's/^w_bits = .*/w_bits = 32/' -e 's/^a_bits = .*/a_bits = 32/' configs/lenet.toml >"$float_cfg"
awk '1; /^type = "(conv|dense)"/ { print "w_bits = 32" }' "$float_cfg" >"$float_cfg.tmp" && mv "$float_cfg.tmp" "$float_cfg"
{
  echo "| net | bits | s/epoch (train only) | images/s |"
  echo "|---|---|---|---|"
} >"$out/epoch_time.md"
measure() {  # name config extra...
  local name=$1 config=$2
  shift 2
  "$dorefa" train --config "$config" --epochs 1 --out "$out/$name" --max-test 1000 "$@" >"$out/$name.log" 2>&1
  local secs
  secs=$(python3 -c "import json;print(json.load(open('$out/$name/best.json'))['history'][0]['seconds'])")
  local images
  images=$(python3 -c "import json;print(json.load(open('$out/$name/best.json'))['dataset']['train_images'])")
  printf '| lenet | %s | %.1f | %.0f |\n' "$name" "$secs" "$(python3 -c "print($images/$secs)")" >>"$out/epoch_time.md"
}
measure w1a2g32 configs/lenet.toml --bits 1,2,32
measure w1a2g6 configs/lenet.toml --bits 1,2,6
measure float "$float_cfg"
echo "nproc $(nproc); load average $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/epoch_time.md"
cat "$out/epoch_time.md"
