"""Golden reference data for parity checks of other implementations (the TypeScript toolkit).

For one fixed input (batch 1) the full UNet forward pass, and for each of the 7 cellular layers
its input u, output f(x(T)), final state x(T) and, for M-CellNN, memristor state w(T).
Computed in float64 from the exported float32 weights, stored as float32 (docs/export-format.md).
"""

from __future__ import annotations

import copy

import torch

from .unet import CELL_LAYER_NAMES, ContextUnet

GOLDEN_SEED = 20241025
GOLDEN_CLASS = 3
GOLDEN_T_INDEX = 200


def golden_input(cfg, n_T: int) -> dict[str, torch.Tensor]:
    g = torch.Generator().manual_seed(GOLDEN_SEED)
    return {
        "forward.x_t": torch.randn(1, cfg.in_channels, cfg.image_size, cfg.image_size, generator=g),
        "forward.c": torch.tensor([GOLDEN_CLASS], dtype=torch.int64),
        "forward.t": torch.tensor([GOLDEN_T_INDEX / n_T], dtype=torch.float32),
        "forward.drop": torch.tensor([0.0]),
    }


@torch.no_grad()
def compute_golden(model: ContextUnet, n_T: int, dtype: torch.dtype = torch.float64) -> dict[str, torch.Tensor]:
    """The golden tensors (names as in docs/export-format.md), stored float32 (c: int64)."""
    m = copy.deepcopy(model).to(dtype).eval()
    inp = golden_input(model.cfg, n_T)
    layer_inputs: dict[str, torch.Tensor] = {}
    hooks = [
        layer.register_forward_pre_hook(lambda mod, args, name=name: layer_inputs.__setitem__(name, args[0]))
        for name, layer in m.cell_layers().items()
    ]
    try:
        out = m(inp["forward.x_t"].to(dtype), inp["forward.c"], inp["forward.t"].to(dtype), inp["forward.drop"].to(dtype))
    finally:
        for h in hooks:
            h.remove()
    gold = dict(inp)
    gold["forward.output"] = out
    for name in CELL_LAYER_NAMES:
        layer = m.cell_layers()[name]
        u = layer_inputs[name]
        gold[f"layers.{name}.input"] = u
        if hasattr(layer, "run"):
            r = layer.run(u)
            gold[f"layers.{name}.output"] = r.y
            gold[f"layers.{name}.x_T"] = r.x_T
            if r.w_T is not None:
                gold[f"layers.{name}.w_T"] = r.w_T
        else:
            gold[f"layers.{name}.output"] = layer(u)
    return {k: (v.to(torch.float32) if v.dtype.is_floating_point else v).contiguous() for k, v in gold.items()}
