#!/usr/bin/env bash
# Checks the -Pgpu build on a machine with an NVIDIA GPU: builds with the CUDA TensorFlow native library, then
# calibrates the tf path on the sample model twice on embedded local Spark — with the GPU assigned by
# Spark's resource scheduling, and with the GPU hidden — and prints both tables, the device placement TensorFlow
# logs, and nvidia-smi's view. Run it only where a GPU is present.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="${1:-target/gpu-check}"
mkdir -p "$out"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,memory.used --format=csv | tee "$out/nvidia-smi.txt"

mvn -q -B -Pgpu -DskipTests package
scripts/sparkscore sample --out "$out/data" --rows 200000 --seed 7 >/dev/null

# a discovery script for local mode: every GPU the driver JVM sees
cat > "$out/gpus.sh" <<'EOS'
#!/usr/bin/env bash
ids=$(nvidia-smi --query-gpu=index --format=csv,noheader | paste -sd, -)
echo "{\"name\": \"gpu\", \"addresses\": [\"${ids//,/\",\"}\"]}"
EOS
chmod +x "$out/gpus.sh"

common=(calibrate --model "$out/data/tiny.keras" --input "$out/data/sample.parquet" --features f1,f2,f3,f4
        --path tf --calibration-rows 65536 --master 'local[1]')
echo "== tf path with the GPU assigned by Spark"
SPARKSCORE_JAVA_OPTS="-Xmx8g -Dspark.driver.resource.gpu.amount=1 -Dspark.task.resource.gpu.amount=1
  -Dspark.driver.resource.gpu.discoveryScript=$out/gpus.sh" TF_CPP_MIN_LOG_LEVEL=0 \
  scripts/sparkscore "${common[@]}" 2>&1 | tee "$out/gpu.log" | grep -E "^  |Calibration|device|GPU" || true
echo "== tf path with the GPU hidden (CPU)"
CUDA_VISIBLE_DEVICES="" scripts/sparkscore "${common[@]}" 2>&1 | tee "$out/cpu.log" | grep -E "^  |Calibration" || true
