"""PyTorch's side of bench/sample.ts: the same export, timed on the CPU in training/'s model.

    python3 bench/sample_torch.py MODEL_DIR --threads 1 --batch 64 --steps 25 --w 2 --n 20

Prints one JSON object: the median wall time of one guided network pass over `batch` samples
(2·batch images, as guided_eps batches them) → ms per image-forward, and images per second of a
whole DDIM run of `n` samples in batches of `batch` (float32, as trained; torch.no_grad).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from training.diffusion import ddpm_schedule, guided_eps  # noqa: E402
from training.export import model_from_export  # noqa: E402
from training.samplers import ddim_song2021  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--steps", type=int, default=25)
    ap.add_argument("--w", type=float, default=2.0)
    ap.add_argument("--n", type=int, default=20)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    model = model_from_export(args.model)
    manifest = json.loads((Path(args.model) / "manifest.json").read_text())
    d = manifest["diffusion"]
    sched = ddpm_schedule(d["n_T"], *d["betas"])
    arch = manifest["architecture"]
    shape = (arch["in_channels"], arch["image_size"], arch["image_size"])
    g = torch.Generator().manual_seed(0)
    with torch.no_grad():
        x = torch.randn(args.batch, *shape, generator=g)
        c = torch.arange(args.batch) % arch["n_classes"]
        eps = guided_eps(model, c, args.w, sched.n_T)
        eps(x, 200)  # warm-up
        times = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            eps(x, 200)
            times.append(time.perf_counter() - t0)
        per_pass = statistics.median(times)
        images_per_pass = args.batch * (2 if args.w != 0 else 1)
        t0 = time.perf_counter()
        done = 0
        while done < args.n:
            k = min(args.batch, args.n - done)
            cc = torch.arange(done, done + k) % arch["n_classes"]
            ddim_song2021(guided_eps(model, cc, args.w, sched.n_T), sched, torch.randn(k, *shape, generator=g), steps=args.steps)
            done += k
        sample_s = time.perf_counter() - t0 if args.n > 0 else None
    json.dump(
        {
            "torch": torch.__version__,
            "threads": torch.get_num_threads(),
            "batch": args.batch,
            "msPerImageForward": 1000 * per_pass / images_per_pass,
            "passMsMedian": 1000 * per_pass,
            "passMsMin": 1000 * min(times),
            "repeats": args.repeats,
            "sampleS": sample_s,
            "imagesPerS": args.n / sample_s if sample_s else None,
            "n": args.n,
            "steps": args.steps,
            "w": args.w,
        },
        sys.stdout,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
