# Sourced by the launchers: builds the core when needed and runs a main class on it.
# Usage: ar_launch MAIN_CLASS [args...]   (AR_ROOT must be the project root)

. "$AR_ROOT/bin/lib/find-jdk.sh"

_ar_core_stale() {
  local classes="$AR_ROOT/target/core/classes" cp="$AR_ROOT/target/core/runtime-classpath.txt"
  [ -f "$cp" ] && [ -d "$classes" ] || return 0
  # Rebuild when any source, resource or pom is newer than the classpath file.
  [ -n "$(find "$AR_ROOT/src/main" "$AR_ROOT/src/pom.xml" "$AR_ROOT/pom.xml" -newer "$cp" -type f -print -quit 2>/dev/null)" ]
}

ar_launch() {
  local main="$1"; shift
  if _ar_core_stale; then
    echo "auto-round: building the core library (first run or sources changed)..." >&2
    (cd "$AR_ROOT" && mvn -B -q -pl src -am -DskipTests package) >&2 || {
      echo "auto-round: build failed; run 'mvn -B -pl src -am package' in $AR_ROOT to see why." >&2; exit 3; }
  fi
  local cp="$AR_ROOT/target/core/classes:$(cat "$AR_ROOT/target/core/runtime-classpath.txt")"
  export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$AR_ROOT/target/djl-cache}"
  exec "$JAVA_HOME/bin/java" -Xss8m --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
    --add-modules=jdk.incubator.vector -Dai.djl.offline="${AR_DJL_OFFLINE:-true}" \
    -Djna.tmpdir="$AR_ROOT/target/jna" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -Dautoround.home="$AR_ROOT" ${AR_JAVA_OPTS:-} -cp "$cp" "$main" "$@"
}
