"""PyTorch's side of bench/kernel.ts: torch.nn.functional.conv2d on the kernel bench's shapes.

    python3 bench/kernel_torch.py --shapes 16x28x1,32x14x16 --threads 1 --min-s 0.3

For every shape CxSxB (C_out = C_in = C, S×S planes, batch B; 3×3 weights, padding 1) and for
float32 and float64, prints one JSON object per line: the best time of one conv2d call over
repeats filling at least --min-s seconds (after one warm-up), and its GFLOP/s counting one
multiply and one add per tap (2·9·C²·S²·B FLOP), as bench/kernel.ts counts cellspice's kernels.
"""

from __future__ import annotations

import argparse
import json
import time

import torch
import torch.nn.functional as F  # noqa: N812


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shapes", required=True)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--min-s", type=float, default=0.3)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    gen = torch.Generator().manual_seed(0)
    for shape in args.shapes.split(","):
        c, s, b = (int(v) for v in shape.split("x"))
        for dtype in (torch.float32, torch.float64):
            x = torch.rand(b, c, s, s, generator=gen, dtype=dtype) * 2 - 1
            w = torch.rand(c, c, 3, 3, generator=gen, dtype=dtype) * 2 - 1
            with torch.no_grad():
                F.conv2d(x, w, padding=1)
                times: list[float] = []
                start = time.perf_counter()
                while len(times) < 3 or time.perf_counter() - start < args.min_s:
                    t = time.perf_counter()
                    F.conv2d(x, w, padding=1)
                    times.append(time.perf_counter() - t)
            best = min(times)
            flop = 2 * 9 * c * c * s * s * b
            print(
                json.dumps(
                    {
                        "channels": c,
                        "size": s,
                        "batch": b,
                        "dtype": str(dtype).removeprefix("torch."),
                        "threads": args.threads,
                        "bestMs": best * 1e3,
                        "repeats": len(times),
                        "gflops": flop / best / 1e9,
                        "torch": torch.__version__,
                    }
                ),
                flush=True,
            )


if __name__ == "__main__":
    main()
