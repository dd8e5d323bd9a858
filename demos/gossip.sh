#!/usr/bin/env bash
# Demo "gossip": 5 JVMs (by default) on loopback share a replicated key-value store; each
# writes and deletes keys, the updates spread by anti-entropy (or --mode rumor, flood, …) over
# a lossy, duplicating network model, and the checkers verify every replica converged and no
# deleted key came back.
# Usage: demos/gossip.sh [--nodes N] [--mode push-pull|rumor|push|pull|flood] [--messages M] [--seed S]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/sidis.jar ] || mvn -q -B package -DskipTests
exec java -jar target/sidis.jar demo gossip --nodes 5 "$@"
