#!/usr/bin/env bash
# Peak host memory of a SignRound run with block streaming (low_cpu_mem_usage, the default) and without it
# (--disable_low_cpu_mem_usage): the run's own summary line reports VmHWM from /proc/self/status ("peak RSS"), and
# GNU time's maximum resident set is shown beside it when /usr/bin/time exists. Prints one table row per mode.
#
# Usage: bench/peak-rss.sh MODEL_DIR [extra auto-round flags...]
#   defaults for flags not given: --scheme W4A16 --iters 20 --nsamples 32 --seqlen 256 --batch_size 8 --dataset embedded
#   AR_CLI         the command to run (default bin/auto-round; on the GPU kit: AR_CLI="$AR")
#   AR_BENCH_MODES which modes to run (default "stream full")
#   AR_BENCH_OUT   where outputs and logs go (default target/bench/peak-rss)
# A random-weight model of any shape (numpy only): bench/make-random-qwen3.py TINY_QWEN3_DIR OUT 4096 36 12288 32 8 128
# (8B-shaped, ~16 GB bf16); on the GPU machine the kit's make_qwen3_shape_tf.py does the same.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
[ $# -ge 1 ] || { sed -n "2,13p" "$0" >&2; exit 2; }
MODEL="$1"; shift
[ -d "$MODEL" ] || { echo "peak-rss: model folder '$MODEL' does not exist" >&2; exit 2; }
read -r -a CLI <<< "${AR_CLI:-$ROOT/bin/auto-round}"
OUT="${AR_BENCH_OUT:-$ROOT/target/bench/peak-rss}"
mkdir -p "$OUT"
ARGS=("$@")
for kv in --scheme=W4A16 --iters=20 --nsamples=32 --seqlen=256 --batch_size=8 --dataset=embedded; do
  case " $* " in *" ${kv%%=*} "*) ;; *) ARGS+=("${kv%%=*}" "${kv#*=}") ;; esac
done
TIME=()
[ -x /usr/bin/time ] && TIME=(/usr/bin/time -f "time-maxrss-kb %M")
printf '%-8s %10s %14s %16s  %s\n' mode wall_s "peak RSS" "time max RSS" log
for mode in ${AR_BENCH_MODES:-stream full}; do
  case "$mode" in
    stream) flag=--low_cpu_mem_usage ;;
    full) flag=--disable_low_cpu_mem_usage ;;
    *) echo "peak-rss: unknown mode '$mode' (stream or full)" >&2; exit 2 ;;
  esac
  log="$OUT/$mode.log"
  start=$(date +%s.%N)
  if ! "${TIME[@]}" "${CLI[@]}" --model "$MODEL" "${ARGS[@]}" "$flag" --output_dir "$OUT/$mode" --overwrite >"$log" 2>&1; then
    echo "peak-rss: the $mode run failed; see $log" >&2; tail -5 "$log" >&2; exit 1
  fi
  end=$(date +%s.%N)
  peak=$(tr '\r' '\n' < "$log" | sed -n 's/^auto-round: wrote .*, peak RSS \([0-9.]*\) GiB)$/\1/p' | tail -1)
  kb=$(sed -n 's/^time-maxrss-kb \([0-9]*\)$/\1/p' "$log" | tail -1)
  tmax=$([ -n "$kb" ] && awk -v k="$kb" 'BEGIN { printf "%.2f GiB", k / 1048576 }' || echo "-")
  printf '%-8s %10.1f %10s GiB %16s  %s\n' "$mode" "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" "${peak:-?}" "$tmax" "$log"
done
