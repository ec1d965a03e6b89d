#!/usr/bin/env bash
# Data-parallel training (issue 16, docs/training.md "Data-parallel training"): the default
# network (configs/lenet.toml) on MNIST trained by one process with every core, and by
# `--nproc 2` ranks (c10d/Gloo) with the cores split between them, for the same global batch,
# epochs and seed. Per run: mean wall seconds per epoch, the best epoch's validation
# accuracy and the test accuracy of the best checkpoint (all from its best.json). The table
# goes into docs/training.md between the data-parallel markers.
#   EPOCHS=30 bench/train/data_parallel.sh          (default: the config's 30 epochs)
#   MAX_TRAIN=N                                     (first N training images only)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
dorefa=${DOREFA:-build/dorefa}
out=${OUT:-runs/data-parallel}
epochs=${EPOCHS:-30}
cores=$(nproc)
mkdir -p "$out"
args=(--config configs/lenet.toml --epochs "$epochs" ${MAX_TRAIN:+--max-train "$MAX_TRAIN"})
run() {  # name extra-args...
  local name=$1
  shift
  if [ ! -f "$out/$name/best.json" ] || ! grep -q '"test_acc": [0-9]' "$out/$name/best.json"; then
    rm -rf "$out/$name"
    echo "[data-parallel] $name: dorefa train ${args[*]} $*" >&2
    "$dorefa" train "${args[@]}" --out "$out/$name" "$@" > "$out/$name.log" 2>&1
  fi
}
run one-process --threads "$cores"
run two-ranks --nproc 2
python3 - "$out" "$epochs" "$cores" <<'PY' > "$out/table.md"
import json, sys
out, epochs, cores = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = [("one-process", f"1 process x {cores} threads"), ("two-ranks", f"2 ranks x {max(1, cores // 2)} thread(s), Gloo")]
print(f"lenet W1A2 on MNIST, {epochs} epochs, global batch 64, seed 1; `bench/train/data_parallel.sh`")
print()
print("| run | s/epoch (wall) | best val acc | test acc (best checkpoint) |")
print("|---|---|---|---|")
acc = {}
for name, label in rows:
    m = json.load(open(f"{out}/{name}/best.json"))
    acc[name] = m["test_acc"]
    print(f"| {label} | {m['mean_epoch_seconds']:.1f} | {m['best']['val_acc']:.2f} % | {m['test_acc']:.2f} % |")
print()
print(f"Test accuracy difference, two ranks - one process: {acc['two-ranks'] - acc['one-process']:+.2f} pt.")
PY
cat "$out/table.md"
scripts/write_doc_table.py docs/training.md data-parallel bench/train/data_parallel.sh < "$out/table.md"
