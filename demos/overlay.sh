#!/usr/bin/env bash
# Demo "overlay": see conf/overlay.conf and the README. Usage: demos/overlay.sh [any 'sidis demo' option]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/sidis.jar ] || mvn -q -B package -DskipTests
exec java -jar target/sidis.jar demo overlay "$@"
