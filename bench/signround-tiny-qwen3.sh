#!/usr/bin/env bash
# SignRound accuracy benchmark (docs/benchmarks.md): tiny-qwen3-12m, calibration 128 x 256 tokens of
# wikitext2_valid.txt, batch 8, 200 iterations, auto_round export read back, perplexity on the held-out text.
# Prints one line per run with perplexity and wall time. Usage: bench/signround-tiny-qwen3.sh [SCHEME...]
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
SHARED="${AR_SHARED:-$ROOT/../shared}"
MODEL="$SHARED/data/models/tiny-qwen3-12m"
CALIB="$SHARED/data/text/wikitext2_valid.txt"
OUT="${AR_BENCH_OUT:-$ROOT/target/bench}"
SCHEMES=("$@")
[ ${#SCHEMES[@]} -gt 0 ] || SCHEMES=(W4A16 W2A16)
run() { # name, extra flags...
  local name="$1"; shift
  local start end ppl
  start=$(date +%s)
  ppl=$("$ROOT/bin/auto-round" --model "$MODEL" --dataset "$CALIB" --nsamples 128 --seqlen 256 --batch_size 8 \
        --output_dir "$OUT/$name" --overwrite --eval --eval_text "$MODEL/heldout.txt" "$@" 2>>"$OUT/$name.log" \
        | sed -n 's/^perplexity of .*: \([0-9.]*\)$/\1/p')
  end=$(date +%s)
  printf '%-28s ppl %-10s %5d s\n' "$name" "$ppl" $((end - start))
}
mkdir -p "$OUT"
for s in "${SCHEMES[@]}"; do
  run "$s-rtn" --scheme "$s" --iters 0 --disable_opt_rtn
  run "$s-opt-rtn" --scheme "$s" --iters 0
  run "$s-opt-rtn-imatrix" --scheme "$s" --iters 0 --opt_rtn_weighting imatrix
  run "$s-signround-200" --scheme "$s" --iters 200
done
