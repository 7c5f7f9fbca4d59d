"""Golden reference data for parity checks of other implementations (the TypeScript toolkit).

For one fixed input (batch 1) the full UNet forward pass, and for each of the 7 cellular layers
its input u, output f(x(T)), final state x(T) and, for M-CellNN, memristor state w(T); then two
guided sampling trajectories of 4 samples: DDIM (σ = 0) over 25 steps from a fixed x_T, every
x_τ kept, and a truncated ancestral DDPM chain t = 10…1 from a given x_10 with supplied noise z.
Computed in float64 from the exported float32 weights, stored as float32 (docs/export-format.md).

    python -m training.golden EXPORT_DIR   # rewrite golden.safetensors and the manifest's golden
                                           # index of an export from its weights (left untouched)
"""

from __future__ import annotations

import copy

import torch

from .diffusion import ddpm_schedule, guided_eps
from .samplers import ddim_song2021
from .unet import CELL_LAYER_NAMES, ContextUnet

GOLDEN_SEED = 20241025
GOLDEN_CLASS = 3
GOLDEN_T_INDEX = 200

# The sampling trajectories: 4 samples of these classes, guidance w, x_T (and z) from this seed.
TRAJECTORY_CLASSES = (0, 3, 5, 7)
TRAJECTORY_W = 2.0
TRAJECTORY_SEED = 20241026
DDIM_STEPS = 25
DDPM_T_START = 10


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


def ddpm_chain(eps, sched, x_start: torch.Tensor, t_start: int, z: torch.Tensor) -> list[torch.Tensor]:
    """Ancestral DDPM (Ho, Jain & Abbeel 2020, Alg. 2, σ_t² = β_t) from x_{t_start} for
    t = t_start…1 with the supplied noise z[k] at t = t_start − k (z[-1], at t = 1, is unused:
    Alg. 2 adds no noise there), exactly the update of samplers.ddpm_ho2020; returns
    [x_{t_start}, x_{t_start−1}, …, x_0]."""
    xs = [x_start]
    x = x_start
    for k, t in enumerate(range(t_start, 0, -1)):
        beta, ab = sched.beta[t].item(), sched.alpha_bar[t].item()
        noise = z[k] if t > 1 else torch.zeros_like(x)
        x = (x - beta / (1.0 - ab) ** 0.5 * eps(x, t)) / (1.0 - beta) ** 0.5 + beta**0.5 * noise
        xs.append(x)
    return xs


def trajectory_noise(cfg) -> dict[str, torch.Tensor]:
    """x_T of the DDIM trajectory, the ε that diffuses its x̂_0 to the DDPM chain's start x_10,
    and the chain's z: float32 standard normal draws (seed TRAJECTORY_SEED, in this order)."""
    g = torch.Generator().manual_seed(TRAJECTORY_SEED)
    shape = (len(TRAJECTORY_CLASSES), cfg.in_channels, cfg.image_size, cfg.image_size)
    x_T = torch.randn(shape, generator=g)
    eps_start = torch.randn(shape, generator=g)
    z = torch.randn((DDPM_T_START, *shape), generator=g)
    z[-1] = 0.0  # t = 1: no noise (Alg. 2)
    return {"ddim.x_T": x_T, "ddpm.eps_start": eps_start, "ddpm.z": z}


@torch.no_grad()
def compute_trajectories(model: ContextUnet, n_T: int, betas: tuple[float, float], dtype: torch.dtype = torch.float64) -> dict[str, torch.Tensor]:
    """The guided DDIM trajectory and the truncated DDPM chain (names in docs/export-format.md)."""
    m = copy.deepcopy(model).to(dtype).eval()
    sched = ddpm_schedule(n_T, *betas)
    noise = trajectory_noise(model.cfg)
    c = torch.tensor(TRAJECTORY_CLASSES, dtype=torch.int64)
    eps = guided_eps(m, c, TRAJECTORY_W, n_T)
    seen: list[torch.Tensor] = []
    timesteps: list[int] = []

    def recording_eps(x: torch.Tensor, t_index: int) -> torch.Tensor:
        seen.append(x)
        timesteps.append(t_index)
        return eps(x, t_index)

    x0 = ddim_song2021(recording_eps, sched, noise["ddim.x_T"].to(dtype), steps=DDIM_STEPS)
    # The chain starts where a sampler would be at t = 10: x̂_0 of the DDIM run diffused to t = 10
    # (x_10 = √ᾱ_10·x̂_0 + √(1−ᾱ_10)·ε), rounded to float32 so that the stored x_10 is exact.
    ab = sched.alpha_bar[DDPM_T_START].item()
    x_start = (ab**0.5 * x0 + (1.0 - ab) ** 0.5 * noise["ddpm.eps_start"].to(dtype)).to(torch.float32)
    ddpm_x = ddpm_chain(eps, sched, x_start.to(dtype), DDPM_T_START, noise["ddpm.z"].to(dtype))
    out = {
        "ddim.x_T": noise["ddim.x_T"],
        "ddim.c": c,
        "ddim.timesteps": torch.tensor(timesteps, dtype=torch.int64),
        "ddim.x": torch.stack([*seen, x0]),
        "ddim.w": torch.tensor([TRAJECTORY_W]),
        "ddpm.x_T": x_start,
        "ddpm.c": c.clone(),
        "ddpm.z": noise["ddpm.z"],
        "ddpm.x": torch.stack(ddpm_x),
        "ddpm.w": torch.tensor([TRAJECTORY_W]),
    }
    return {k: (v.to(torch.float32) if v.dtype.is_floating_point else v).contiguous() for k, v in out.items()}


def golden_description() -> dict:
    """The manifest's description of the trajectories (manifest.golden.ddim / .ddpm)."""
    classes = list(TRAJECTORY_CLASSES)
    return {
        "ddim": {
            "sampler": "ddim_song2021 (sigma = 0)", "steps": DDIM_STEPS, "w": TRAJECTORY_W, "classes": classes,
            "seed": TRAJECTORY_SEED,
            "x": "ddim.x[0] = x_T, ddim.x[i] = the result of step i (at tau = ddim.timesteps[i-1]); the last is x0_hat",
        },
        "ddpm": {
            "sampler": "ddpm_ho2020 (sigma_t^2 = beta_t), truncated", "t_start": DDPM_T_START, "w": TRAJECTORY_W,
            "classes": classes, "seed": TRAJECTORY_SEED,
            "x_T": "x_10 = sqrt(alpha_bar_10) * x0_hat + sqrt(1 - alpha_bar_10) * eps: x0_hat the DDIM result (float64, ddim.x[-1] rounded), eps a draw of the seed; rounded to float32",
            "x": "ddpm.x[k] = x_{t_start - k}, k = 0..t_start (ddpm.x[0] = ddpm.x_T = x_10, the last is x_0)",
            "z": "ddpm.z[k] is the noise added at t = t_start - k; ddpm.z[t_start - 1] (t = 1) is 0",
        },
    }


def main(argv: list[str] | None = None) -> None:
    import argparse

    from .export import regenerate_golden

    ap = argparse.ArgumentParser(prog="python -m training.golden", description=__doc__.split("\n\n")[0])
    ap.add_argument("export_dir")
    args = ap.parse_args(argv)
    regenerate_golden(args.export_dir)


if __name__ == "__main__":
    main()
