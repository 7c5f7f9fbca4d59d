import math

import torch

from training.solvers import integrate


def _error(solver, steps):
    (y,) = integrate(lambda s: (-s[0],), (torch.ones(1, dtype=torch.float64),), 1.0, steps, solver)
    return abs(y.item() - math.exp(-1))


def test_measured_convergence_orders():
    euler = math.log2(_error("euler", 50) / _error("euler", 100))
    rk4 = math.log2(_error("rk4", 4) / _error("rk4", 8))
    assert abs(euler - 1) < 0.05
    assert abs(rk4 - 4) < 0.2
