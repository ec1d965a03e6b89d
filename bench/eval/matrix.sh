#!/usr/bin/env bash
# The evaluation matrix (issue 12, docs/evaluation.md): the default network (configs/lenet.toml
# shapes) on MNIST and Fashion-MNIST as
#   float, W8A8 PTQ, W8A8 QAT, W8A8 pruned, DoReFa W2A2, W1A2, W1A2 pruned,
# each through `dorefa run` (train or take a checkpoint, lower + gate, compile, Verilator
# bit-exact simulation, Yosys, switching activity, power estimate), the pruned ones from
# `dorefa prune --macs 50%` of their unpruned QAT run. Then bench/eval/collect.py gathers
# every figure into OUT/matrix.json, `dorefa report --matrix` renders the table and the
# accuracy-vs-FPS chart, and the table goes into docs/evaluation.md (scripts/write_doc_table.py)
# with the chart beside it (docs/evaluation-matrix.svg). No figure is typed by hand.
#
# Long: the full settings (30 epochs, all 10k images through Verilator) take many hours on 2
# cores (each variant trains 30 epochs, then Verilator and Yosys). Run it in the background:
#   nohup bench/eval/matrix.sh > runs/eval/matrix.log 2>&1 &
# Quick settings (what docs/evaluation.md says it used):
#   EPOCHS=1 PRUNE_EPOCHS=1 MAX_TRAIN=15000 SIM_IMAGES=100 SIM_IMAGES_8BIT=10 ACTIVITY_IMAGES=4 PARALLEL=1 \
#     bench/eval/matrix.sh
# Environment:
#   DOREFA=path      the dorefa binary (default build/dorefa)
#   OUT=dir          run folders and matrix.json (default runs/eval); rerun to resume: every
#                    stage `dorefa run` already did with the same inputs is skipped
#   EPOCHS=N         training epochs of every trained variant (default: the configs' 30)
#   PRUNE_EPOCHS=N   fine-tune epochs after pruning (default 3)
#   MAX_TRAIN=N      train and fine-tune on the first N training images only (default: all)
#   SIM_IMAGES=N     test images through Verilator per design (default 0 = all 10,000)
#   SIM_IMAGES_8BIT=N  the same for W8A8 designs (default SIM_IMAGES)
#   ACTIVITY_IMAGES=N  images of the toggle-coverage run behind the power estimate (default 8)
#   DATASETS="mnist fashion-mnist"  VARIANTS="w1a2 w8a8-ptq w8a8-qat w2a2 w1a2-pruned w8a8-pruned"
#                    (w8a8-ptq's run also gives the float row: it trains the float model)
#   PARALLEL=1       one background lane per dataset (default: one after the other)
#   TABLE_ONLY=1     only collect what OUT holds and write the doc
#   DOC=path         the doc (default docs/evaluation.md; DOC= (empty) writes no doc)
#   DOC_TABLE=name   the doc's table markers to fill (default eval-matrix) and DOC_SVG=file the
#                    chart beside the doc (default evaluation-matrix.svg): a second table, e.g.
#                    of a subset at other settings, goes into its own markers
#   RECORDS=dir      also chart the MNIST throughput records of bench/hw/records.sh (its
#                    output folder, e.g. runs/records) beside the MNIST variants
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dorefa=${DOREFA:-$root/build/dorefa}
out=${OUT:-$root/runs/eval}
epochs=${EPOCHS:-}
prune_epochs=${PRUNE_EPOCHS:-3}
max_train=${MAX_TRAIN:-}
sim_images=${SIM_IMAGES:-0}
sim_images_8bit=${SIM_IMAGES_8BIT:-$sim_images}
activity_images=${ACTIVITY_IMAGES:-8}
datasets=${DATASETS:-mnist fashion-mnist}
variants=${VARIANTS:-w1a2 w8a8-ptq w8a8-qat w2a2 w1a2-pruned w8a8-pruned}
doc=${DOC-$root/docs/evaluation.md}
doc_table=${DOC_TABLE:-eval-matrix}
doc_svg=${DOC_SVG:-evaluation-matrix.svg}
mkdir -p "$out/logs" "$out/configs"
say() { echo "[$(date -u +%H:%M:%S)] $*"; }

# The settings as one line, for the doc: what produced its figures.
epochs_text=${epochs:-30}
settings="Settings: EPOCHS=$epochs_text PRUNE_EPOCHS=$prune_epochs MAX_TRAIN=${max_train:-all} SIM_IMAGES=$sim_images \
SIM_IMAGES_8BIT=$sim_images_8bit ACTIVITY_IMAGES=$activity_images; \`$(for v in EPOCHS PRUNE_EPOCHS MAX_TRAIN SIM_IMAGES \
SIM_IMAGES_8BIT ACTIVITY_IMAGES PARALLEL; do [ -n "${!v:-}" ] && printf '%s=%s ' "$v" "${!v}"; done)bench/eval/matrix.sh\`; \
$(date -u +%Y-%m-%d), $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'), a shared 2-core x86 machine."

