"""Fixed-step explicit Runge–Kutta solvers, as data (Butcher tableaus), for systems whose state is
a tuple of tensors (x, or x and the memristor state w).

One entry point, ``integrate``; a solver is a ``Tableau``. The cell's time is autonomous (the
drive B⋆u + z is constant during a transient), so the right-hand side takes the state only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import torch

State = tuple[torch.Tensor, ...]
Rhs = Callable[[State], State]


@dataclass(frozen=True)
class Tableau:
    """Explicit Butcher tableau: stages k_i = f(y + h Σ_j a[i][j] k_j), y' = y + h Σ_i b[i] k_i."""

    name: str
    a: tuple[tuple[float, ...], ...]
    b: tuple[float, ...]
    order: int


EULER = Tableau("euler", a=((),), b=(1.0,), order=1)
RK4 = Tableau(
    "rk4",
    a=((), (0.5,), (0.0, 0.5), (0.0, 0.0, 1.0)),
    b=(1 / 6, 1 / 3, 1 / 3, 1 / 6),
    order=4,
)
TABLEAUS = {t.name: t for t in (EULER, RK4)}


def _axpy(y: State, h: float, coeffs: Sequence[float], ks: Sequence[State]) -> State:
    out = []
    for idx, yi in enumerate(y):
        acc = yi
        for c, k in zip(coeffs, ks):
            if c != 0.0:
                acc = acc + (h * c) * k[idx]
        out.append(acc)
    return tuple(out)


def rk_step(f: Rhs, y: State, h: float, tableau: Tableau) -> State:
    """One step of size h."""
    ks: list[State] = []
    for row in tableau.a:
        ks.append(f(_axpy(y, h, row, ks) if row else y))
    return _axpy(y, h, tableau.b, ks)


def integrate(
    f: Rhs, y0: State, t1: float, steps: int, solver: str | Tableau, after_step: Callable[[State], State] | None = None
) -> State:
    """y(t1) from y(0) = y0 with `steps` equal steps of the given solver (name or tableau);
    `after_step`, if given, maps the state after every step (a projection, e.g. w onto its bounds)."""
    tableau = TABLEAUS[solver] if isinstance(solver, str) else solver
    if not (steps >= 1):
        raise ValueError(f"steps must be >= 1, got {steps}")
    h = t1 / steps
    y = y0
    for _ in range(steps):
        y = rk_step(f, y, h, tableau)
        if after_step is not None:
            y = after_step(y)
    return y
