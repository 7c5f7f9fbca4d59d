"""The Strachan TaOx memristor (IEEE TED 60(7), 2013; DESIGN.md 2.1) in a smooth, bounded form
(DESIGN.md 2.2) so that it can sit inside a trained network and give finite gradients.

Original model (v in volts, w in (0, 1]):

    i = G(w, v)·v,   G(w, v) = G_m·w + a·(1 − w)·exp(b·√|v|),   p = i·v
    dw/dt = A_off·sinh(v/σ_off)·exp(−(x_off/w)²)·exp(1/(1 + β·p))·θ(−v)
          + B_on ·sinh(v/σ_on) ·exp(−(w/x_on)²) ·exp(p/σ_p)        ·θ(v)

Smooth form ``strachan-taox-smooth-v1`` **[choice]** (every deviation listed):

1. |v| ≈ v·tanh(ρv/2) (Ascoli et al. 2015), and √|v| ≈ √(v·tanh(ρv/2) + ε) with ε = 1e-12 V.
2. θ(v) ≈ σ(k·v), the logistic function, used in log form log σ(±k·v).
3. ŵ = clamp(w, w_min, 1) in G and in the rates (x_off/w is singular at w = 0 and the original
   model leaves [0, 1] above about 0.8 V).
4. Each rate is written as ½(e^{L + s} − e^{L − s}) with sinh(s) expanded, L the log of the other
   factors, and every exponent passes a soft cap  cap(E) = E_max − softplus(E_max − E),  so the
   normalised rate never exceeds r_max (E_max = log(2·r_max)); far below the cap the rate equals
   the original one to a relative error e^{E − E_max}.

The rate returned is in normalised cell time: τ·dw/dt (τ = seconds per unit cell time).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F

MODEL_NAME = "strachan-taox-smooth-v1"


@dataclass(frozen=True)
class TaOxParams:
    """Strachan 2013 values (DESIGN.md 2.1). Units: S, V^-½, 1/s, V, W^-1, W."""

    G_m: float = 0.025
    a: float = 7.2e-6
    b: float = 4.7
    A_off: float = 1e-10
    sigma_off: float = 0.013
    x_off: float = 0.4
    beta: float = 500.0
    B_on: float = 1e-4
    sigma_on: float = 0.45
    x_on: float = 0.06
    sigma_p: float = 4e-5


@dataclass(frozen=True)
class SmoothKernels:
    """The smoothing and bounding constants of the smooth form (module docstring, items 1–4)."""

    rho: float = 100.0  # 1/V, |v| ≈ v·tanh(ρv/2)
    k_theta: float = 500.0  # 1/V, θ(v) ≈ σ(k·v)
    eps: float = 1e-12  # V, under the square root
    w_min: float = 1e-3  # lower clamp of w
    rate_cap: float = 10.0  # r_max, largest |dw/dt| per unit of normalised cell time


@dataclass(frozen=True)
class MemristorScales:
    """Physical scales of DESIGN.md 2.3 **[choice of defaults]**.

    tau: seconds per unit cell time; v_s: volts per unit of state x; r: ohms of the cell resistor;
    w0: initial memristor state. With these defaults the memristor at w0 adds a leak R·G ≈ 0.25
    to the cell's unit leak, and cells with x ≳ 1 (v ≳ 0.5 V) switch on within T = 1 (0.1→0.3
    takes 6.8e-5 s at 0.5 V) while cells below x ≈ 0.9 keep w nearly frozen: visible, not
    dominant. ``enabled=False`` removes the memristor (the layer is then exactly a CellNN layer).
    """

    tau: float = 1e-4
    v_s: float = 0.5
    r: float = 100.0
    w0: float = 0.1
    sense: str = "x"  # the memristor sees V_s·x ("x") or V_s·f(x) ("y")
    enabled: bool = True


def abs_smooth(v: torch.Tensor, rho: float) -> torch.Tensor:
    """|v| ≈ v·tanh(ρv/2)."""
    return v * torch.tanh(0.5 * rho * v)


def conductance(w: torch.Tensor, v: torch.Tensor, p: TaOxParams, k: SmoothKernels) -> torch.Tensor:
    """G(w, v) = G_m·ŵ + a·(1 − ŵ)·exp(b·√|v|) in siemens."""
    wc = w.clamp(k.w_min, 1.0)
    return p.G_m * wc + p.a * (1.0 - wc) * torch.exp(p.b * torch.sqrt(abs_smooth(v, k.rho) + k.eps))


def current(w: torch.Tensor, v: torch.Tensor, p: TaOxParams, k: SmoothKernels) -> torch.Tensor:
    """i_M(w, v) = G(w, v)·v in amperes."""
    return conductance(w, v, p, k) * v


def _soft_cap(e: torch.Tensor, e_max: float) -> torch.Tensor:
    return e_max - F.softplus(e_max - e)


def _capped_sinh_rate(log_rest: torch.Tensor, s: torch.Tensor, e_max: float) -> torch.Tensor:
    """e^{L}·sinh(s) = ½(e^{L+s} − e^{L−s}), each exponent soft-capped at E_max."""
    return 0.5 * (torch.exp(_soft_cap(log_rest + s, e_max)) - torch.exp(_soft_cap(log_rest - s, e_max)))


def state_rate(w: torch.Tensor, v: torch.Tensor, tau: float, p: TaOxParams, k: SmoothKernels) -> torch.Tensor:
    """τ·dw/dt (per unit normalised cell time) of the smooth Strachan model."""
    return current_and_rate(w, v, tau, p, k)[1]


def current_and_rate(
    w: torch.Tensor, v: torch.Tensor, tau: float, p: TaOxParams, k: SmoothKernels
) -> tuple[torch.Tensor, torch.Tensor]:
    """(i_M(w, v), τ·dw/dt), sharing G and p = G·v² (what the cell's right-hand side needs)."""
    wc = w.clamp(k.w_min, 1.0)
    g = p.G_m * wc + p.a * (1.0 - wc) * torch.exp(p.b * torch.sqrt(abs_smooth(v, k.rho) + k.eps))
    i = g * v
    power = i * v
    e_max = math.log(2.0 * k.rate_cap)
    theta_on = F.logsigmoid(k.k_theta * v)
    log_off = (
        math.log(tau * p.A_off)
        - (p.x_off / wc) ** 2
        + 1.0 / (1.0 + p.beta * power)
        + (theta_on - k.k_theta * v)  # log σ(−kv) = log σ(kv) − kv
    )
    log_on = math.log(tau * p.B_on) - (wc / p.x_on) ** 2 + power / p.sigma_p + theta_on
    rate = _capped_sinh_rate(log_off, v / p.sigma_off, e_max) + _capped_sinh_rate(log_on, v / p.sigma_on, e_max)
    return i, rate


def _capped_sinh_rate_and_slope(
    log_rest: torch.Tensor, s: torch.Tensor, e_max: float
) -> tuple[torch.Tensor, torch.Tensor]:
    """(R, ∂R/∂L) of R(L, s) = ½(e^{cap(L+s)} − e^{cap(L−s)}); cap'(E) = σ(E_max − E)."""
    hi, lo = log_rest + s, log_rest - s
    e_hi, e_lo = torch.exp(_soft_cap(hi, e_max)), torch.exp(_soft_cap(lo, e_max))
    slope = 0.5 * (e_hi * torch.sigmoid(e_max - hi) - e_lo * torch.sigmoid(e_max - lo))
    return 0.5 * (e_hi - e_lo), slope


def rate_and_slope(
    w: torch.Tensor, v: torch.Tensor, tau: float, p: TaOxParams, k: SmoothKernels
) -> tuple[torch.Tensor, torch.Tensor]:
    """(g, ∂g/∂w): τ·dw/dt of ``current_and_rate`` and its exact derivative in w at fixed v
    (0 where the clamp ŵ = clamp(w, w_min, 1) is active), for the memristor's implicit update
    (training/cell_integration.py). Same closed form as the rate, differentiated by hand."""
    inside = ((w > k.w_min) & (w < 1.0)).to(w.dtype)
    wc = w.clamp(k.w_min, 1.0)
    e_b = torch.exp(p.b * torch.sqrt(abs_smooth(v, k.rho) + k.eps))
    g = p.G_m * wc + p.a * (1.0 - wc) * e_b
    dg_dw = (p.G_m - p.a * e_b) * inside
    power = g * v * v
    dp_dw = dg_dw * v * v
    e_max = math.log(2.0 * k.rate_cap)
    theta_on = F.logsigmoid(k.k_theta * v)
    log_off = (
        math.log(tau * p.A_off)
        - (p.x_off / wc) ** 2
        + 1.0 / (1.0 + p.beta * power)
        + (theta_on - k.k_theta * v)
    )
    dlog_off = 2.0 * p.x_off**2 / wc**3 * inside - p.beta * dp_dw / (1.0 + p.beta * power) ** 2
    log_on = math.log(tau * p.B_on) - (wc / p.x_on) ** 2 + power / p.sigma_p + theta_on
    dlog_on = -2.0 * wc / p.x_on**2 * inside + dp_dw / p.sigma_p
    r_off, s_off = _capped_sinh_rate_and_slope(log_off, v / p.sigma_off, e_max)
    r_on, s_on = _capped_sinh_rate_and_slope(log_on, v / p.sigma_on, e_max)
    return r_off + r_on, s_off * dlog_off + s_on * dlog_on


def describe(scales: MemristorScales, p: TaOxParams, k: SmoothKernels) -> dict:
    """The manifest's description of the memristor (docs/export-format.md)."""
    return {
        "model": MODEL_NAME,
        "params": asdict(p),
        "kernels": asdict(k),
        "scales": {"tau": scales.tau, "V_s": scales.v_s, "R": scales.r},
        "w0": scales.w0,
        "sense": scales.sense,
        "enabled": scales.enabled,
    }


_compiled = None


def enable_compile() -> None:
    """Use a torch.compile'd (fused) current_and_rate in the cells: about 2× faster on CPU, the
    same function to float32 rounding. Off by default (compiling takes ~20 s per shape)."""
    global _compiled
    import torch._dynamo

    # one graph per tensor shape and autograd mode: 7 layers, RK stages, training and sampling
    torch._dynamo.config.cache_size_limit = max(torch._dynamo.config.cache_size_limit, 64)
    _compiled = torch.compile(current_and_rate, dynamic=False)


def cell_current_and_rate(w, v, tau, p, k):
    """What the cells call: current_and_rate, compiled when enable_compile() was called."""
    return (_compiled or current_and_rate)(w, v, tau, p, k)
