"""A cellular layer of your own model as a cellspice model directory.

    from training.from_tensors import export_layer
    export_layer("out/my-layer", A, B, z, u=u, name="block")   # A: C×C×3×3, B: C×C_in×3×3, z: C
    # then:  cellspice export out/my-layer --layer block
    #        cellspice cosim  out/my-layer --layer block --tile 4x4

The shortest path from a PyTorch layer that cellspice did not train (the paper author's public
CellNN code, for one) to `cellspice export`, `cosim MODEL_DIR` and `simulate`: the layer's A, B,
z tensors and its cell settings go into the export format cellspice reads
(docs/export-format.md, one entry in ``cell_layers``), with an input u stored where the trained
exports keep their golden inputs. The templates are correlations, as PyTorch's conv2d
(no kernel flip); the state equation is dx/dt = −x + A ⋆ f(x) + B ⋆ u + z with the leaky
output f(x) = αx + (1 − α)·clamp(x, −1, 1). Nothing here runs the layer: cellspice does.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import torch
from safetensors.torch import save_file

from . import memristor as mem
from .manifest import FORMAT, FORMAT_VERSION, tensor_entries

BOUNDARIES = ("fixed", "zero-flux", "periodic")


def _tensor(x, name: str, shape: tuple[int, ...]) -> torch.Tensor:
    t = torch.as_tensor(x).detach().to(torch.float32).contiguous().cpu()
    if tuple(t.shape) != shape:
        raise ValueError(f"{name}: shape {list(t.shape)}, expected {list(shape)}")
    if not torch.isfinite(t).all():
        raise ValueError(f"{name}: holds non-finite values")
    return t


def export_layer(
    outdir: str | os.PathLike,
    A,
    B,
    z,
    *,
    u=None,
    name: str = "layer",
    height: int | None = None,
    width: int | None = None,
    alpha: float = 0.01,
    T: float = 1.0,
    boundary: str = "fixed",
    solver: str = "rk4",
    steps: int = 2,
    memristor: mem.MemristorScales | None = None,
) -> dict:
    """Writes OUTDIR/manifest.json, model.safetensors and (with an input u) golden.safetensors.

    A: C×C×3×3 feedback, B: C×C_in×3×3 control, z: C bias; u: the layer's input, C_in×H×W or
    1×C_in×H×W (then H×W need not be given). ``memristor``: M-CellNN with the smooth TaOx model
    at these scales (``MemristorScales(sense="y")`` for a memristor that senses the output).
    ``solver``/``steps`` record how the layer was integrated in training (cellspice's parity
    check); circuits and co-simulation run the continuous cell. Returns the manifest.
    """
    if boundary not in BOUNDARIES:
        raise ValueError(f"boundary: {boundary!r}, expected one of {BOUNDARIES}")
    if not 0 <= alpha <= 1:
        raise ValueError(f"alpha: {alpha}, expected a value in [0, 1]")
    A = torch.as_tensor(A)
    B = torch.as_tensor(B)
    if A.dim() != 4 or B.dim() != 4:
        raise ValueError(f"A and B must be C_out×C_in×3×3 (got {list(A.shape)} and {list(B.shape)})")
    c_out, c_in = int(B.shape[0]), int(B.shape[1])
    tensors = {
        f"{name}.A": _tensor(A, "A", (c_out, c_out, 3, 3)),
        f"{name}.B": _tensor(B, "B", (c_out, c_in, 3, 3)),
        f"{name}.z": _tensor(z, "z", (c_out,)),
    }
    golden = {}
    if u is not None:
        u = torch.as_tensor(u)
        if u.dim() == 3:
            u = u.unsqueeze(0)
        height = height or int(u.shape[-2])
        width = width or int(u.shape[-1])
        golden[f"layers.{name}.input"] = _tensor(u, "u", (1, c_in, height, width))
    if not (height and width):
        raise ValueError("height and width: give them, or an input u")
    backbone = "mcellnn" if memristor is not None else "cellnn"
    cell = {
        "output": {"function": "leaky", "alpha": alpha},
        "T": T,
        "solver": {"method": solver, "steps": steps, "dt": T / steps},
        "boundary": boundary,
        "x0": "zero",
        "memristor": mem.describe(memristor, mem.TaOxParams(), mem.SmoothKernels()) if memristor else None,
    }
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "architecture": {
            "name": "single cellular layer (training/from_tensors.py)",
            "backbone": backbone,
            "n_feat": c_out,
            "in_channels": c_in,
            "image_size": max(height, width),
            "n_classes": 0,
        },
        "tensors_file": "model.safetensors",
        "tensors": tensor_entries(tensors),
        "cell_layers": [
            {
                "name": name,
                "c_in": c_in,
                "c_out": c_out,
                "height": height,
                "width": width,
                "templates": {"A": f"{name}.A", "B": f"{name}.B", "z": f"{name}.z"},
                "cell": cell,
            }
        ],
    }
    if golden:
        manifest["golden"] = {"file": "golden.safetensors", "tensors": tensor_entries(golden)}
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(out / "model.safetensors"))
    if golden:
        save_file(golden, str(out / "golden.safetensors"))
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest
