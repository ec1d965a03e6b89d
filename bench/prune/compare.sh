#!/usr/bin/env bash
# Compares pruning criteria (L1 vs BN-gamma with network slimming vs first-order Taylor) on
# the trained default MNIST W1A2 LeNet: prune to 50 % and to 25 % of its MACs with the
# iterative schedule and fine-tuning, then writes runs/prune/compare.md and compare.csv.
# The 50 %-MAC L1 model is also copied to runs/lenet-w1a2-pruned50/ for the hardware stage.
#
# Usage: bench/prune/compare.sh [CHECKPOINT] [BUILD_DIR]
#   env: STEPS (2), EPOCHS per step (3), SLIM_LAMBDA (1e-4), SLIM_EPOCHS (1), THREADS (2),
#        LIMIT_TRAIN (0 = all 60k training images; fine-tune on fewer when the machine is busy)
# Long: run it in the background, e.g.
#   nohup bench/prune/compare.sh > runs/prune/compare.log 2>&1 &
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
ckpt="${1:-$root/runs/lenet-w1a2/best.pt}"
build="${2:-$root/build}"
dorefa="$build/dorefa"
out="$root/runs/prune"
steps="${STEPS:-2}"
epochs="${EPOCHS:-3}"
slim="${SLIM_LAMBDA:-1e-4}"
slim_epochs="${SLIM_EPOCHS:-1}"
threads="${THREADS:-2}"
limit_train="${LIMIT_TRAIN:-0}"
mkdir -p "$out"
[[ -x "$dorefa" ]] || { echo "error: $dorefa not built" >&2; exit 2; }
[[ -f "$ckpt" ]] || { echo "error: checkpoint $ckpt not found" >&2; exit 2; }

csv="$out/compare.csv"
rows=()
for macs in 50 25; do
  for crit in l1 bn taylor; do
    dir="$out/lenet-w1a2-$crit-macs$macs"
    extra=()
    [[ "$crit" == bn ]] && extra=(--slimming "$slim" --slimming-epochs "$slim_epochs")
    echo "== $crit, MACs <= $macs % ($(date -u +%H:%M:%S))"
    start=$(date +%s)
    "$dorefa" prune "$ckpt" --macs "$macs%" --criterion "$crit" --steps "$steps" --finetune-epochs "$epochs" \
      --threads "$threads" --limit-train "$limit_train" "${extra[@]}" --force --out "$dir" 2>"$dir.log"
    rows+=("$crit,$macs,$dir,$(( $(date +%s) - start ))")
  done
done

python3 - "$out" "$csv" "${rows[@]}" <<'EOF'
import csv, json, sys
out, csv_path, rows = sys.argv[1], sys.argv[2], sys.argv[3:]
lines = []
for r in rows:
    crit, macs, d, secs = r.split(",")
    m = json.load(open(f"{d}/best.json"))
    p = m["pruning"]
    layers = " / ".join(f'{l["channels_after"]}' for l in p["layers"])
    steps = p["steps"]
    lines.append(dict(criterion=crit, target=f"{macs}%", macs_before=p["source_macs"], macs_after=m["macs"],
                      macs_reduction=100.0 * (1 - m["macs"] / p["source_macs"]),
                      channels=layers, acc_before=p["source_test_acc"],
                      acc_pruned=steps[0]["test_acc_pruned"], acc_after=m["test_acc"],
                      drop=p["source_test_acc"] - m["test_acc"], seconds=int(secs)))
with open(csv_path, "w") as f:
    w = csv.DictWriter(f, fieldnames=list(lines[0].keys()))
    w.writeheader()
    for l in lines:
        w.writerow({k: (f"{v:.2f}" if isinstance(v, float) else v) for k, v in l.items()})
src = json.load(open(rows[0].split(",")[2] + "/best.json"))["pruning"]
md = ["# MNIST W1A2 LeNet: structured pruning, L1 vs BN-gamma (slimming) vs Taylor", "",
      f"Source `{src['source']}` ({src['source_macs']} MACs, test {src['source_test_acc']:.2f} %). "
      f"{src['steps'][-1]['step']} prune steps, {src['finetune_epochs_per_step']} fine-tune epochs each"
      + (f" on the first {sys.argv[0] and __import__('os').environ.get('LIMIT_TRAIN')} training images" if __import__('os').environ.get('LIMIT_TRAIN', '0') != '0' else "") + "; "
      f"BN statistics re-estimated after each surgery; "
      f"channel counts multiples of 4 (conv1 / conv2 / fc1 / fc2).", "",
      "| criterion | MAC target | MACs after | MAC reduction | channels | test acc before (%) | after 1st prune, no FT (%) | after fine-tune (%) | drop (pt) | time (s) |",
      "|---|---|---:|---:|---|---:|---:|---:|---:|---:|"]
for l in lines:
    md.append(f"| {l['criterion']} | {l['target']} | {l['macs_after']} | {l['macs_reduction']:.1f} % | {l['channels']} | "
              f"{l['acc_before']:.2f} | {l['acc_pruned']:.2f} | {l['acc_after']:.2f} | {l['drop']:+.2f} | {l['seconds']} |")
open(f"{out}/compare.md", "w").write("\n".join(md) + "\n")
print("\n".join(md))
EOF

# The hardware stage's input: the 50 %-MAC L1 model.
hw="$root/runs/lenet-w1a2-pruned50"
mkdir -p "$hw"
cp "$out/lenet-w1a2-l1-macs50/"{best.pt,best.json,prune.md,prune.csv,config.toml} "$hw/"
echo "wrote $out/compare.md, $csv and $hw/best.pt"
