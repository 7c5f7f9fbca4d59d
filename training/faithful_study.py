"""Issue 13, step 1: cost against fidelity of integrations of the M-CellNN cell (x, w).

    flock /tmp/cellspice-cpu.lock python -m training.faithful_study --out docs/reproduction-study.json

Fidelity (float64): random M-CellNN layers in the switching regime (C = 16, templates scaled so
that memristors switch, on 14×14 and 28×28 arrays) and the M-CellNN fixture's 7 layers on their
golden inputs are integrated by every candidate and compared at T with a tight reference, RK4 ×
REF_STEPS, itself checked against RK4 × 2·REF_STEPS and (on a small case) scipy's Radau at rtol
1e-10. Cost (float32, 1 thread): ms per layer call, forward and forward + backward, batch 64.
Writes one JSON document (every number printed in docs/reproduction.md comes from it).
"""

from __future__ import annotations

import argparse
from dataclasses import replace
import json
import math
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import torch

from . import memristor as mem
from .cell_integration import integrate_mcellnn
from .cellular import SOLVERS, CellSettings, CellularLayer, correlate3x3, leaky_output
from .memristor import MemristorScales

REF_STEPS = 512
FIXTURES = Path(__file__).resolve().parent.parent / "test/fixtures/models"

# (label, method, steps, w_substeps); rk4-wclamp: RK4, then w clamped to [w_min, 1] after each step
CANDIDATES = [
    *[(f"rk4 x {n}", "rk4", n, 1) for n in (2, 4, 8, 16, 32, 64, 128)],
    *[(f"rk4-wclamp x {n}", "rk4-wclamp", n, 1) for n in (8, 32, 64, 128)],
    ("rk4-wlinear x 8, 2 w-substeps", "rk4-wlinear", 8, 2),
    ("rk4-wlinear x 32, 2 w-substeps", "rk4-wlinear", 32, 2),
    ("rk4-wbe x 8, 1 w-substep", "rk4-wbe", 8, 1),
]


def random_layer(c: int, seed: int, s_b: float = 2.0, s_a: float = 0.5) -> CellularLayer:
    """An M-CellNN layer C→C whose drive B⋆u + z has a standard deviation of about s_b for
    u ~ N(0, 1): |x| reaches ~3, so memristors switch on (x ≳ 1) and off (x ≲ −2)."""
    g = torch.Generator().manual_seed(seed)
    layer = CellularLayer(c, c, CellSettings(), MemristorScales()).double()
    with torch.no_grad():
        layer.B.copy_(torch.randn(c, c, 3, 3, generator=g, dtype=torch.float64) * s_b / math.sqrt(c * 9))
        layer.A.copy_(torch.randn(c, c, 3, 3, generator=g, dtype=torch.float64) * s_a / math.sqrt(c * 9))
        layer.z.copy_(torch.randn(c, generator=g, dtype=torch.float64) * 0.3)
    return layer


def solve(layer: CellularLayer, u: torch.Tensor, method: str, steps: int, substeps: int = 1):
    """(x(T), w(T)) of the layer's cell for input u by one candidate: the cellular layer's own
    code for the trainable methods (euler, rk4, rk4-wclamp), cell_integration for the split ones."""
    if method in SOLVERS:
        layer.cell = replace(layer.cell, solver=method, steps=steps)
        r = layer.run(u)
        return r.x_T, r.w_T
    drive = correlate3x3(u, layer.B, layer.z, layer.cell.boundary)
    x0, w0 = torch.zeros_like(drive), torch.full_like(drive, layer.memristor.w0)
    return integrate_mcellnn(
        x0, w0, layer.cell.t_end, steps, method, lambda x, w: layer.rhs_mcellnn(x, w, drive),
        lambda x, w: layer.drift_mcellnn(x, w, drive), layer.rate_slope, layer.kernels.w_min, substeps,
        layer.kernels.rate_cap,
    )


