#!/usr/bin/env bash
# Checks both prediction paths against Keras itself on seeded models of the layers the jvm path runs with its own
# implementations (transposed and 3D convolutions, 3D pooling/padding/cropping/upsampling, the preprocessing and
# normalization layers, channels_first layers, Keras masks): KerasReferenceDump (test classes) writes each model with
# sparkscore's .keras writer plus input rows and both paths' outputs, then Keras 3 (JAX backend, in a virtual
# environment under target/) loads the files and predicts the same rows. Needs pip to reach keras, jax, jaxlib and
# h5py; not part of the test suite (CI has no Python Keras). KERAS_BACKEND=tensorflow checks against that backend
# instead (with tensorflow-cpu installed in the same environment).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="${1:-target/keras-reference}"
venv="target/keras-venv"
mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/keras-reference.classpath
rm -rf "$out" && mkdir -p "$out"
TF_OVERRIDE_GLOBAL_THREADPOOL=true java $(grep -v '^#' conf/jvm.options | tr '\n' ' ') \
  -cp "target/classes:target/test-classes:$(cat target/keras-reference.classpath)" \
  io.sparkscore.runtime.KerasReferenceDump "$out" 2>/dev/null
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q keras jax jaxlib h5py
fi
KERAS_BACKEND="${KERAS_BACKEND:-jax}" "$venv/bin/python" scripts/keras_reference_check.py "$out" 1e-4
