"""CellNN and M-CellNN layers (DESIGN.md 1 and 2.3), the replacement of a ResidualConvBlock.

Normalised state equations (⋆ = 2-D cross-correlation, 3×3, summed over input channels):

    CellNN:    dx/dt = −x + A ⋆ f(x) + B ⋆ u + z
    M-CellNN:  dx/dt = −x + A ⋆ f(x) + B ⋆ u + z − (R/V_s)·i_M(w, V_s·x)
               dw/dt = τ·g(w, V_s·x)

with f the leaky output f_α(x) = α·x + (1 − α)·clamp(x, −1, 1), α = 0.01, integrated from
x(0) = 0 **[choice: the paper's author's setting; it makes the layer a function of u only]** and
w(0) = w0 over cell time T = 1; the layer's output is f(x(T)). Boundary: fixed (zero virtual
cells, y = u = 0), as trained; zero-flux and periodic are available for experiments.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from . import memristor as mem
from .solvers import integrate

_PAD_MODE = {"fixed": "constant", "zero-flux": "replicate", "periodic": "circular"}


@dataclass(frozen=True)
class CellSettings:
    """How a cellular layer is integrated (recorded per layer in the export manifest)."""

    alpha: float = 0.01  # leak of the output function f_α
    t_end: float = 1.0  # cell time T, in units of τ
    solver: str = "rk4"  # "euler" | "rk4" | "rk4-wclamp" (RK4, then w clamped to [w_min, 1] after every step)
    steps: int = 2  # fixed steps over [0, T]
    boundary: str = "fixed"  # "fixed" | "zero-flux" | "periodic"
    x0: str = "zero"  # x(0) = 0

    def __post_init__(self) -> None:
        if self.solver not in SOLVERS:
            raise ValueError(f"unknown solver {self.solver!r}")
        if self.boundary not in _PAD_MODE:
            raise ValueError(f"unknown boundary {self.boundary!r}")
        if not (self.steps >= 1 and self.t_end > 0 and 0 <= self.alpha <= 1):
            raise ValueError(f"invalid cell settings {self}")
        if self.x0 != "zero":
            raise ValueError("only x(0) = 0 is implemented")


SOLVERS = ("euler", "rk4", "rk4-wclamp")
PAPER_CELL = CellSettings(solver="euler", steps=100)  # 100 Euler steps of 0.01


def leaky_output(x: torch.Tensor, alpha: float) -> torch.Tensor:
    """f_α(x) = α·x + (1 − α)·clamp(x, −1, 1)."""
    return alpha * x + (1.0 - alpha) * x.clamp(-1.0, 1.0)


def correlate3x3(y: torch.Tensor, template: torch.Tensor, bias: torch.Tensor | None, boundary: str) -> torch.Tensor:
    """(T ⋆ y)_c = Σ_{c'} Σ_{kl} T[c][c'][k][l]·y_{c'}(i+k−1, j+l−1) (+ bias), virtual cells per boundary."""
    if boundary == "fixed":
        return F.conv2d(y, template, bias, padding=1)
    return F.conv2d(F.pad(y, (1, 1, 1, 1), mode=_PAD_MODE[boundary]), template, bias)


_checkpoint_steps = False


def enable_step_checkpointing(on: bool = True) -> None:
    """Recompute each solver step's intermediates in the backward pass instead of keeping them
    (torch.utils.checkpoint per step): the same values and gradients, memory for the states only.
    Needed to train with many steps (RK4 × 64 keeps ~25 tensors per evaluation otherwise)."""
    global _checkpoint_steps
    _checkpoint_steps = on


def _integrate(f, y0, t_end: float, steps: int, solver: str, after_step=None):
    """integrate(), or step by step under torch.utils.checkpoint when enabled and grad is on."""
    if not (_checkpoint_steps and torch.is_grad_enabled()):
        return integrate(f, y0, t_end, steps, solver, after_step)
    from torch.utils.checkpoint import checkpoint

    one = lambda *y: integrate(f, tuple(y), t_end / steps, 1, solver, after_step)  # noqa: E731
    y = tuple(y0)
    for _ in range(steps):
        y = checkpoint(one, *y, use_reentrant=False)
    return y


@dataclass
class CellRun:
    """The result of one transient: output f(x(T)), final state x(T), memristor state w(T) or None."""

    y: torch.Tensor
    x_T: torch.Tensor
    w_T: torch.Tensor | None


class CellularLayer(nn.Module):
    """A CellNN layer (memristor=None) or an M-CellNN layer: B: in→out 3×3, A: out→out 3×3, bias z."""

    def __init__(
        self,
        c_in: int,
        c_out: int,
        cell: CellSettings = CellSettings(),
        memristor: mem.MemristorScales | None = None,
        taox: mem.TaOxParams = mem.TaOxParams(),
        kernels: mem.SmoothKernels = mem.SmoothKernels(),
    ) -> None:
        super().__init__()
        self.c_in, self.c_out = c_in, c_out
        self.cell, self.memristor, self.taox, self.kernels = cell, memristor, taox, kernels
        self.B = nn.Parameter(torch.empty(c_out, c_in, 3, 3))
        self.A = nn.Parameter(torch.empty(c_out, c_out, 3, 3))
        self.z = nn.Parameter(torch.empty(c_out))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        # B and z as PyTorch's Conv2d default; A smaller, so that the untrained layer starts close
        # to a (stable) conv layer and feedback is learned.
        nn.init.kaiming_uniform_(self.B, a=math.sqrt(5))
        bound = 1.0 / math.sqrt(self.c_in * 9)
        nn.init.uniform_(self.z, -bound, bound)
        nn.init.uniform_(self.A, -0.5 / math.sqrt(self.c_out * 9), 0.5 / math.sqrt(self.c_out * 9))

    @property
    def is_memristive(self) -> bool:
        return self.memristor is not None and self.memristor.enabled

    def rhs_cellnn(self, x: torch.Tensor, drive: torch.Tensor) -> torch.Tensor:
        """dx/dt = −x + A ⋆ f(x) + (B ⋆ u + z)."""
        return -x + correlate3x3(leaky_output(x, self.cell.alpha), self.A, None, self.cell.boundary) + drive

    def rhs_mcellnn(self, x: torch.Tensor, w: torch.Tensor, drive: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """dx/dt = CellNN rhs − (R/V_s)·i_M(w, V_s·x),  dw/dt = τ·g(w, V_s·x)."""
        s = self.memristor
        sensed = x if s.sense == "x" else leaky_output(x, self.cell.alpha)
        v = s.v_s * sensed
        i_m, dw = mem.cell_current_and_rate(w, v, s.tau, self.taox, self.kernels)
        return self.rhs_cellnn(x, drive) - (s.r / s.v_s) * i_m, dw

    def drift_mcellnn(self, x: torch.Tensor, w: torch.Tensor, drive: torch.Tensor) -> torch.Tensor:
        """dx/dt alone (the memristor's current at state w, no rate): the x part of a split integration
        (training/cell_integration.py)."""
        s = self.memristor
        sensed = x if s.sense == "x" else leaky_output(x, self.cell.alpha)
        return self.rhs_cellnn(x, drive) - (s.r / s.v_s) * mem.current(w, s.v_s * sensed, self.taox, self.kernels)

    def rate_slope(self, x: torch.Tensor, w: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(dw/dt, ∂(dw/dt)/∂w) at (x, w): the w part of a split integration."""
        s = self.memristor
        sensed = x if s.sense == "x" else leaky_output(x, self.cell.alpha)
        return mem.rate_and_slope(w, s.v_s * sensed, s.tau, self.taox, self.kernels)

    def run(self, u: torch.Tensor) -> CellRun:
        """Integrate one transient for input u (constant) and return output and final states."""
        cs = self.cell
        drive = correlate3x3(u, self.B, self.z, cs.boundary)  # constant during the transient
        x0 = torch.zeros_like(drive)
        tableau = "rk4" if cs.solver == "rk4-wclamp" else cs.solver  # without w: plain RK4
        if not self.is_memristive:
            (x_T,) = _integrate(lambda y: (self.rhs_cellnn(y[0], drive),), (x0,), cs.t_end, cs.steps, tableau)
            return CellRun(leaky_output(x_T, cs.alpha), x_T, None)
        w0 = torch.full_like(drive, self.memristor.w0)
        clamp = None
        if cs.solver == "rk4-wclamp":  # w is a physical state in [w_min, 1] (the rates' ŵ)
            lo = self.kernels.w_min
            clamp = lambda y: (y[0], y[1].clamp(lo, 1.0))  # noqa: E731
        x_T, w_T = _integrate(lambda y: self.rhs_mcellnn(y[0], y[1], drive), (x0, w0), cs.t_end, cs.steps, tableau, clamp)
        return CellRun(leaky_output(x_T, cs.alpha), x_T, w_T)

    def forward(self, u: torch.Tensor) -> torch.Tensor:
        return self.run(u).y

    def describe(self) -> dict:
        """Cell settings for the export manifest."""
        d = {
            "output": {"function": "leaky", "alpha": self.cell.alpha},
            "T": self.cell.t_end,
            "solver": {"method": self.cell.solver, "steps": self.cell.steps, "dt": self.cell.t_end / self.cell.steps},
            "boundary": self.cell.boundary,
            "x0": self.cell.x0,
            "memristor": None,
        }
        if self.memristor is not None:
            d["memristor"] = mem.describe(self.memristor, self.taox, self.kernels)
        return d

    def extra_repr(self) -> str:
        kind = "M-CellNN" if self.memristor is not None else "CellNN"
        return f"{kind} {self.c_in}→{self.c_out}, {self.cell.solver}×{self.cell.steps}, T={self.cell.t_end}"
