#!/usr/bin/env bash
# Demo "total": see conf/total.conf and the README. Usage: demos/total.sh [any 'sidis demo' option]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/sidis.jar ] || mvn -q -B package -DskipTests
exec java -jar target/sidis.jar demo total "$@"
