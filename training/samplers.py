"""Samplers: plain functions with one signature

    sampler(eps, sched, x_T, generator=None, steps=None) → x_0

where eps(x, t_index) is the (guided) noise prediction (diffusion.guided_eps). Each is named
after its paper and uses the paper's symbols.
"""

from __future__ import annotations

import torch

from .diffusion import EpsFn, Schedule


@torch.no_grad()
def ddpm_ho2020(
    eps: EpsFn, sched: Schedule, x_T: torch.Tensor, generator: torch.Generator | None = None, steps: int | None = None
) -> torch.Tensor:
    """Ancestral sampling, Ho, Jain & Abbeel 2020, Algorithm 2 (σ_t² = β_t), t = n_T…1:
    x_{t−1} = (x_t − β_t/√(1−ᾱ_t)·ε̃(x_t, t))/√(1−β_t) + √β_t·z,  z ~ N(0, I) for t > 1, else 0.
    `steps` must be None or n_T (the chain has no shortcut)."""
    if steps not in (None, sched.n_T):
        raise ValueError("ddpm_ho2020 runs all n_T steps; use ddim_song2021 for fewer")
    x = x_T
    for t in range(sched.n_T, 0, -1):
        beta, ab = sched.beta[t].item(), sched.alpha_bar[t].item()
        z = torch.randn(x.shape, generator=generator, dtype=x.dtype).to(x.device) if t > 1 else torch.zeros_like(x)
        x = (x - beta / (1.0 - ab) ** 0.5 * eps(x, t)) / (1.0 - beta) ** 0.5 + beta**0.5 * z
    return x


@torch.no_grad()
def ddim_song2021(
    eps: EpsFn, sched: Schedule, x_T: torch.Tensor, generator: torch.Generator | None = None, steps: int | None = 50
) -> torch.Tensor:
    """Deterministic DDIM, Song, Meng & Ermon 2021, eq. 12 with σ = 0, on `steps` evenly spaced
    indices τ_S = n_T > … > τ_1 ≥ 1:
    x̂_0 = (x_τ − √(1−ᾱ_τ)·ε̃)/√ᾱ_τ,  x_τ' = √ᾱ_τ'·x̂_0 + √(1−ᾱ_τ')·ε̃;  the last step returns x̂_0.
    (`generator` is unused: the sampler is deterministic given x_T.)"""
    steps = steps or 50
    if not (1 <= steps <= sched.n_T):
        raise ValueError(f"steps must be in 1…{sched.n_T}")
    taus = torch.linspace(sched.n_T, 1, steps).round().long().tolist()
    x = x_T
    for i, t in enumerate(taus):
        ab = sched.alpha_bar[t].item()
        e = eps(x, t)
        x0_hat = (x - (1.0 - ab) ** 0.5 * e) / ab**0.5
        if i + 1 == len(taus):
            return x0_hat
        ab_next = sched.alpha_bar[taus[i + 1]].item()
        x = ab_next**0.5 * x0_hat + (1.0 - ab_next) ** 0.5 * e
    return x


SAMPLERS = {"ddpm": ddpm_ho2020, "ddim": ddim_song2021}
