"""The export manifest (manifest.json, docs/export-format.md): building it and validating it.

``validate_manifest`` checks the structure, the values, and (given the tensors) that every
listed tensor exists with the listed dtype and shape; it raises ManifestError with every
problem found, not only the first.
"""

from __future__ import annotations

from typing import Any, Mapping

import torch

FORMAT = "cellspice-unet"
FORMAT_VERSION = 1
DTYPES = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64", torch.int32: "I32"}
SOLVERS = ("euler", "rk4", "rk4-wclamp")
BOUNDARIES = ("fixed", "zero-flux", "periodic")
MEMRISTOR_PARAMS = ("G_m", "a", "b", "A_off", "sigma_off", "x_off", "beta", "B_on", "sigma_on", "x_on", "sigma_p")
MEMRISTOR_KERNELS = ("rho", "k_theta", "eps", "w_min", "rate_cap")


class ManifestError(ValueError):
    """An invalid manifest; ``problems`` lists every check that failed."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid manifest:\n  " + "\n  ".join(problems))
        self.problems = problems


def tensor_entries(tensors: Mapping[str, torch.Tensor]) -> list[dict]:
    return [{"name": k, "dtype": DTYPES[v.dtype], "shape": list(v.shape)} for k, v in tensors.items()]


def _is_num(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def validate_manifest(
    m: Mapping[str, Any],
    tensors: Mapping[str, torch.Tensor] | None = None,
    golden: Mapping[str, torch.Tensor] | None = None,
) -> None:
    p: list[str] = []

    def need(obj: Any, key: str, where: str, kind: type | tuple = object) -> Any:
        if not isinstance(obj, Mapping) or key not in obj:
            p.append(f"{where}: missing '{key}'")
            return None
        if not isinstance(obj[key], kind):
            p.append(f"{where}.{key}: expected {kind}, got {type(obj[key]).__name__}")
            return None
        return obj[key]

    if m.get("format") != FORMAT:
        p.append(f"format: expected '{FORMAT}', got {m.get('format')!r}")
    if m.get("format_version") != FORMAT_VERSION:
        p.append(f"format_version: expected {FORMAT_VERSION}, got {m.get('format_version')!r}")
    arch = need(m, "architecture", "manifest", dict) or {}
    backbone = need(arch, "backbone", "architecture", str)
    if backbone is not None and backbone not in ("conv", "cellnn", "mcellnn"):
        p.append(f"architecture.backbone: unknown {backbone!r}")
    for key in ("n_feat", "in_channels", "image_size", "n_classes"):
        v = need(arch, key, "architecture", int)
        if v is not None and v <= 0:
            p.append(f"architecture.{key}: must be positive")
    diff = need(m, "diffusion", "manifest", dict) or {}
    n_T = need(diff, "n_T", "diffusion", int)
    betas = need(diff, "betas", "diffusion", list)
    if betas is not None and not (len(betas) == 2 and all(_is_num(b) for b in betas) and 0 < betas[0] < betas[1] < 1):
        p.append("diffusion.betas: expected [beta1, beta2] with 0 < beta1 < beta2 < 1")
    if n_T is not None and n_T <= 0:
        p.append("diffusion.n_T: must be positive")
    need(m, "tensors_file", "manifest", str)
    entries = need(m, "tensors", "manifest", list) or []
    names = set()
    for i, e in enumerate(entries):
        name = need(e, "name", f"tensors[{i}]", str)
        dtype = need(e, "dtype", f"tensors[{i}]", str)
        shape = need(e, "shape", f"tensors[{i}]", list)
        if name in names:
            p.append(f"tensors[{i}]: duplicate name {name!r}")
        names.add(name)
        if dtype is not None and dtype not in DTYPES.values():
            p.append(f"tensors[{i}] ({name}): unknown dtype {dtype!r}")
        if shape is not None and not all(isinstance(d, int) and d >= 0 for d in shape):
            p.append(f"tensors[{i}] ({name}): shape must be non-negative integers")
        if tensors is not None and name is not None:
            t = tensors.get(name)
            if t is None:
                p.append(f"tensors[{i}]: {name!r} is not in the tensors file")
            elif DTYPES.get(t.dtype) != dtype or list(t.shape) != shape:
                p.append(f"tensors[{i}] ({name}): file has {DTYPES.get(t.dtype)} {list(t.shape)}, manifest {dtype} {shape}")
    if tensors is not None:
        extra = sorted(set(tensors) - names)
        if extra:
            p.append(f"tensors file has tensors the manifest does not list: {extra}")
    shapes = {e.get("name"): e.get("shape") for e in entries if isinstance(e, Mapping)}
    layers = need(m, "cell_layers", "manifest", list) or []
    if backbone in ("cellnn", "mcellnn") and len(layers) != 7:
        p.append(f"cell_layers: expected 7 cellular layers, got {len(layers)}")
    if backbone == "conv" and layers:
        p.append("cell_layers: the conv backbone has no cellular layers")
    for i, layer in enumerate(layers):
        w = f"cell_layers[{i}]"
        lname = need(layer, "name", w, str)
        w = f"cell_layers[{i}] ({lname})"
        c_in, c_out = need(layer, "c_in", w, int), need(layer, "c_out", w, int)
        tpl = need(layer, "templates", w, dict) or {}
        expect = {"A": [c_out, c_out, 3, 3], "B": [c_out, c_in, 3, 3], "z": [c_out]}
        for key, shape in expect.items():
            tname = need(tpl, key, f"{w}.templates", str)
            if tname is not None and tname not in shapes:
                p.append(f"{w}.templates.{key}: tensor {tname!r} not listed")
            elif tname is not None and shapes[tname] != shape:
                p.append(f"{w}.templates.{key}: {tname} has shape {shapes[tname]}, expected {shape}")
        cell = need(layer, "cell", w, dict) or {}
        out = need(cell, "output", f"{w}.cell", dict) or {}
        if out and (out.get("function") != "leaky" or not _is_num(out.get("alpha")) or not 0 <= out["alpha"] <= 1):
            p.append(f"{w}.cell.output: expected {{function: 'leaky', alpha in [0, 1]}}")
        t_end = need(cell, "T", f"{w}.cell", (int, float))
        if t_end is not None and t_end <= 0:
            p.append(f"{w}.cell.T: must be positive")
        solver = need(cell, "solver", f"{w}.cell", dict) or {}
        if solver and (solver.get("method") not in SOLVERS or not isinstance(solver.get("steps"), int) or solver["steps"] < 1):
            p.append(f"{w}.cell.solver: expected method in {SOLVERS} and steps >= 1")
        if need(cell, "boundary", f"{w}.cell", str) not in (None, *BOUNDARIES):
            p.append(f"{w}.cell.boundary: expected one of {BOUNDARIES}")
        if need(cell, "x0", f"{w}.cell", str) not in (None, "zero"):
            p.append(f"{w}.cell.x0: expected 'zero'")
        memr = cell.get("memristor")
        if backbone == "mcellnn":
            if not isinstance(memr, Mapping):
                p.append(f"{w}.cell.memristor: required for mcellnn")
            else:
                for group, keys in (("params", MEMRISTOR_PARAMS), ("kernels", MEMRISTOR_KERNELS), ("scales", ("tau", "V_s", "R"))):
                    g = need(memr, group, f"{w}.cell.memristor", dict) or {}
                    for k in keys:
                        v = need(g, k, f"{w}.cell.memristor.{group}", (int, float))
                        if v is not None and not v > 0:
                            p.append(f"{w}.cell.memristor.{group}.{k}: must be positive")
                w0 = need(memr, "w0", f"{w}.cell.memristor", (int, float))
                if w0 is not None and not 0 < w0 <= 1:
                    p.append(f"{w}.cell.memristor.w0: must be in (0, 1]")
                if need(memr, "sense", f"{w}.cell.memristor", str) not in (None, "x", "y"):
                    p.append(f"{w}.cell.memristor.sense: expected 'x' or 'y'")
                need(memr, "model", f"{w}.cell.memristor", str)
        elif memr is not None:
            p.append(f"{w}.cell.memristor: must be null for {backbone}")
    gold = m.get("golden")
    if gold is not None:
        need(gold, "file", "golden", str)
        gentries = need(gold, "tensors", "golden", list) or []
        if golden is not None:
            listed = {e.get("name"): e for e in gentries if isinstance(e, Mapping)}
            if set(listed) != set(golden):
                p.append(f"golden: file and manifest list different tensors: {sorted(set(listed) ^ set(golden))}")
            for name, t in golden.items():
                e = listed.get(name)
                if e is not None and (e.get("dtype") != DTYPES.get(t.dtype) or e.get("shape") != list(t.shape)):
                    p.append(f"golden.tensors ({name}): manifest and file disagree on dtype or shape")
    if p:
        raise ManifestError(p)
