"""PyTorch's side of bench/nn-ops.ts: one forward of training/'s model on an export, timed whole
and per op (torch.profiler's self CPU time by operator), float32 as trained, torch.no_grad.

    python3 bench/nn_ops_torch.py MODEL_DIR --batch 16 --repeats 3 [--threads 1]

The input is the one bench/nn-ops.ts builds: the golden trajectory's x_T sample k mod 4, class
k mod 10, t = 0.5, nothing dropped. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import torch
from safetensors.torch import load_file

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from training.export import model_from_export  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    model = model_from_export(args.model)
    golden = load_file(str(Path(args.model) / "golden.safetensors"))
    x_start = golden["ddim.x_T"].float()
    idx = torch.arange(args.batch)
    x = x_start[idx % 4]
    n_classes = model.cfg.n_classes
    c = idx % n_classes
    t = torch.full((args.batch,), 0.5)
    drop = torch.zeros(args.batch)
    with torch.no_grad():
        model(x, c, t, drop)  # warm-up
        times = []
        cpu0 = time.process_time()
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            model(x, c, t, drop)
            times.append(time.perf_counter() - t0)
        cpu_ms = 1000 * (time.process_time() - cpu0) / args.repeats
        with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
            for _ in range(args.repeats):
                model(x, c, t, drop)
    events = [e for e in prof.key_averages() if e.self_cpu_time_total > 0]
    total = sum(e.self_cpu_time_total for e in events)
    ops = sorted(
        (
            {
                "name": e.key,
                "msPerImage": e.self_cpu_time_total / 1000 / args.repeats / args.batch,
                "share": e.self_cpu_time_total / total,
            }
            for e in events
        ),
        key=lambda r: -r["share"],
    )
    json.dump(
        {
            "torch": torch.__version__,
            "threads": torch.get_num_threads(),
            "batch": args.batch,
            "msPerForward": 1000 * statistics.median(times),
            "msPerForwardMin": 1000 * min(times),
            "cpuMsPerForward": cpu_ms,
            "repeats": args.repeats,
            "ops": ops,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
