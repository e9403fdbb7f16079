#!/usr/bin/env bash
# Installs what ClusterDashboard's scripts need and the machine lacks. Sourced by run.sh and test.sh.
# Debian/Ubuntu only (apt); elsewhere it says what to install.

_apt_updated=0

_as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

_apt_install() {
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: $* is missing and this is not a Debian/Ubuntu system; install it by hand (packages: $*)" >&2
    return 1
  fi
  if [ "$_apt_updated" -eq 0 ]; then
    _as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    _apt_updated=1
  fi
  echo "installing $* (apt)"
  _as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_java() {
  command -v java >/dev/null 2>&1 || _apt_install default-jre-headless
}

ensure_zookeeper() {
  ensure_java
  [ -f /usr/share/java/zookeeper.jar ] || _apt_install zookeeper
}

ensure_chromium() {
  [ -x /usr/bin/chromium ] || _apt_install chromium
}

ensure_kazoo() {
  /usr/bin/python3 -c 'import kazoo' >/dev/null 2>&1 || _apt_install python3-kazoo
}

ensure_dotnet() {
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "error: the .NET 10 SDK is required (https://dot.net); 'dotnet' is not on PATH" >&2
    return 1
  fi
}

# The classpath that runs Debian's ZooKeeper server.
zookeeper_classpath() {
  local j=/usr/share/java cp="" jar
  for jar in zookeeper zookeeper-jute slf4j-api slf4j-simple netty-handler netty-common netty-buffer netty-transport \
    netty-codec netty-resolver netty-transport-native-epoll netty-transport-native-unix-common commons-cli metrics-core snappy-java; do
    cp="${cp:+$cp:}$j/$jar.jar"
  done
  echo "$cp"
}
