"""Issue 13: the circuit-faithful integration of the M-CellNN cell (docs/reproduction.md).

The `faithful` preset's rk4-wclamp × FAITHFUL_STEPS (RK4, w clamped to [w_min, 1] after every step) keeps w in [w_min, 1] and matches a tight solve of
the cell (RK4 × 512, itself within 2e-5 of scipy's Radau at rtol 1e-10: faithful_study.py) within
TOL in x and w at T on a random layer in the switching regime; the old cpu preset (RK4 × 2) fails
the same test. Also: the exact ∂g/∂w of the study's split methods against autograd.
"""

from functools import lru_cache

import torch

from training import memristor as mem
from training.faithful_study import REF_STEPS, random_layer, solve
from training.presets import PRESETS

TOL = 1e-2  # absolute, x and w at T
FAITHFUL_STEPS = PRESETS["faithful"]["steps"]


@lru_cache(maxsize=None)
def _case(seed: int = 11):
    layer = random_layer(6, seed)
    u = torch.randn(1, 6, 8, 8, generator=torch.Generator().manual_seed(seed + 1), dtype=torch.float64)
    with torch.no_grad():
        ref = solve(layer, u, "rk4", REF_STEPS)
    return layer, u, ref


def _fidelity(layer, u, ref, method, steps):
    with torch.no_grad():
        x, w = solve(layer, u, method, steps)
    lo = layer.kernels.w_min
    return {
        "in_bounds": bool(((w >= lo) & (w <= 1.0)).all()),
        "dx": (x - ref[0]).abs().max().item(),
        "dw": (w - ref[1]).abs().max().item(),
    }


def test_the_case_is_in_the_switching_regime():
    layer, u, (x, w) = _case()
    assert x.abs().max() > 2.0  # v = V_s·x beyond 1 V somewhere
    assert (w > 0.15).any() and (w < 0.07).any()  # memristors switched on and off from w0 = 0.1


def test_faithful_preset_keeps_w_in_bounds_and_matches_the_tight_solve():
    layer, u, ref = _case()
    r = _fidelity(layer, u, ref, PRESETS["faithful"]["solver"], FAITHFUL_STEPS)
    assert r["in_bounds"], r
    assert r["dx"] < TOL and r["dw"] < TOL, r


def test_the_old_rk4_x2_fails_the_same_test():
    layer, u, ref = _case()
    assert PRESETS["cpu"]["solver"] == "rk4" and PRESETS["cpu"]["steps"] == 2
    r = _fidelity(layer, u, ref, "rk4", 2)
    assert not r["in_bounds"], r
    assert r["dx"] > 10 * TOL and r["dw"] > 10 * TOL, r


def test_rate_slope_is_the_derivative_of_the_rate():
    p, k = mem.TaOxParams(), mem.SmoothKernels()
    w = torch.linspace(0.0005, 1.1, 120, dtype=torch.float64).repeat(25).requires_grad_(True)
    v = torch.linspace(-1.5, 1.5, 25, dtype=torch.float64).repeat_interleave(120)
    g, slope = mem.rate_and_slope(w, v, 1e-4, p, k)
    _, rate = mem.current_and_rate(w, v, 1e-4, p, k)
    assert torch.equal(g, rate)
    (auto,) = torch.autograd.grad(rate.sum(), w)
    assert slope.abs().max() > 1e3  # the stiff part is in range
    assert torch.allclose(slope, auto, rtol=1e-7, atol=1e-9)


def test_rk4_wclamp_is_rk4_without_memristor_and_clamps_w_with_one():
    from training.cellular import CellSettings, CellularLayer
    from training.memristor import MemristorScales

    torch.manual_seed(3)
    u = 3 * torch.randn(1, 2, 5, 5, dtype=torch.float64)
    plain = CellularLayer(2, 3, CellSettings(solver="rk4", steps=2)).double()
    clamped = CellularLayer(2, 3, CellSettings(solver="rk4-wclamp", steps=2)).double()
    clamped.load_state_dict(plain.state_dict())
    with torch.no_grad():
        assert torch.equal(plain(u), clamped(u))
        m = CellularLayer(2, 3, CellSettings(solver="rk4", steps=1), MemristorScales()).double()
        m.B.mul_(4.0)
        one = m.run(u)
        m.cell = CellSettings(solver="rk4-wclamp", steps=1)
        one_clamped = m.run(u)
    lo = m.kernels.w_min
    assert one.w_T.min() < lo or one.w_T.max() > 1.0  # the case leaves the bounds unclamped
    assert torch.equal(one_clamped.w_T, one.w_T.clamp(lo, 1.0)) and torch.equal(one_clamped.x_T, one.x_T)
    assert m.describe()["solver"] == {"method": "rk4-wclamp", "steps": 1, "dt": 1.0}


def test_step_checkpointing_gives_the_same_gradients():
    from training import cellular
    from training.cellular import CellSettings, CellularLayer
    from training.memristor import MemristorScales

    torch.manual_seed(4)
    layer = CellularLayer(2, 3, CellSettings(solver="rk4-wclamp", steps=5), MemristorScales()).double()
    u = 3 * torch.randn(1, 2, 5, 5, dtype=torch.float64)
    grads = []
    for on in (False, True):
        cellular.enable_step_checkpointing(on)
        try:
            layer.zero_grad()
            layer(u).square().sum().backward()
        finally:
            cellular.enable_step_checkpointing(False)
        grads.append([p.grad.clone() for p in layer.parameters()])
    assert all(torch.equal(a, b) for a, b in zip(*grads))
