#!/usr/bin/env bash
# GPU benchmark (issue 12), run on the lent H200 from the kit (../shared/gpu/README.md), e.g.
#   run(command="bash bench/gpu/signround-gpu.sh tiny 8b-block 2>&1 | tee $OUT/bench.log", carry=[".gpu"])
# Parts (any subset, in order): tiny (tiny-qwen3-12m W4A16/W2A16 tuned, held-out ppl), 8b-block (a 4-layer
# Qwen3-8B-shaped random-weight model, W4A16 200 iters at 128 x 512 tokens: per-block seconds, peak GPU), ref-8b-block
# (the reference on the same model), amp-off (tiny W4A16 with --disable_amp), 0.6b / 1.7b (whole random-weight models of
# Qwen3-0.6B's and Qwen3-1.7B's shapes, 28 layers, same protocol as 8b-block), 8b (a whole Qwen3-8B-shaped model, 36
# layers, 16 GB of bf16 weights: end-to-end wall and peak host RSS; DEADLINE=590 leaves it room) and ref-0.6b /
# ref-1.7b / ref-8b (the reference). Every step prints wall time, peak GPU
# memory and the CLI's own per-block lines; AR_EXTRA adds flags to every project run; ITERS (default 200) sets the
# 8b-block run's iterations (e.g. a short run under PYTORCH_NO_CUDA_MEMORY_CACHING=1, where the sampled GPU peak
# of AR_TUNE_PROFILE=1 is libtorch's live tensors).
set -u
G="${G:-$PWD/.gpu}"; L=/tmp/logs; rm -rf "$L"; mkdir -p "$L"
. "$G/scripts/lib.sh"
trap 'tar -C /tmp -czf "$OUT/logs.tgz" logs 2>/dev/null' EXIT
. "$G/scripts/env.sh"
# classes compiled after the kit was made (carry target/core/classes) take precedence over the kit's
[ -d "$PWD/target/core/classes/io" ] && AR="${AR/ -cp / -cp $PWD/target/core/classes:}" && echo "using $PWD/target/core/classes"
M=/tmp/data/tiny-qwen3-12m; mkdir -p $M
cp "$G"/data/tiny-qwen3-12m/*.json "$G"/data/tiny-qwen3-12m/heldout.txt $M/
xz -dc "$G/data/tiny-qwen3-12m/model.safetensors.shuf.xz" > /tmp/data/m.shuf
python3 "$G/scripts/shuf.py" /tmp/data/m.shuf $M/model.safetensors unshuffle
TEXT="$G/data/wikitext2_valid.txt"
B8=/tmp/data/qwen3-8b-block
blocks() { tr '\r' '\n' < "$L/$1.log" | grep -E "\] model.layers|tuning on|peak|wrote|Exception|Error" | head -20; }
tiny() {  # $1 scheme, rest: extra flags
  local s="$1"; shift
  step "tiny-$s$*" 300 $AR --model $M --scheme "$s" --iters 200 --nsamples 128 --seqlen 256 --batch_size 8 \
    --dataset "$TEXT" --format auto_round --output_dir "/tmp/q/$s" --overwrite ${AR_EXTRA:-} "$@"
  blocks "tiny-$s$*"
  step "eval-$s$*" 120 $AR eval --model "$(dirname "$(find "/tmp/q/$s" -name config.json | head -1)")" \
    --text $M/heldout.txt --seqlen 256 --device gpu
  grep -h perplexity "$L/eval-$s$*.log"
}
shaped() {  # $1 folder, $2 shape overrides (JSON) on make_qwen3_shape_tf.py's Qwen3-0.6B shape
  [ -f "$1/config.json" ] && return
  SHAPE_JSON="$2" step "make-$(basename "$1")" 300 python3 "$G/ref/make_qwen3_shape_tf.py" $M "$1" 0
  tail -1 "$L/make-$(basename "$1").log" | cut -c1-120
}
make8b() { shaped $B8 '{"hidden_size":4096,"num_hidden_layers":4,"intermediate_size":12288,"num_attention_heads":32,"num_key_value_heads":8}'; }
SHAPE_06B='{}'
SHAPE_8B='{"hidden_size":4096,"num_hidden_layers":36,"intermediate_size":12288,"num_attention_heads":32,"num_key_value_heads":8}'
SHAPE_17B='{"hidden_size":2048,"intermediate_size":6144}'
ours() {  # $1 step name, $2 model folder: W4A16, 200 iters, 128 x 512 tokens, batch 8
  step "$1" 590 $AR --model "$2" --scheme W4A16 --iters 200 --nsamples 128 --seqlen 512 --batch_size 8 \
    --dataset "$TEXT" --format auto_round --output_dir "/tmp/q/$1" --overwrite ${AR_EXTRA:-}
  blocks "$1" | tail -4
}
reference() {  # $1 step name, $2 model folder: the reference, same protocol
  . "$G/ref/setup_ref.sh"
  step "$1" 590 python3 "$G/ref/ref_quant.py" "$2" "$TEXT" "/tmp/q/$1" --scheme W4A16 --iters 200 --nsamples 128 --seqlen 512
  tr '\r' '\n' < "$L/$1.log" | grep -iE "quantizing|time|peak|memory" | tail -6
}
for part in "$@"; do
  case "$part" in
    tiny) tiny W4A16; tiny W2A16 ;;
    amp-off) tiny W4A16 --disable_amp ;;
    8b-block) make8b
      step 8b 500 $AR --model $B8 --scheme W4A16 --iters ${ITERS:-200} --nsamples 128 --seqlen 512 --batch_size 8 \
        --dataset "$TEXT" --format auto_round --output_dir /tmp/q/8b --overwrite ${AR_EXTRA:-}
      blocks 8b ;;
    ref-8b-block) make8b; . "$G/ref/setup_ref.sh"
      step ref8b 300 python3 "$G/ref/ref_quant.py" $B8 "$TEXT" /tmp/q/ref8b --scheme W4A16 --iters 200 --nsamples 128 --seqlen 512
      tr '\r' '\n' < "$L/ref8b.log" | grep -iE "quantizing|loss|time|peak|memory" | tail -12 ;;
    0.6b) shaped /tmp/data/qwen3-0.6b "$SHAPE_06B"; ours q06b /tmp/data/qwen3-0.6b ;;
    1.7b) shaped /tmp/data/qwen3-1.7b "$SHAPE_17B"; ours q17b /tmp/data/qwen3-1.7b ;;
    8b) shaped /tmp/data/qwen3-8b "$SHAPE_8B"; ours q8b /tmp/data/qwen3-8b ;;
    ref-8b) shaped /tmp/data/qwen3-8b "$SHAPE_8B"; reference ref8bfull /tmp/data/qwen3-8b ;;
    ref-0.6b) shaped /tmp/data/qwen3-0.6b "$SHAPE_06B"; reference ref06b /tmp/data/qwen3-0.6b ;;
    ref-1.7b) shaped /tmp/data/qwen3-1.7b "$SHAPE_17B"; reference ref17b /tmp/data/qwen3-1.7b ;;
  esac
done
