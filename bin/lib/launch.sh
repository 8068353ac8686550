# Sourced by the launchers: builds the core when needed and runs a main class on it.
# Usage: ar_launch MAIN_CLASS [args...]   (AR_ROOT must be the project root)

. "$AR_ROOT/bin/lib/find-jdk.sh"
. "$AR_ROOT/bin/lib/gpu.sh"

_ar_core_stale() {
  local classes="$AR_ROOT/target/core/classes" cp="$AR_ROOT/target/core/runtime-classpath.txt"
  [ -f "$cp" ] && [ -d "$classes" ] || return 0
  # Rebuild when any source, resource or pom is newer than the classpath file.
  [ -n "$(find "$AR_ROOT/src/main" "$AR_ROOT/src/pom.xml" "$AR_ROOT/pom.xml" -newer "$cp" -type f -print -quit 2>/dev/null)" ]
}

# The core on the classpath: its jar when AR_CORE_JAR=1 and the jar is not older than the compiled classes (a
# class-data-sharing archive needs jars only), else the classes folder.
_ar_core_entry() {
  local jar
  jar="$(ls "$AR_ROOT"/target/core/autoround-core-*.jar 2>/dev/null | head -n 1)"
  if [ "${AR_CORE_JAR:-0}" = 1 ] && [ -n "$jar" ] \
      && [ -z "$(find "$AR_ROOT/target/core/classes" -newer "$jar" -type f -print -quit 2>/dev/null)" ]; then
    echo "$jar"
  else
    echo "$AR_ROOT/target/core/classes"
  fi
}

ar_launch() {
  local main="$1"; shift
  if _ar_core_stale; then
    echo "auto-round: building the core library (first run or sources changed)..." >&2
    (cd "$AR_ROOT" && mvn -B -q -pl src -am -DskipTests package) >&2 || {
      echo "auto-round: build failed; run 'mvn -B -pl src -am package' in $AR_ROOT to see why." >&2; exit 3; }
    touch "$AR_ROOT/target/core/runtime-classpath.txt"  # the plugin leaves an unchanged file untouched
  fi
  local cp="$(_ar_core_entry):$(cat "$AR_ROOT/target/core/runtime-classpath.txt")"
  export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$AR_ROOT/target/djl-cache}"
  ar_pick_torch
  if [ "$AR_DROP_CPU_NATIVES" = 1 ]; then  # the CPU natives jar would win over PYTORCH_LIBRARY_PATH
    cp="$(echo "$cp" | tr ':' '\n' | grep -v 'pytorch-native-cpu' | paste -sd:)"
  fi
  [ -n "$AR_TORCH_NOTE" ] && echo "auto-round: $AR_TORCH_NOTE" >&2
  # Deterministic cuBLAS needs its workspace config, and MKL its reproducibility mode, in the environment before
  # they start (the Java side sets them too, but only once the JVM runs); values the user set are kept.
  case " $* " in
    *" --enable_deterministic_algorithms "*)
      export CUBLAS_WORKSPACE_CONFIG="${CUBLAS_WORKSPACE_CONFIG:-:4096:8}" MKL_CBWR="${MKL_CBWR:-AUTO}" ;;
  esac
  exec "$JAVA_HOME/bin/java" -Xss8m --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
    --add-modules=jdk.incubator.vector -Dai.djl.offline="${AR_DJL_OFFLINE:-true}" \
    -Djna.tmpdir="$AR_ROOT/target/jna" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -Dautoround.home="$AR_ROOT" -Dautoround.python.dir="$AR_ROOT/python" \
    -Dpolyglot.engine.userResourceCache="$AR_ROOT/target/core/polyglot-cache" -Dpolyglot.engine.WarnInterpreterOnly=false \
    ${AR_LAUNCH_FLAGS:-} ${AR_JAVA_OPTS:-} -cp "$cp" "$main" "$@"
}

# JVM flags for Truffle's optimizing runtime, with AR_PYTHON_JIT=1: the Graal compiler jars copied by the build on
# the upgrade module path, on JDK 25 or newer (JDK 17 cannot boot compiler 25). Empty -- interpreter mode -- by
# default: on a small machine the compiler threads delay the first line of a script by seconds, and the facade's
# work runs in Java anyway (docs/benchmarks.md, "Python facade startup").
ar_graal_jit_flags() {
  local dir="$AR_ROOT/target/core/graal-compiler" version
  [ "${AR_PYTHON_JIT:-0}" = "1" ] || return 0
  ls "$dir"/compiler-*.jar >/dev/null 2>&1 || return 0
  version="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$JAVA_HOME/release" 2>/dev/null)"
  [ -n "$version" ] && [ "$version" -ge 25 ] || return 0
  echo "-XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI --upgrade-module-path=$dir"
}
