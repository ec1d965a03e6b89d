#!/usr/bin/env bash
# ctest fixture of tests/board: a small synthetic network compiled with the real commands,
# and its system simulation built and run once, so the tests reuse the Verilated model.
# Built in place (the model's build stamp holds the folder's path); `ready` marks the end.
#   make_fixture.sh DOREFA_BINARY FIXTURE_DIR
set -euo pipefail
bin=$1 dir=$2
rm -rf "$dir"
mkdir -p "$dir"
"$bin" synthetic mlp-w2a2 --out "$dir/model.dqm"
"$bin" compile "$dir/model.dqm" --out "$dir/design"
"$bin" simulate "$dir/design" --system --images 16
touch "$dir/ready"
