"""Builds the sparkscore command line of a scheduled job from its JSON config (no Airflow import, so it can be
checked on its own: ``python3 sparkscore_args.py sparkscore_daily.json`` prints the arguments as a JSON list).

The input and output paths get the config's ``partition`` appended (``dt={{ ds }}``); Airflow renders the template
when the task runs, so one run scores exactly its own day's partition and rewrites exactly its own output.
"""
import json
import os
import sys

# Options of `sparkscore score` taken from the "score" section; lists are passed comma-separated.
_OPTIONS = [
    ("model", "--model"),
    ("input_format", "--input-format"),
    ("features", "--features"),
    ("features_array", "--features-array"),
    ("keep", "--keep"),
    ("prediction_column", "--prediction-column"),
    ("batch_size", "--batch-size"),
    ("path", "--path"),
    ("calibration", "--calibration"),
    ("calibration_rows", "--calibration-rows"),
    ("calibration_budget_ms", "--calibration-budget-ms"),
    ("plan_store", "--plan-store"),
    ("mode", "--mode"),
]
_FLAGS = [("allow_nan", "--allow-nan")]


def load_config(path=None):
    """The job config next to this file (or at ``path``)."""
    path = path or os.path.join(os.path.dirname(os.path.abspath(__file__)), "sparkscore_daily.json")
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def partitioned(base, partition):
    return base.rstrip("/") + "/" + partition if partition else base


def build_application_args(score):
    """``score`` section of the config -> ``sparkscore score ...`` arguments (may hold Airflow templates)."""
    unknown = set(score) - {k for k, _ in _OPTIONS} - {k for k, _ in _FLAGS} - {"input", "output", "partition"}
    if unknown:
        raise ValueError("unknown keys in the score config: %s" % ", ".join(sorted(unknown)))
    for required in ("model", "input", "output"):
        if required not in score:
            raise ValueError("the score config needs '%s'" % required)
    partition = score.get("partition")
    args = ["score",
            "--input", partitioned(score["input"], partition),
            "--output", partitioned(score["output"], partition)]
    for key, option in _OPTIONS:
        value = score.get(key)
        if value is None:
            continue
        args += [option, ",".join(str(v) for v in value) if isinstance(value, list) else str(value)]
    for key, flag in _FLAGS:
        if score.get(key):
            args.append(flag)
    return args


if __name__ == "__main__":
    config = load_config(sys.argv[1] if len(sys.argv) > 1 else None)
    json.dump(build_application_args(config["score"]), sys.stdout)
