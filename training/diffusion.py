"""DDPM noise schedule, training loss with class dropout, and classifier-free guidance
(DESIGN.md 4; Ho, Jain & Abbeel 2020; Ho & Salimans 2022), as the reference implementation.

    β_t = β_1 + (β_2 − β_1)·t/n_T,  t = 0…n_T     ᾱ_t = Π_{s=0..t} (1 − β_s)
    loss = ‖ε − ε_θ(√ᾱ_t x_0 + √(1−ᾱ_t) ε, c, t/n_T)‖²,  t ~ U{1…n_T},  c dropped w.p. 0.1
    ε̃(x, c) = (1 + w)·ε_θ(x, c) − w·ε_θ(x, ∅)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch
import torch.nn as nn
import torch.nn.functional as F

N_T = 400
BETAS = (1e-4, 0.02)
P_DROP = 0.1


@dataclass(frozen=True)
class Schedule:
    """Tensors indexed by t = 0…n_T (length n_T + 1), float64."""

    n_T: int
    beta: torch.Tensor
    alpha_bar: torch.Tensor

    @property
    def sqrt_alpha_bar(self) -> torch.Tensor:
        return self.alpha_bar.sqrt()

    @property
    def sqrt_one_minus_alpha_bar(self) -> torch.Tensor:
        return (1.0 - self.alpha_bar).sqrt()


def ddpm_schedule(n_T: int = N_T, beta1: float = BETAS[0], beta2: float = BETAS[1]) -> Schedule:
    if not (0 < beta1 < beta2 < 1):
        raise ValueError(f"need 0 < beta1 < beta2 < 1, got {beta1}, {beta2}")
    t = torch.arange(0, n_T + 1, dtype=torch.float64)
    beta = beta1 + (beta2 - beta1) * t / n_T
    alpha_bar = torch.cumprod(1.0 - beta, 0)
    return Schedule(n_T, beta, alpha_bar)


# ε(x, t_index) → predicted noise: what every sampler consumes.
EpsFn = Callable[[torch.Tensor, int], torch.Tensor]


def diffuse(x0: torch.Tensor, t: torch.Tensor, eps: torch.Tensor, sched: Schedule) -> torch.Tensor:
    """x_t = √ᾱ_t·x_0 + √(1−ᾱ_t)·ε (t: int64 tensor of indices, one per sample)."""
    t = t.cpu()
    a = sched.sqrt_alpha_bar[t].to(x0).view(-1, 1, 1, 1)
    s = sched.sqrt_one_minus_alpha_bar[t].to(x0).view(-1, 1, 1, 1)
    return a * x0 + s * eps


def ddpm_loss(
    model: nn.Module,
    x0: torch.Tensor,
    c: torch.Tensor,
    sched: Schedule,
    generator: torch.Generator | None = None,
    p_drop: float = P_DROP,
) -> torch.Tensor:
    """Mean squared error between ε and ε_θ at a random t ~ U{1…n_T}, class dropped w.p. p_drop."""
    n = x0.shape[0]
    t = torch.randint(1, sched.n_T + 1, (n,), generator=generator)  # drawn on the CPU: reproducible
    eps = torch.randn(x0.shape, generator=generator, dtype=x0.dtype).to(x0.device)
    drop = torch.bernoulli(torch.full((n,), p_drop), generator=generator).to(x0)
    x_t = diffuse(x0, t, eps, sched)
    return F.mse_loss(model(x_t, c, (t.to(x0.dtype) / sched.n_T).to(x0.device), drop), eps)


def guided_eps(model: nn.Module, c: torch.Tensor, w: float, n_T: int) -> EpsFn:
    """ε̃(x, t) = (1 + w)·ε_θ(x, c, t/n_T) − w·ε_θ(x, ∅, t/n_T), both halves in one batch."""

    def eps(x: torch.Tensor, t_index: int) -> torch.Tensor:
        n = x.shape[0]
        t = torch.full((n,), t_index / n_T, dtype=x.dtype, device=x.device)
        zeros, ones = torch.zeros_like(t), torch.ones_like(t)
        if w == 0:
            return model(x, c, t, zeros)
        both = model(torch.cat((x, x)), torch.cat((c, c)), torch.cat((t, t)), torch.cat((zeros, ones)))
        cond, uncond = both[:n], both[n:]
        return (1.0 + w) * cond - w * uncond

    return eps
