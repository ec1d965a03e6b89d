#!/usr/bin/env bash
# ctest fixture of tests/cli: a tiny network trained, lowered and compiled with the real
# commands (each must exit 0), written to a temp folder and moved into place at the end.
#   make_fixture.sh DOREFA_BINARY FIXTURE_DIR TINY_TOML
set -euo pipefail
bin=$1 dir=$2 config=$3
tmp=$dir.tmp
rm -rf "$tmp"
mkdir -p "$tmp"
cp "$config" "$tmp/tiny.toml"
"$bin" train --config "$tmp/tiny.toml" --out "$tmp/train" --max-train 3000 --max-test 500
"$bin" lower "$tmp/train/best.pt" --out "$tmp/model.dqm" --images 500 --report "$tmp/lower.json"
"$bin" compile "$tmp/model.dqm" --out "$tmp/design"
rm -rf "$dir"
mv "$tmp" "$dir"
