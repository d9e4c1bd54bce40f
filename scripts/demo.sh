#!/usr/bin/env bash
# Builds sparkscore, generates the sample model and dataset in data/ if absent, scores the dataset on embedded
# local Spark and prints the calibration table and the run summary.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -q -B -DskipTests package
if [[ ! -f data/tiny.keras || ! -d data/sample.parquet ]]; then
  scripts/sparkscore sample --out data --rows 100000 --seed 42
fi
scripts/sparkscore inspect --model data/tiny.keras
scripts/sparkscore score --model data/tiny.keras --input data/sample.parquet --output target/demo-scored \
  --features f1,f2,f3,f4 --keep id --mode overwrite --master 'local[2]'
