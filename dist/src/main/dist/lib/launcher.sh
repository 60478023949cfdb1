# Sourced by the launchers in bin/ after they set APP_HOME, PROGRAM, PROGRAM_JAR, MAIN_CLASS and
# LAUNCHER_JVM_OPTS: finds a Java 17 or newer (JAVA_HOME first, then the PATH) and execs it, so that
# signals reach the JVM and the process the service manager watches is the JVM itself. The JVM's
# classpath is the program's jar and the jars lib/$PROGRAM.classpath names (its runtime
# dependencies, written by the build): the daemons load none of the bench's.
#
# Precedence of options, last wins: the launcher's own JVM options, then JAVA_OPTS (split on
# spaces, as a shell would); -Dlogback.configurationFile in JAVA_OPTS wins over conf/logback.xml.
# Only shell built-ins run before Java is found, so a missing Java is reported even when the
# PATH is empty.

launcher=${0##*/}

if [ -n "${JAVA_HOME:-}" ]; then
  JAVA=$JAVA_HOME/bin/java
  if [ ! -x "$JAVA" ]; then
    echo "$launcher: JAVA_HOME is $JAVA_HOME, which has no bin/java: point JAVA_HOME at a Java 17 or newer" >&2
    exit 1
  fi
elif command -v java >/dev/null 2>&1; then
  JAVA=java
else
  echo "$launcher: no Java found: set JAVA_HOME or put java (17 or newer) on the PATH" >&2
  exit 1
fi

# 'openjdk version "17.0.15" 2025-04-15', 'java version "1.8.0_402"', 'openjdk version "25-ea"'
version=$("$JAVA" -version 2>&1)
case $version in
  *'version "'*) version=${version#*version \"}; version=${version%%\"*} ;;
  *) version= ;;
esac
major=${version#1.}
major=${major%%[!0-9]*}
if [ -z "$major" ] || [ "$major" -lt 17 ]; then
  echo "$launcher: $JAVA is Java ${version:-of an unknown version}; nioreactor needs Java 17 or newer: set JAVA_HOME" >&2
  exit 1
fi

APP_HOME=$(cd "$APP_HOME" && pwd -P) # absolute: what the JVM is told stays true wherever it looks from
classpath=
for jar in "$APP_HOME/lib/$PROGRAM_JAR"-*.jar; do classpath=$jar; done # the one of this version
list=$APP_HOME/lib/$PROGRAM.classpath
if [ ! -r "$list" ]; then
  echo "$launcher: $list is missing: unpack the whole tarball again" >&2
  exit 1
fi
names=
IFS= read -r names < "$list" || [ -n "$names" ] # the build writes it without a final newline
set -f # from here no word is expanded as file names: the jar names, and JAVA_OPTS (-Xlog:gc* stays as written)
saved_ifs=$IFS
IFS=:
for name in $names; do classpath="$classpath:$APP_HOME/$name"; done # each name is lib/JAR
IFS=$saved_ifs
# shellcheck disable=SC2086 # JAVA_OPTS and LAUNCHER_JVM_OPTS are lists of words on purpose
exec "$JAVA" -Dlogback.configurationFile="$APP_HOME/conf/logback.xml" $LAUNCHER_JVM_OPTS ${JAVA_OPTS:-} \
  -cp "$classpath" "$MAIN_CLASS" "$@"
