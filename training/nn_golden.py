"""Golden values of the digital tensor operations (src/nn of the TypeScript toolkit), in float64.

    python -m training.nn_golden test/fixtures/nn/ops.safetensors

For each case of CASES: seeded random inputs and weights and PyTorch's float64 output, stored F64
as ``<case>.<role>`` (roles: x, a, b, weight, bias, running_mean, running_var, w0, b0, w2, b2 in;
y out). The metadata ``cases`` (JSON) lists every case with its op and options, so the TypeScript
test reads what to call from the file. The erf/GELU case ``special`` holds points over the whole
real line with mpmath's correctly rounded erf, erfc and x·Φ(x), and torch's erf and GELU.
training/tests/test_nn_golden.py regenerates the file and checks it equals the committed one.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import mpmath
import torch
import torch.nn.functional as F
from safetensors.torch import save_file

from .unet import EmbedFC

SEED = 20261201
D = torch.float64

# (name, op, options): shapes are (n, c, h, w); every tensor is drawn from its own seeded stream.
CASES: list[tuple[str, str, dict]] = [
    ("conv3_fixture", "conv2d", {"n": 1, "cIn": 16, "cOut": 16, "h": 7, "w": 7, "k": 3, "padding": 1}),
    ("conv3_32to4", "conv2d", {"n": 1, "cIn": 32, "cOut": 4, "h": 5, "w": 5, "k": 3, "padding": 1}),
    ("conv3_13x13", "conv2d", {"n": 2, "cIn": 2, "cOut": 3, "h": 13, "w": 13, "k": 3, "padding": 1}),
    ("conv3_pad0", "conv2d", {"n": 3, "cIn": 4, "cOut": 6, "h": 5, "w": 7, "k": 3, "padding": 0}),
    ("conv3_pad2", "conv2d", {"n": 1, "cIn": 3, "cOut": 2, "h": 5, "w": 7, "k": 3, "padding": 2}),
    ("conv1_mix", "conv2d", {"n": 3, "cIn": 8, "cOut": 5, "h": 5, "w": 7, "k": 1, "padding": 0}),
    ("conv1_nobias", "conv2d", {"n": 1, "cIn": 4, "cOut": 3, "h": 13, "w": 13, "k": 1, "padding": 0, "bias": False}),
    ("conv2_even", "conv2d", {"n": 1, "cIn": 3, "cOut": 4, "h": 6, "w": 5, "k": 2, "padding": 1}),
    ("conv5_lenet1", "conv2d", {"n": 1, "cIn": 1, "cOut": 3, "h": 28, "w": 28, "k": 5, "padding": 2}),
    ("conv5_lenet2", "conv2d", {"n": 1, "cIn": 6, "cOut": 8, "h": 14, "w": 14, "k": 5, "padding": 0}),
    ("conv5_pad1", "conv2d", {"n": 1, "cIn": 2, "cOut": 3, "h": 5, "w": 7, "k": 5, "padding": 1}),
    ("convT2", "convTranspose2d", {"n": 2, "cIn": 8, "cOut": 4, "h": 5, "w": 7, "k": 2}),
    ("convT7_up0", "convTranspose2d", {"n": 2, "cIn": 4, "cOut": 8, "h": 1, "w": 1, "k": 7}),
    ("convT3_nobias", "convTranspose2d", {"n": 1, "cIn": 3, "cOut": 2, "h": 2, "w": 3, "k": 3, "bias": False}),
    ("bn16", "batchNorm2dEval", {"n": 1, "c": 16, "h": 5, "w": 7}),
    ("bn6_eps", "batchNorm2dEval", {"n": 1, "c": 6, "h": 13, "w": 13, "eps": 1e-3}),
    ("gn8_16", "groupNorm", {"n": 1, "c": 16, "h": 5, "w": 7, "groups": 8}),
    ("gn8_32", "groupNorm", {"n": 1, "c": 32, "h": 5, "w": 5, "groups": 8}),
    ("gn4_12_noaffine", "groupNorm", {"n": 2, "c": 12, "h": 5, "w": 7, "groups": 4, "affine": False}),
    ("relu", "relu", {"n": 2, "c": 3, "h": 5, "w": 7}),
    ("gelu_tensor", "gelu", {"n": 1, "c": 4, "h": 5, "w": 7}),
    ("maxpool_5x7", "maxPool2d", {"n": 3, "c": 4, "h": 5, "w": 7, "k": 2}),
    ("maxpool_13", "maxPool2d", {"n": 1, "c": 2, "h": 13, "w": 13, "k": 2}),
    ("maxpool_lenet1", "maxPool2d", {"n": 1, "c": 2, "h": 28, "w": 28, "k": 2}),
    ("maxpool_lenet2", "maxPool2d", {"n": 1, "c": 4, "h": 10, "w": 10, "k": 2}),
    ("maxpool_k3", "maxPool2d", {"n": 1, "c": 2, "h": 7, "w": 8, "k": 3}),
    ("avgpool7_to_vec", "avgPool2d", {"n": 2, "c": 16, "h": 7, "w": 7, "k": 7}),
    ("avgpool4_8x9", "avgPool2d", {"n": 1, "c": 3, "h": 8, "w": 9, "k": 4}),
    ("avgpool2_5x7", "avgPool2d", {"n": 2, "c": 2, "h": 5, "w": 7, "k": 2}),
    ("linear", "linear", {"n": 3, "in": 10, "out": 32}),
    ("linear_lenet_fc3", "linear", {"n": 2, "in": 84, "out": 10}),
    ("linear_nobias", "linear", {"n": 1, "in": 30, "out": 7, "bias": False}),
    ("concat", "concatChannels", {"n": 2, "cA": 6, "cB": 3, "h": 7, "w": 7}),
    ("embed_time", "embedFC", {"n": 3, "d": 1, "e": 32}),
    ("embed_class", "embedFC", {"n": 3, "d": 10, "e": 16}),
]


def special_points() -> torch.Tensor:
    """Arguments for erf/GELU: a dense grid, both sides of the switches of src/nn/erf.ts (the
    Taylor centres k/16, the continued fraction from 6 on), tails out to where erfc underflows,
    tiny values and exact zero."""
    grid = torch.linspace(-8, 8, 401, dtype=D)
    tails = torch.logspace(-0.3, 1.45, 120, dtype=D)  # 0.5 … 28
    edges = torch.tensor([1 / 16, 0.5, 1.0, 2.25, 6.0], dtype=D)
    switch = torch.cat((edges - 2**-40, edges, edges + 2**-40, torch.tensor([1 / 32, 6 - 1 / 32], dtype=D)))
    tiny = torch.tensor([0.0, 1e-300, 1e-20, 1e-8, 1e-3], dtype=D)
    pos = torch.cat((tails, switch, tiny[1:]))
    return torch.cat((grid, pos, -pos, tiny[:1]))


def _mp(fn, x: torch.Tensor) -> torch.Tensor:
    """fn evaluated by mpmath at 50 digits, rounded once to float64."""
    with mpmath.workdps(50):
        return torch.tensor([float(fn(mpmath.mpf(float(v)))) for v in x], dtype=D)


def _randn(g: torch.Generator, *shape: int, scale: float = 1.0) -> torch.Tensor:
    return torch.randn(*shape, generator=g, dtype=D) * scale


def case_tensors(index: int, name: str, op: str, o: dict) -> dict[str, torch.Tensor]:
    """The inputs and PyTorch's output of one case."""
    g = torch.Generator().manual_seed(SEED + index)
    t: dict[str, torch.Tensor] = {}
    bias = o.get("bias", True)
    if op in ("conv2d", "convTranspose2d"):
        x = _randn(g, o["n"], o["cIn"], o["h"], o["w"])
        k = o["k"]
        fan_in = o["cIn"] * k * k
        shape = (o["cOut"], o["cIn"], k, k) if op == "conv2d" else (o["cIn"], o["cOut"], k, k)
        w = _randn(g, *shape, scale=fan_in**-0.5)
        b = _randn(g, o["cOut"], scale=0.1) if bias else None
        y = F.conv2d(x, w, b, padding=o["padding"]) if op == "conv2d" else F.conv_transpose2d(x, w, b, stride=k)
        t |= {"x": x, "weight": w} | ({"bias": b} if bias else {})
    elif op == "batchNorm2dEval":
        x = _randn(g, o["n"], o["c"], o["h"], o["w"], scale=2.0) + 0.5
        p = {
            "weight": _randn(g, o["c"]),
            "bias": _randn(g, o["c"]),
            "running_mean": _randn(g, o["c"]),
            "running_var": torch.rand(o["c"], generator=g, dtype=D) + 0.25,
        }
        y = F.batch_norm(x, p["running_mean"], p["running_var"], p["weight"], p["bias"], False, 0.0, o.get("eps", 1e-5))
        t |= {"x": x} | p
    elif op == "groupNorm":
        x = _randn(g, o["n"], o["c"], o["h"], o["w"], scale=3.0) + 1.5
        affine = o.get("affine", True)
        p = {"weight": _randn(g, o["c"]), "bias": _randn(g, o["c"])} if affine else {}
        y = F.group_norm(x, o["groups"], p.get("weight"), p.get("bias"), 1e-5)
        t |= {"x": x} | p
    elif op in ("relu", "gelu", "maxPool2d", "avgPool2d"):
        x = _randn(g, o["n"], o["c"], o["h"], o["w"], scale=2.0)
        if op == "relu":
            x.view(-1)[::7] = 0.0
        fn = {
            "relu": F.relu,
            "gelu": F.gelu,
            "maxPool2d": lambda v: F.max_pool2d(v, o["k"]),
            "avgPool2d": lambda v: F.avg_pool2d(v, o["k"]),
        }[op]
        y = fn(x)
        t |= {"x": x}
    elif op == "linear":
        x = _randn(g, o["n"], o["in"])
        w = _randn(g, o["out"], o["in"], scale=o["in"] ** -0.5)
        b = _randn(g, o["out"], scale=0.1) if bias else None
        y = F.linear(x, w, b)
        t |= {"x": x, "weight": w} | ({"bias": b} if bias else {})
    elif op == "concatChannels":
        a = _randn(g, o["n"], o["cA"], o["h"], o["w"])
        b = _randn(g, o["n"], o["cB"], o["h"], o["w"])
        y = torch.cat((a, b), 1)
        t |= {"a": a, "b": b}
    elif op == "embedFC":
        torch.manual_seed(SEED + index)
        m = EmbedFC(o["d"], o["e"]).to(D)
        x = _randn(g, o["n"], o["d"], scale=2.0)
        y = m(x)
        sd = m.state_dict()
        t |= {"x": x, "w0": sd["net.0.weight"], "b0": sd["net.0.bias"], "w2": sd["net.2.weight"], "b2": sd["net.2.bias"]}
    else:
        raise ValueError(f"unknown op {op!r} in case {name}")
    t["y"] = y
    return {f"{name}.{role}": v.detach().contiguous() for role, v in t.items()}


