# Sourced by the launchers and .ci/run: exports JAVA_HOME pointing at a JDK >= 21 (JDK 25 preferred).
# Order: $JAVA_HOME if it is new enough, then known install folders, then `java` on the PATH.

_ar_java_major() {  # prints the feature version of the java binary given in $1
  # the JDK's release file says it without starting a JVM (a few tenths of a second on a busy machine)
  local release major
  release="$(dirname "$(dirname "$1")")/release"
  major="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release" 2>/dev/null | head -n 1)"
  if [ -n "$major" ]; then echo "$major"; return 0; fi
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

_ar_pick_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-* /usr/lib/jvm/*25* /usr/lib/jvm/*-2[1-9]-* \
      /usr/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(_ar_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then echo "$candidate"; return 0; fi
  done
  if command -v javac >/dev/null 2>&1; then
    candidate=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    major=$(_ar_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then echo "$candidate"; return 0; fi
  fi
  return 1
}

if ! AR_JDK=$(_ar_pick_jdk); then
  echo "auto-round: no JDK >= 21 found (JDK 25 recommended). Install one (e.g. Temurin 25) and set JAVA_HOME." >&2
  exit 2
fi
export JAVA_HOME="$AR_JDK"
export PATH="$JAVA_HOME/bin:$PATH"