# The settings of the run that made OUT's figures (TABLE_ONLY keeps the recorded ones).
if [ -z "${TABLE_ONLY:-}" ]; then echo "$settings" > "$out/settings.txt"
elif [ -f "$out/settings.txt" ]; then settings=$(cat "$out/settings.txt"); fi

# W2A2: the default config with 2-bit hidden weights (generated, so it follows lenet.toml).
sed 's/^w_bits = 1$/w_bits = 2/; s/^name = "lenet"$/name = "lenet-w2a2"/' "$root/configs/lenet.toml" \
  > "$out/configs/lenet-w2a2.toml"

run_variant() {
  local ds=$1 v=$2 dir=$out/$1/$2 images=$sim_images args=()
  case $v in
    w1a2) args=(--config "$root/configs/lenet.toml") ;;
    w2a2) args=(--config "$out/configs/lenet-w2a2.toml") ;;
    w8a8-ptq) args=(--config "$root/configs/lenet-float.toml" --ptq); images=$sim_images_8bit ;;
    w8a8-qat) args=(--config "$root/configs/lenet-w8a8.toml"); images=$sim_images_8bit ;;
    w1a2-pruned | w8a8-pruned)
      local src=$out/$ds/${v%-pruned}
      [ "$v" = w8a8-pruned ] && { src=$out/$ds/w8a8-qat; images=$sim_images_8bit; }
      if [ ! -f "$src/train/best.pt" ]; then say "$ds $v: no $src/train/best.pt (run ${src##*/} first)"; return 1; fi
      if [ ! -f "$dir/prune/best.pt" ]; then
        say "$ds $v: dorefa prune $src/train/best.pt --macs 50% --finetune-epochs $prune_epochs"
        "$dorefa" prune "$src/train/best.pt" --macs 50% --finetune-epochs "$prune_epochs" --out "$dir/prune" \
          ${max_train:+--limit-train "$max_train"} \
          > "$out/logs/$ds-$v-prune.log" 2>&1 || { say "$ds $v: prune failed (logs/$ds-$v-prune.log)"; return 1; }
      fi
      args=(--checkpoint "$dir/prune/best.pt") ;;
    *) say "unknown variant $v"; return 1 ;;
  esac
  [ -n "$epochs" ] && args+=(--epochs "$epochs")
  [ -n "$max_train" ] && args+=(--max-train "$max_train")
  say "$ds $v: dorefa run ${args[*]} --data $ds --sim-images $images -> $dir (log logs/$ds-$v.log)"
  "$dorefa" run "${args[@]}" --data "$ds" --out "$dir" --sim-images "$images" \
    --activity-images "$activity_images" > "$out/logs/$ds-$v.log" 2>&1 \
    || { say "$ds $v: dorefa run failed (exit $?, logs/$ds-$v.log)"; return 1; }
  say "$ds $v: done"
}

# Collects OUT into matrix.json and writes the doc; one at a time (lanes call it after each variant).
write_table() {
  (
    flock 9
    python3 "$root/bench/eval/collect.py" --out "$out" --dorefa "$dorefa" --datasets "$datasets" \
      --variants "$variants" --settings "$settings" ${RECORDS:+--records "$RECORDS"} > "$out/matrix.json.tmp"
    mv "$out/matrix.json.tmp" "$out/matrix.json"
    # The report of the default variant's run carries the matrix (and renders its table + chart).
    local report_dir=""
    for d in "$out"/mnist/w1a2 "$out"/*/*; do [ -f "$d/summary.json" ] && { report_dir=$d; break; }; done
    if [ -z "$report_dir" ]; then say "no finished run yet: matrix.json only"; exit 0; fi
    "$dorefa" report "$report_dir" --matrix "$out/matrix.json" > /dev/null
    if [ -n "$doc" ]; then
      cp "$report_dir/eval/matrix.svg" "$(dirname "$doc")/$doc_svg.tmp" && mv "$(dirname "$doc")/$doc_svg.tmp" "$(dirname "$doc")/$doc_svg"
      "$root/scripts/write_doc_table.py" "$doc" "$doc_table" bench/eval/matrix.sh < "$report_dir/eval/matrix.md"
    fi
    say "matrix: $out/matrix.json, report $report_dir/report.html"
  ) 9> "$out/.collect.lock"
}

lane() {
  local ds=$1
  for v in $variants; do
    run_variant "$ds" "$v" || true
    write_table || say "collecting failed"
  done
}

if [ -z "${TABLE_ONLY:-}" ]; then
  say "evaluation matrix: datasets '$datasets', variants '$variants'; $settings"
  if [ -n "${PARALLEL:-}" ]; then
    pids=()
    for ds in $datasets; do lane "$ds" > "$out/logs/lane-$ds.log" 2>&1 & pids+=($!); done
    for p in "${pids[@]}"; do wait "$p" || true; done
    cat "$out"/logs/lane-*.log
  else
    for ds in $datasets; do lane "$ds"; done
  fi
fi
write_table
say "done"
