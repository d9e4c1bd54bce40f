"""Compares sparkscore's two paths with Keras itself on the cases KerasReferenceDump wrote.

Usage: keras_reference_check.py DIR [TOLERANCE]. Loads each DIR/<case>/model.keras with Keras 3 (compile=False; no
code from the file is run), predicts the stored input rows (for a variable-length case, one row of its own length at
a time, as model.predict(x_row[None])) and prints, per case and path, the largest absolute
difference from Keras (or the path's refusal). Exits 1 when a path that ran differs by more than TOLERANCE (1e-4).
"""
import json
import os
import sys

import keras
import numpy as np


def each_row_alone(model, d, case):
    """A variable-length case: rows of case["lengths"] steps of shape case["in0"], each predicted alone."""
    step = case["in0"]
    per_step = int(np.prod(step)) if step else 1
    packed = np.fromfile(os.path.join(d, "in0.f32"), "<f4")
    outputs, start = [], 0
    for t in case["lengths"]:
        row = packed[start:start + t * per_step].reshape([1, t] + step)
        start += t * per_step
        outputs.append(np.asarray(model.predict(row, verbose=0), np.float64))
    return np.concatenate(outputs)


def main(root, tolerance):
    failed = 0
    for case in json.load(open(os.path.join(root, "manifest.json"))):
        d = os.path.join(root, case["name"])
        try:
            model = keras.models.load_model(os.path.join(d, "model.keras"), compile=False)
        except ValueError as e:
            print(f"{case['name']:28s} Keras cannot load the file: {e}")
            failed += 1
            continue
        if "lengths" in case:
            expected = each_row_alone(model, d, case)
        else:
            inputs = []
            while f"in{len(inputs)}" in case:
                i = len(inputs)
                inputs.append(np.fromfile(os.path.join(d, f"in{i}.f32"), "<f4").reshape([-1] + case[f"in{i}"]))
            expected = np.asarray(model.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0), np.float64)
        cells = []
        for path in ("jvm", "tf"):
            if f"out_{path}" not in case:
                cells.append(f"{path}: refused ({case.get('refused_' + path, '')[:70]})")
                continue
            out = np.fromfile(os.path.join(d, f"out_{path}.f32"), "<f4").astype(np.float64)
            out = out.reshape([-1] + case[f"out_{path}"])
            if out.shape != expected.shape:
                cells.append(f"{path}: shape {out.shape}, Keras {expected.shape}")
                failed += 1
                continue
            error = float(np.max(np.abs(out - expected))) if out.size else 0.0
            failed += error > tolerance
            cells.append(f"{path}: {error:.1e}")
        print(f"{case['name']:28s} " + "  ".join(cells))
    print(f"Keras {keras.__version__} ({keras.backend.backend()} backend): {failed} differences above {tolerance}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 1e-4))