def special_tensors() -> dict[str, torch.Tensor]:
    x = special_points()
    return {
        "special.x": x,
        "special.erf_mp": _mp(mpmath.erf, x),
        "special.erfc_mp": _mp(mpmath.erfc, x),
        "special.gelu_mp": _mp(lambda v: v * mpmath.ncdf(v), x),
        "special.erf_torch": torch.special.erf(x),
        "special.gelu_torch": F.gelu(x),
    }


@torch.no_grad()
def build() -> tuple[dict[str, torch.Tensor], dict[str, str]]:
    """All tensors and the metadata, computed on one thread (a fixed reduction order)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        tensors: dict[str, torch.Tensor] = {}
        for i, (name, op, options) in enumerate(CASES):
            tensors |= case_tensors(i, name, op, options)
        tensors |= special_tensors()
    finally:
        torch.set_num_threads(threads)
    cases = [{"name": n, "op": op, "options": o} for n, op, o in CASES]
    metadata = {"format": "cellspice-nn-golden", "format_version": "1", "cases": json.dumps(cases)}
    return tensors, metadata


def write(path: str | os.PathLike) -> Path:
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tensors, metadata = build()
    tmp = out.with_name(out.name + ".tmp")
    save_file(tensors, str(tmp), metadata=metadata)
    os.replace(tmp, out)
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", help="the safetensors file to write (test/fixtures/nn/ops.safetensors)")
    out = write(ap.parse_args(argv).out)
    print(f"{out}: {out.stat().st_size} bytes, {len(CASES)} cases + special")


if __name__ == "__main__":
    main()
