#!/usr/bin/env bash
# Measures the switching activity of compiled designs (`dorefa power`) and prints the
# markdown table of docs/power-model.md ("activity"): measured toggle rate, the busiest
# modules, and the PL estimate with it vs the fixed 12.5 % default (both as `dorefa power`
# prints them). Synthesizes a design first when it has no DIR/synth/results.json. Usage:
#   scripts/power_table.sh [--images N] DESIGN_DIR... | scripts/write_doc_table.py docs/power-model.md activity scripts/power_table.sh
set -euo pipefail
DOREFA=${DOREFA:-build/dorefa}
IMAGES=8
if [[ ${1:-} == --images ]]; then IMAGES=$2; shift 2; fi
[[ $# -ge 1 ]] || { sed -n 2,7p "$0" >&2; exit 2; }
echo "| design | images, cycles | toggle rate (measured) | busiest modules | PL estimate, measured rate | PL estimate, fixed 12.5 % |"
echo "| --- | --- | --- | --- | --- | --- |"
for dir in "$@"; do
  [[ -f $dir/synth/results.json ]] || "$DOREFA" synth "$dir" --no-sta >&2
  out=$("$DOREFA" power "$dir" --images "$IMAGES")
  echo "$out" >&2
  DOREFA_POWER_OUT=$out python3 - "$dir" <<'PY'
import json, os, re, sys
d = sys.argv[1]
a = json.load(open(os.path.join(d, "power", "activity.json")))
r = json.load(open(os.path.join(d, "synth", "results.json")))["resources"]
model = json.load(open(os.path.join(d, "design.json")))["model"]["name"]
m = re.search(r"PL power\s+([0-9.]+) W estimated with the measured activity \(([0-9.]+) W at the fixed", os.environ["DOREFA_POWER_OUT"])
mods = ", ".join(f'{x["name"]} {100*x["toggle_rate"]:.1f}%' for x in a["modules"][:3])
print(f'| {model} ({r["lut"]} LUT, {r["ff"]} FF, {r["bram36_equivalent"]} BRAM36, {r["dsp48e1"]} DSP) '
      f'| {a["images"]}, {a["cycles"]} | {100*a["toggle_rate"]:.2f}% | {mods} | {m.group(1)} W | {m.group(2)} W |')
PY
done
