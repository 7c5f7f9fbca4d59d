"""Integrations of the M-CellNN cell's joint state (x, w) over [0, T] compared in issue 13's
study (training/faithful_study.py, docs/reproduction.md):

    dx/dt = F(x, w) = CellNN rhs(x) − (R/V_s)·i_M(w, V_s·x)
    dw/dt = g(w, V_s·x)          (stiff where w switches: |∂g/∂w| reaches ~10⁴ per unit time)

- ``euler`` / ``rk4``: the explicit tableau on (x, w) together (training/solvers.py) — what the
  cellular layer trains with (`CellSettings.solver`), for any `steps`.
- ``rk4-wlinear`` and ``rk4-wbe``: cheaper ideas for the stiff w only, Strang splitting of x and
  w. Per step of h = T/N:

      w ← W(w, x_n, h/2);   x_{n+1} = RK4 step of dx/dt = F(x, w), w frozen;   w ← W(w, x_{n+1}, h/2)

  with W = `w_substeps` steps of k at frozen x of
    wlinear: w ← clamp(w + k·g / (1 − k·min(∂g/∂w, 0)), w_min, 1)   (linearly implicit Euler,
             damping side of the exact Jacobian only: explicit where the switching feeds back)
    wbe:     w ← the root of w − w_old − k·g(w) in [w_min, 1]        (backward Euler, safeguarded
             Newton, BE_ITERS iterations)
  Both were measured to fail the fidelity goal (docs/reproduction.md: the rate's soft cap makes g
  flat, then falls off a cliff, so the linearised step jumps past the cliff; backward Euler
  switches cells early where the switching feeds back on itself). They stay here as the study's
  evidence, not as training options.
"""

from __future__ import annotations

from typing import Callable

import torch

from .solvers import RK4, integrate, rk_step

EXPLICIT = ("euler", "rk4")
SPLIT = ("rk4-wlinear", "rk4-wbe")
BE_ITERS = 8

Drift = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]  # F(x, w)
Joint = Callable[[torch.Tensor, torch.Tensor], tuple[torch.Tensor, torch.Tensor]]  # (F, g)
RateSlope = Callable[[torch.Tensor, torch.Tensor], tuple[torch.Tensor, torch.Tensor]]  # (g, ∂g/∂w) at (x, w)


def linear_implicit_w(w: torch.Tensor, x: torch.Tensor, k: float, rate_slope: RateSlope, w_min: float) -> torch.Tensor:
    """One linearly implicit Euler step of dw/dt = g at frozen x (damping side only), clamped."""
    g, j = rate_slope(x, w)
    return (w + k * g / (1.0 - k * j.clamp(max=0.0))).clamp(w_min, 1.0)


def backward_euler_w(
    w0: torch.Tensor, x: torch.Tensor, k: float, rate_slope: RateSlope, w_min: float, rate_cap: float
) -> torch.Tensor:
    """w1 = w0 + k·g(w1, x) in [w_min, 1], by BE_ITERS safeguarded Newton steps on
    φ(w) = w − w0 − k·g(w): the root is bracketed in [w0, w0 + k·rate_cap] (g ≥ 0 at w0) or
    [w0 − k·rate_cap, w0] (g < 0), cut to [w_min, 1]; a Newton step that leaves the bracket (or
    has φ' ≤ 0) is replaced by bisection."""
    g0, _ = rate_slope(x, w0)
    up = g0 >= 0
    lo = torch.where(up, w0, (w0 - k * rate_cap).clamp(min=w_min))
    hi = torch.where(up, (w0 + k * rate_cap).clamp(max=1.0), w0)
    w = w0
    for _ in range(BE_ITERS):
        g, j = rate_slope(x, w)
        phi = w - w0 - k * g
        lo = torch.where(phi < 0, w, lo)
        hi = torch.where(phi > 0, w, hi)
        dphi = 1.0 - k * j
        newton = w - phi / torch.where(dphi > 0, dphi, torch.ones_like(dphi))
        ok = (dphi > 0) & (newton > lo) & (newton < hi)
        w = torch.where(ok, newton, 0.5 * (lo + hi))
    return w


def integrate_mcellnn(
    x0: torch.Tensor,
    w0: torch.Tensor,
    t_end: float,
    steps: int,
    method: str,
    joint: Joint,
    drift: Drift,
    rate_slope: RateSlope,
    w_min: float,
    w_substeps: int = 1,
    rate_cap: float = 10.0,
) -> tuple[torch.Tensor, torch.Tensor]:
    """(x(T), w(T)) of the M-CellNN cell by `method` (module docstring)."""
    if method in EXPLICIT:
        x, w = integrate(lambda y: joint(y[0], y[1]), (x0, w0), t_end, steps, method)
        return x, w
    if method not in SPLIT:
        raise ValueError(f"unknown method {method!r}; expected one of {EXPLICIT + SPLIT}")
    if not (steps >= 1 and w_substeps >= 1):
        raise ValueError(f"steps and w_substeps must be >= 1, got {steps}, {w_substeps}")

    def w_flow(w: torch.Tensor, x: torch.Tensor, t: float) -> torch.Tensor:
        k = t / w_substeps
        for _ in range(w_substeps):
            if method == "rk4-wlinear":
                w = linear_implicit_w(w, x, k, rate_slope, w_min)
            else:
                w = backward_euler_w(w, x, k, rate_slope, w_min, rate_cap)
        return w

    h = t_end / steps
    x, w = x0, w0
    for _ in range(steps):
        w = w_flow(w, x, h / 2)
        (x,) = rk_step(lambda s: (drift(s[0], w),), (x,), h, RK4)
        w = w_flow(w, x, h / 2)
    return x, w