def radau_check(seed: int = 3) -> dict:
    """RK4 × REF_STEPS against scipy's Radau (rtol 1e-10) on a small switching case."""
    import numpy as np
    from scipy.integrate import solve_ivp

    layer = random_layer(2, seed, s_b=3.0)
    u = torch.randn(1, 2, 4, 4, generator=torch.Generator().manual_seed(seed + 1), dtype=torch.float64)
    drive = correlate3x3(u, layer.B, layer.z, "fixed")
    n = drive.numel()

    def f(_t, y):
        x = torch.from_numpy(y[:n]).view_as(drive)
        w = torch.from_numpy(y[n:]).view_as(drive)
        dx, dw = layer.rhs_mcellnn(x, w, drive)
        return np.concatenate([dx.reshape(-1).numpy(), dw.reshape(-1).numpy()])

    with torch.no_grad():
        y0 = np.concatenate([np.zeros(n), np.full(n, layer.memristor.w0)])
        r = solve_ivp(f, (0.0, 1.0), y0, method="Radau", rtol=1e-10, atol=1e-12)
        x_ref, w_ref = solve(layer, u, "rk4", REF_STEPS)
    x_r, w_r = torch.from_numpy(r.y[:n, -1]), torch.from_numpy(r.y[n:, -1])
    return {
        "case": "C=2, 4x4, batch 1, seed 3, drive scale 3", "radau_rtol": 1e-10, "radau_ok": bool(r.success),
        "max_dx": (x_ref.reshape(-1) - x_r).abs().max().item(), "max_dw": (w_ref.reshape(-1) - w_r).abs().max().item(),
        "w_range_ref": [w_r.min().item(), w_r.max().item()],
    }


def fidelity_case(name: str, pairs: list[tuple[CellularLayer, torch.Tensor]], check_ref: bool) -> dict:
    """Every candidate against RK4 × REF_STEPS on a list of (layer, input), max over all of them."""
    a = pairs[0][0].cell.alpha
    with torch.no_grad():
        refs = [solve(layer, u, "rk4", REF_STEPS) for layer, u in pairs]
        out: dict = {"case": name, "cells": sum(r[0].numel() for r in refs)}
        w_all = torch.cat([r[1].reshape(-1) for r in refs])
        out["ref"] = {"w_range": [w_all.min().item(), w_all.max().item()],
                      "frac_w_gt_0.2": (w_all > 0.2).double().mean().item(),
                      "frac_w_lt_0.05": (w_all < 0.05).double().mean().item()}
        if check_ref:
            dbl = [solve(layer, u, "rk4", 2 * REF_STEPS) for layer, u in pairs]
            out["ref"]["vs_rk4_x_2ref"] = {
                "max_dx": max((a[0] - b[0]).abs().max().item() for a, b in zip(refs, dbl)),
                "max_dw": max((a[1] - b[1]).abs().max().item() for a, b in zip(refs, dbl)),
            }
        rows = []
        for label, method, steps, sub in CANDIDATES:
            got = [solve(layer, u, method, steps, sub) for layer, u in pairs]
            w = torch.cat([g[1].reshape(-1) for g in got])
            dx = torch.cat([(g[0] - r[0]).reshape(-1) for g, r in zip(got, refs)]).abs()
            dw = torch.cat([(g[1] - r[1]).reshape(-1) for g, r in zip(got, refs)]).abs()
            dy = torch.cat([(leaky_output(g[0], a) - leaky_output(r[0], a)).reshape(-1) for g, r in zip(got, refs)]).abs()
            rows.append({
                "candidate": label,
                "max_dx": dx.max().item(), "max_dw": dw.max().item(), "max_dy": dy.max().item(),
                "rms_dx": dx.square().mean().sqrt().item(), "rms_dw": dw.square().mean().sqrt().item(),
                "frac_cells_off_1e-2": ((dx > 1e-2) | (dw > 1e-2)).double().mean().item(),
                "w_range": [w.min().item(), w.max().item()],
            })
            print(name, rows[-1], flush=True)
        out["candidates"] = rows
    return out


def fixture_pairs(name: str = "mcellnn-mnist") -> list[tuple[CellularLayer, torch.Tensor]]:
    """The fixture's 7 cellular layers (float64 copies of its weights) and their golden inputs."""
    from safetensors.torch import load_file

    d = FIXTURES / name
    manifest = json.loads((d / "manifest.json").read_text())
    tensors = load_file(str(d / "model.safetensors"))
    golden = load_file(str(d / "golden.safetensors"))
    memristor = MemristorScales() if manifest["architecture"]["backbone"] == "mcellnn" else None
    pairs = []
    for spec in manifest["cell_layers"]:
        layer = CellularLayer(spec["c_in"], spec["c_out"], CellSettings(), memristor).double()
        with torch.no_grad():
            for key in ("A", "B", "z"):
                getattr(layer, key).copy_(tensors[spec["templates"][key]].double())
        pairs.append((layer, golden[f"layers.{spec['name']}.input"].double()))
    return pairs


