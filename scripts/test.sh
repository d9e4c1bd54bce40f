#!/usr/bin/env bash
# Runs the whole test suite (unit, Spark local, cluster and HDFS integration tests).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -B verify "$@"
