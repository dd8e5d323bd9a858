#!/usr/bin/env bash
# Demo "fifo": the same chat and network as demos/causal.sh with FIFO order only; its verdict
# shows FIFO held and causal order broken (not promised by FIFO).
# Usage: demos/fifo.sh [--nodes N] [--messages M] [--seed S]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/sidis.jar ] || mvn -q -B package -DskipTests
exec java -jar target/sidis.jar demo fifo "$@"