def cellnn_case() -> dict:
    """The CellNN fixture's layers (no memristor): RK4 × N against RK4 × REF_STEPS, x(T) and f(x(T))."""
    from .solvers import integrate

    rows = []
    with torch.no_grad():
        pairs = fixture_pairs("cellnn-mnist")

        def x_t(layer: CellularLayer, u: torch.Tensor, n: int) -> torch.Tensor:
            drive = correlate3x3(u, layer.B, layer.z, "fixed")
            return integrate(lambda y: (layer.rhs_cellnn(y[0], drive),), (torch.zeros_like(drive),), 1.0, n, "rk4")[0]

        refs = [x_t(layer, u, REF_STEPS) for layer, u in pairs]
        for n in (2, 4, 8):
            dx = torch.cat([(x_t(layer, u, n) - r).reshape(-1) for (layer, u), r in zip(pairs, refs)]).abs()
            rows.append({"candidate": f"rk4 x {n}", "max_dx": dx.max().item(), "rms_dx": dx.square().mean().sqrt().item()})
            print("cellnn", rows[-1], flush=True)
    return {"case": "cellnn-mnist fixture, 7 layers on golden inputs", "candidates": rows}


def cost_ms(method: str, steps: int, substeps: int, backward: bool, repeats: int, size: int = 14, batch: int = 64) -> float:
    """Median ms of one layer call (C = 16, size × size, float32), forward or forward + backward."""
    layer = random_layer(16, 5).float()
    u = torch.randn(batch, 16, size, size, generator=torch.Generator().manual_seed(6))
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        if backward:
            x, w = solve(layer, u, method, steps, substeps)
            (x.square().mean() + w.mean()).backward()
        else:
            with torch.no_grad():
                solve(layer, u, method, steps, substeps)
        times.append(1e3 * (time.perf_counter() - t))
    return sorted(times)[len(times) // 2]


def write_parity_fixture(path: Path, steps: int) -> None:
    """A small random M-CellNN layer in the switching regime (C_in 2 → C 3, 6×6, batch 1) and
    its x(T), w(T) by rk4-wclamp × steps in float64, as JSON (exact float64 round trip), for
    test/unet/trainedIntegration.test.ts."""
    layer = random_layer(3, 21, s_b=3.0)
    with torch.no_grad():
        layer.B = torch.nn.Parameter(layer.B[:, :2].clone())
        layer.c_in = 2
        u = torch.randn(1, 2, 6, 6, generator=torch.Generator().manual_seed(22), dtype=torch.float64)
        x, w = solve(layer, u, "rk4-wclamp", steps)
    flat = lambda t: t.reshape(-1).tolist()  # noqa: E731
    doc = {
        "generated_by": f"python -m training.faithful_study --fixture {path} --fixture-steps {steps}",
        "layer": {"name": "faithful", "c_in": 2, "c_out": 3, "height": 6, "width": 6,
                  "templates": {"A": "faithful.A", "B": "faithful.B", "z": "faithful.z"}, "cell": layer.describe()},
        "A": flat(layer.A), "B": flat(layer.B), "z": flat(layer.z), "u": flat(u),
        "x_T": flat(x), "w_T": flat(w),
        "w_range": [w.min().item(), w.max().item()], "x_abs_max": x.abs().max().item(),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=1) + "\n")


