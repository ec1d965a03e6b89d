#!/usr/bin/env bash
# Runs this bundle on a PYNQ-Z2 with the PYNQ v2.6 image (README.md, step 4), as root:
#   sudo ./run_on_board.sh [--idle-seconds S] [--busy-seconds S]
# 1. loads overlay/dorefa.bit with PYNQ (which also sets FCLK0 from overlay/dorefa.hwh);
# 2. the C++ host (bin/dorefa-board, armhf): checks ID, version and design hash, classifies
#    sample/ with one START per batch, checks every score and class word against the
#    integer runtime's expected records, measures images/s and latency, writes
#    logs/run-<UTC time>.json (dorefa-board-run/1: `dorefa report RUN --board-log` reads it);
# 3. the PYNQ Python driver (pynq/run_batch.py) on the same sample, checked the same way.
# Exit status: 0 when both are bit-exact; 1 on a mismatch or a device fault; 2 bad setup.
# DOREFA_BOARD_SIM="CMD..." runs step 2 against a simulated device instead (the bundle's
# test does, with CMD = `dorefa simulate design --serve`); DOREFA_BOARD_EXEC prefixes the
# host program (e.g. "qemu-arm -cpu cortex-a9" off the board). Step 1 and 3 are then skipped.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
idle=10 busy=20  # a power meter needs both intervals (docs/power-model.md)
while [ $# -gt 0 ]; do
  case $1 in
    --idle-seconds) idle=$2; shift 2 ;;
    --busy-seconds) busy=$2; shift 2 ;;
    *) echo "error: unknown option '$1' (--idle-seconds S, --busy-seconds S)" >&2; exit 2 ;;
  esac
done
stamp=$(date -u +%Y-%m-%dT%H-%M-%SZ)
mkdir -p "$here/logs"
log=$here/logs/run-$stamp.json
host=(${DOREFA_BOARD_EXEC:-} "$here/bin/dorefa-board")

if [ -n "${DOREFA_BOARD_SIM:-}" ]; then
  echo "[run_on_board] simulated device: $DOREFA_BOARD_SIM" >&2
  # shellcheck disable=SC2086  # the command is words on purpose
  exec "${host[@]}" run "$here" --log "$log" --busy-seconds 0 -- $DOREFA_BOARD_SIM
fi

bit=$here/overlay/dorefa.bit hwh=$here/overlay/dorefa.hwh
for f in "$bit" "$hwh"; do
  [ -f "$f" ] || { echo "error: $f is missing: build the bitstream first (README.md step 2: vivado -mode batch -source vivado/build_bitstream.tcl -tclargs design overlay) and copy overlay/ here" >&2; exit 2; }
done
[ "$(id -u)" -eq 0 ] || { echo "error: run as root (sudo $0): PYNQ and /dev/mem need it" >&2; exit 2; }
python=${PYTHON:-python3}
"$python" -c 'import pynq' 2>/dev/null || { echo "error: $python cannot import pynq: is this the PYNQ v2.6 image? (set PYTHON=...)" >&2; exit 2; }

echo "[run_on_board] 1/3 loading $bit" >&2
"$python" -c "import sys; from pynq import Overlay; Overlay(sys.argv[1])" "$bit"
echo "[run_on_board] 2/3 C++ host ($here/bin/dorefa-board)" >&2
status=0
"${host[@]}" run "$here" --log "$log" --idle-seconds "$idle" --busy-seconds "$busy" || status=$?
echo "[run_on_board] 3/3 PYNQ Python driver (pynq/run_batch.py)" >&2
"$python" "$here/pynq/run_batch.py" --bit "$bit" --design "$here/design/design.json" \
  --images "$here/sample/images.bin" --labels "$here/sample/labels.bin" \
  --expected "$here/sample/expected_classes.bin" --expected-scores "$here/sample/expected_scores.bin" \
  --idle-s 0 --busy-s "$busy" --log "$here/logs/run-$stamp-python.json" || status=$?
echo "[run_on_board] logs: $log (C++), $here/logs/run-$stamp-python.json (Python); exit $status" >&2
exit "$status"
