"""Cost of one training step (forward + backward + Adam) of a backbone at a preset, on real MNIST
batches, for the training plan (docs/reproduction.md, scripts/train-fixtures.sh).

    flock /tmp/cellspice-cpu.lock python -m training.step_cost --backbone mcellnn --preset faithful \
        --steps 3 [--cell-steps N] [--grad-checkpoint] [--compile] --out bench/results/training-step.jsonl

Appends one JSON row (machine, commit, command, load average, s per step of every timed step,
median) to --out. The first step (allocation, compile) is run but not timed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import time
from pathlib import Path

import torch

from . import cellular, memristor
from .data import load_mnist
from .diffusion import ddpm_loss, ddpm_schedule
from .presets import PRESETS, make_config
from .unet import BACKBONES, ContextUnet


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m training.step_cost", description=__doc__.split("\n")[0])
    ap.add_argument("--backbone", choices=BACKBONES, required=True)
    ap.add_argument("--preset", choices=sorted(PRESETS), default="faithful")
    ap.add_argument("--steps", type=int, default=20, help="timed steps (after one untimed)")
    ap.add_argument("--cell-steps", type=int)
    ap.add_argument("--cell-solver")
    ap.add_argument("--grad-checkpoint", action="store_true")
    ap.add_argument("--compile", action="store_true")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--data", default=None)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    if args.compile:
        memristor.enable_compile()
    cellular.enable_step_checkpointing(args.grad_checkpoint)
    cfg = make_config(args.preset, args.backbone, steps=args.cell_steps, solver=args.cell_solver)
    torch.manual_seed(cfg.seed)
    x_all, y_all = load_mnist("train", args.data)
    model = ContextUnet(cfg.unet()).train()
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    sched = ddpm_schedule()
    gen = torch.Generator().manual_seed(1)
    load0 = list(os.getloadavg())
    times: list[float] = []
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # e.g. `timeout`: still write the row
    try:
        run_steps(args.steps, model, opt, sched, gen, cfg.batch, x_all, y_all, times)
    finally:
        write_row(args, argv, cfg, times, load0)


def run_steps(n, model, opt, sched, gen, batch, x_all, y_all, times: list[float]) -> None:
    """One untimed step, then n timed ones (their seconds appended to `times` as they finish)."""
    for k in range(n + 1):
        idx = torch.randint(0, len(x_all), (batch,), generator=gen)
        t = time.perf_counter()
        loss = ddpm_loss(model, x_all[idx], y_all[idx], sched, generator=gen)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if k:
            times.append(time.perf_counter() - t)
        print(f"step {k}: {time.perf_counter() - t:.2f} s", file=sys.stderr, flush=True)


def write_row(args, argv, cfg, times: list[float], load0: list[float]) -> None:
    """Append the row; `complete` is false when the run was stopped before all its steps."""
    row = {
        "bench": "training-step",
        "backbone": args.backbone, "preset": args.preset, "n_feat": cfg.n_feat, "batch": cfg.batch,
        "cell_solver": cfg.solver, "cell_steps": cfg.steps, "grad_checkpoint": args.grad_checkpoint,
        "compile": args.compile, "threads": args.threads,
        "s_per_step": times, "median_s": sorted(times)[len(times) // 2] if times else None,
        "complete": len(times) == args.steps,
        "machine": f"{platform.machine()} {os.cpu_count()} cores, torch {torch.__version__}",
        "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip(),
        "command": "python -m training.step_cost " + " ".join(argv if argv is not None else sys.argv[1:]),
        "load_avg": [load0, list(os.getloadavg())],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("a") as f:
        f.write(json.dumps(row) + "\n")
    print(json.dumps(row))


if __name__ == "__main__":
    main()