def markdown(study: dict, cost_doc: dict | None) -> str:
    """The study's tables for docs/reproduction.md."""
    out = []
    for case in study["fidelity"]:
        ref = case["ref"]
        out.append(f"**{case['case']}** ({case['cells']} cells; reference w(T) in "
                   f"{ref['w_range'][0]:.3f} … {ref['w_range'][1]:.3f}, {100 * ref['frac_w_gt_0.2']:.1f} % of cells "
                   f"w > 0.2, {100 * ref['frac_w_lt_0.05']:.1f} % w < 0.05"
                   + (f"; reference against rk4 × {2 * REF_STEPS}: max |Δx| {ref['vs_rk4_x_2ref']['max_dx']:.1e}, "
                      f"max |Δw| {ref['vs_rk4_x_2ref']['max_dw']:.1e}" if "vs_rk4_x_2ref" in ref else "") + ")\n")
        out.append("| candidate | max \\|x − x_ref\\| | max \\|w − w_ref\\| | max \\|f(x) − f(x_ref)\\| "
                   "| rms Δx | rms Δw | cells off > 1e-2 | w(T) range |")
        out.append("|---|---|---|---|---|---|---|---|")
        for r in case["candidates"]:
            out.append(f"| {r['candidate']} | {r['max_dx']:.2e} | {r['max_dw']:.2e} | {r['max_dy']:.1e} | {r['rms_dx']:.1e} "
                       f"| {r['rms_dw']:.1e} | {100 * r['frac_cells_off_1e-2']:.2f} % | {r['w_range'][0]:.3f} … {r['w_range'][1]:.3f} |")
        out.append("")
    if "cellnn" in study:
        out.append(f"**{study['cellnn']['case']}** (no memristor)\n")
        out.append("| candidate | max \\|x − x_ref\\| | rms Δx |")
        out.append("|---|---|---|")
        for r in study["cellnn"]["candidates"]:
            out.append(f"| {r['candidate']} | {r['max_dx']:.2e} | {r['rms_dx']:.1e} |")
        out.append("")
    if cost_doc and "cost" in cost_doc:
        out.append(f"**Cost**: {cost_doc['cost']['layer']}\n")
        out.append("| candidate | forward ms | forward + backward ms |")
        out.append("|---|---|---|")
        for r in cost_doc["cost"]["rows"]:
            out.append(f"| {r['candidate']} | {r['forward_ms']:.0f} | {r['forward_backward_ms']:.0f} |")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m training.faithful_study", description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path)
    ap.add_argument("--fixture", type=Path, help="write the TypeScript parity fixture here instead of the study")
    ap.add_argument("--fixture-steps", type=int, default=128)
    ap.add_argument("--table", nargs="+", type=Path, metavar="JSON",
                    help="print the markdown tables of a study JSON (and a cost JSON) instead of running")
    ap.add_argument("--batch14", type=int, default=16, help="batch of the random 14×14 case")
    ap.add_argument("--batch28", type=int, default=16, help="batch of the random 28×28 case")
    ap.add_argument("--cost-steps", default="2,8,32", help="RK4 step counts whose cost is measured")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--part", choices=("fidelity", "cost", "all"), default="all",
                    help="fidelity or cost only (the cost part under the CPU lock); merged into --out")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    if args.fixture:
        return write_parity_fixture(args.fixture, args.fixture_steps)
    if args.table:
        docs = [json.loads(p.read_text()) for p in args.table]
        return print(markdown(docs[0], docs[1] if len(docs) > 1 else None), end="")
    if args.out is None:
        ap.error("--out is required for the study")
    t0 = time.time()
    doc: dict = json.loads(args.out.read_text()) if args.out.exists() else {}
    doc.setdefault("runs", []).append({
        "command": "python -m training.faithful_study " + " ".join(argv if argv is not None else sys.argv[1:]),
        "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip(),
        "machine": f"{platform.machine()} {platform.processor() or ''} torch {torch.__version__}, 1 thread",
        "load_avg_start": list(os.getloadavg()),
    })
    if args.part != "cost":
        fidelity(doc, args)
    if args.part != "fidelity":
        cost(doc, args)
    doc["runs"][-1]["load_avg_end"] = list(os.getloadavg())
    doc["runs"][-1]["wall_s"] = time.time() - t0
    args.out.write_text(json.dumps(doc, indent=1) + "\n")


def fidelity(doc: dict, args: argparse.Namespace) -> None:
    doc["reference"] = f"rk4 x {REF_STEPS}, float64"
    doc["radau"] = radau_check()
    print(doc["radau"], flush=True)
    g = torch.Generator().manual_seed(2)
    doc["fidelity"] = [
        fidelity_case(f"random C=16 14x14 batch {args.batch14}",
                      [(random_layer(16, 1), torch.randn(args.batch14, 16, 14, 14, generator=g, dtype=torch.float64))], True),
        fidelity_case(f"random C=16 28x28 batch {args.batch28}",
                      [(random_layer(16, 2), torch.randn(args.batch28, 16, 28, 28, generator=g, dtype=torch.float64))], False),
        fidelity_case("mcellnn-mnist fixture, 7 layers on golden inputs", fixture_pairs(), True),
    ]
    doc["cellnn"] = cellnn_case()


def cost(doc: dict, args: argparse.Namespace) -> None:
    """ms per layer call; rk4-wclamp x 128's backward with step checkpointing (its graph would
    otherwise keep ~10 GB at this size)."""
    from . import cellular

    rows = []
    plan = [(f"rk4 x {n}", "rk4", n, 1, False) for n in [int(s) for s in args.cost_steps.split(",")]]
    plan += [("rk4-wclamp x 128 (backward: step checkpointing)", "rk4-wclamp", 128, 1, True),
             ("rk4-wlinear x 8, 2 w-substeps", "rk4-wlinear", 8, 2, False),
             ("rk4-wbe x 8, 1 w-substep", "rk4-wbe", 8, 1, False)]
    for label, method, n, sub, ckpt in plan:
        row = {"candidate": label, "forward_ms": cost_ms(method, n, sub, False, args.repeats)}
        cellular.enable_step_checkpointing(ckpt)
        row["forward_backward_ms"] = cost_ms(method, n, sub, True, args.repeats)
        cellular.enable_step_checkpointing(False)
        rows.append(row)
        print(row, flush=True)
    doc["cost"] = {"layer": "M-CellNN C=16 -> 16, 14x14, batch 64, float32, 1 thread, median of "
                   f"{args.repeats}", "rows": rows}


if __name__ == "__main__":
    main()
