#!/usr/bin/env bash
# Demo "causal": 3 JVMs (by default) on loopback run a chat with causal multicast over a
# delaying, lossy network model; the verdict comes from the trace checkers.
# Usage: demos/causal.sh [--nodes N] [--messages M] [--seed S]   (any 'sidis demo' option)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/sidis.jar ] || mvn -q -B package -DskipTests
exec java -jar target/sidis.jar demo causal "$@"
