# Sourced by launch.sh: picks the libtorch the JVM loads. On a machine with an NVIDIA GPU and a CUDA build of torch
# (pip's, or a libtorch folder) it points DJL at that libtorch instead of the CPU natives on the classpath, so
# tuning, eval and generate run on the GPU. Settings (all optional):
#   AR_DEVICE=cpu|cuda      cpu: always the CPU natives; cuda: fail if no CUDA libtorch is found (default: auto)
#   PYTORCH_LIBRARY_PATH    a libtorch lib/ folder (with PYTORCH_VERSION and PYTORCH_FLAVOR, e.g. 2.7.1 / cu128)
#   AR_TORCH_PYTHON         the python whose torch to use (default: python3)
#   AR_DJL_JNI              a prebuilt libdjl_torch.so matching that torch (else DJL downloads its own once)
# Sets AR_TORCH_NOTE (one line the launcher prints) and AR_DROP_CPU_NATIVES=1 when a CUDA libtorch is used.
ar_pick_torch() {
  AR_TORCH_NOTE=""; AR_DROP_CPU_NATIVES=0
  [ "${AR_DEVICE:-auto}" = "cpu" ] && return 0
  if [ -z "${PYTORCH_LIBRARY_PATH:-}" ]; then
    command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1 || {
      [ "${AR_DEVICE:-auto}" = "cuda" ] && { echo "auto-round: AR_DEVICE=cuda but no NVIDIA GPU is visible (nvidia-smi)" >&2; exit 2; }
      return 0; }
    local info
    info="$("${AR_TORCH_PYTHON:-python3}" -c 'import os, torch
assert torch.cuda.is_available() and torch.version.cuda
print(os.path.join(os.path.dirname(torch.__file__), "lib"), torch.__version__.split("+")[0], "cu" + torch.version.cuda.replace(".", ""))' 2>/dev/null)" || {
      [ "${AR_DEVICE:-auto}" = "cuda" ] && { echo "auto-round: AR_DEVICE=cuda but no CUDA build of torch was found; install one (pip install torch==2.7.1) or set PYTORCH_LIBRARY_PATH, PYTORCH_VERSION and PYTORCH_FLAVOR" >&2; exit 2; }
      AR_TORCH_NOTE="GPU visible but no CUDA torch found (pip install torch==2.7.1, or PYTORCH_LIBRARY_PATH): running on the CPU"
      return 0; }
    set -- $info
    export PYTORCH_LIBRARY_PATH="$1" PYTORCH_VERSION="$2" PYTORCH_FLAVOR="$3"
  fi
  : "${PYTORCH_VERSION:?PYTORCH_LIBRARY_PATH is set: set PYTORCH_VERSION too (e.g. 2.7.1)}"
  : "${PYTORCH_FLAVOR:?PYTORCH_LIBRARY_PATH is set: set PYTORCH_FLAVOR too (e.g. cu128)}"
  AR_DROP_CPU_NATIVES=1
  # DJL counts GPUs through an unversioned libcudart: link the one next to this torch (pip's nvidia packages)
  local cudart dir="$AR_ROOT/target/cudart"
  cudart="$(ls "$PYTORCH_LIBRARY_PATH"/../../nvidia/cu*/lib/libcudart.so.* "$PYTORCH_LIBRARY_PATH"/../../nvidia/cuda_runtime/lib/libcudart.so.* \
    "$PYTORCH_LIBRARY_PATH"/libcudart*.so* /usr/local/cuda/lib64/libcudart.so.* 2>/dev/null | head -1)"
  mkdir -p "$dir"; [ -n "$cudart" ] && ln -sf "$cudart" "$dir/libcudart.so"
  AR_LAUNCH_FLAGS="${AR_LAUNCH_FLAGS:-} -Djna.library.path=$dir"
  local jni_dir="$DJL_CACHE_DIR/pytorch/$PYTORCH_VERSION-$PYTORCH_FLAVOR-linux-x86_64"
  if [ -n "${AR_DJL_JNI:-}" ]; then
    mkdir -p "$jni_dir" && cp "$AR_DJL_JNI" "$jni_dir/0.36.0-libdjl_torch.so"
  elif ! ls "$jni_dir"/*libdjl_torch.so >/dev/null 2>&1; then
    AR_DJL_OFFLINE="${AR_DJL_OFFLINE:-false}"  # DJL fetches the JNI library for this torch once
  fi
  AR_TORCH_NOTE="GPU: libtorch $PYTORCH_VERSION ($PYTORCH_FLAVOR) from $PYTORCH_LIBRARY_PATH"
}
