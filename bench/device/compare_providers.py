"""Compare training-step outputs of onnxruntime's CPU and CUDA providers.

Reads the cases that `npx tsx bench/training.ts --save-device-check` writes
under .cache/device-check/<case>/ (model.onnx, inputs.safetensors and the
onnxruntime-node CPU outputs in cpu_outputs.safetensors), runs each model
with the CPUExecutionProvider and, when available, the CUDAExecutionProvider,
and prints one JSON line per case and provider with the largest absolute and
relative difference to the onnxruntime-node outputs. Needs onnxruntime (or
onnxruntime-gpu) and numpy. Exit status 1 when a difference exceeds --rtol.
"""

import argparse
import json
import struct
import sys
from pathlib import Path

import numpy as np
import onnxruntime as ort

DTYPES = {"F32": np.float32, "F64": np.float64, "I64": np.int64}


def read_safetensors(path):
    """Return {name: array} from a safetensors file, without the safetensors package."""
    data = path.read_bytes()
    (header_length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + header_length])
    start = 8 + header_length
    arrays = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        array = np.frombuffer(data[start + begin : start + end], dtype=DTYPES[entry["dtype"]])
        arrays[name] = array.reshape(entry["shape"])
    return arrays


def compare(case_dir, provider):
    inputs = read_safetensors(case_dir / "inputs.safetensors")
    expected = read_safetensors(case_dir / "cpu_outputs.safetensors")
    session = ort.InferenceSession(str(case_dir / "model.onnx"), providers=[provider])
    names = [output.name for output in session.get_outputs()]
    actual = dict(zip(names, session.run(names, inputs)))

    worst_absolute, worst_relative, worst_name = 0.0, 0.0, ""
    for name in names:
        difference = np.abs(actual[name].astype(np.float64) - expected[name].astype(np.float64))
        scale = np.maximum(np.abs(expected[name].astype(np.float64)), 1e-3)
        relative = float((difference / scale).max()) if difference.size else 0.0
        if relative > worst_relative:
            worst_relative, worst_name = relative, name
        worst_absolute = max(worst_absolute, float(difference.max()) if difference.size else 0.0)
    metrics = {name: float(actual[name]) for name in names if name.startswith("metrics/")}
    return {
        "case": case_dir.name,
        "provider": session.get_providers()[0],
        "maxAbsoluteDifference": worst_absolute,
        "maxRelativeDifference": worst_relative,
        "worstOutput": worst_name,
        "metrics": metrics,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", default=".cache/device-check", help="folder holding one subfolder per case")
    parser.add_argument("--rtol", type=float, default=1e-2, help="largest relative difference accepted (after flooring |expected| at 1e-3)")
    arguments = parser.parse_args()

    providers = [p for p in ("CPUExecutionProvider", "CUDAExecutionProvider") if p in ort.get_available_providers()]
    failed = False
    for case_dir in sorted(Path(arguments.directory).iterdir()):
        if not (case_dir / "model.onnx").exists():
            continue
        for provider in providers:
            result = compare(case_dir, provider)
            result["withinTolerance"] = result["maxRelativeDifference"] <= arguments.rtol
            failed = failed or not result["withinTolerance"]
            print(json.dumps(result), flush=True)
    if "CUDAExecutionProvider" not in providers:
        print(json.dumps({"warning": "CUDAExecutionProvider is not available; only CPU was compared"}), flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
