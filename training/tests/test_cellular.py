import math

import torch

from training.cellular import CellSettings, CellularLayer, correlate3x3
from training.memristor import MemristorScales


def _layer(solver, steps, memristor=None, seed=0, c_in=3, c=4):
    torch.manual_seed(seed)
    return CellularLayer(c_in, c, CellSettings(solver=solver, steps=steps), memristor).double()


def _closed_form(layer, u):
    drive = correlate3x3(u, layer.B, layer.z, "fixed")
    return (1 - math.exp(-1.0)) * drive  # x(0) = 0, T = 1


def test_cellular_layer_with_A_zero_equals_closed_form():
    u = torch.randn(2, 3, 9, 9, dtype=torch.float64)
    for solver, steps in (("rk4", 8), ("euler", 100)):
        layer = _layer(solver, steps)
        with torch.no_grad():
            layer.A.zero_()
            x_T = layer.run(u).x_T
        exact = _closed_form(layer, u)
        err = (x_T - exact).abs().max().item()
        scale = exact.abs().max().item()
        if solver == "rk4":  # h = 1/8: global error ≈ n·h^5/120·e^{-1}, about 1.5e-6 relative
            assert err < 5e-6 * scale
        else:  # Euler: |(1−h)^n − e^{−1}|·|d| ≈ (h/2)e^{−1}|d| ≤ h·|d|, and not better than O(h)
            assert 0.1 * 0.01 * scale < err < 0.01 * scale


def test_one_euler_step_of_dt_1_is_one_convolution_plus_bias():
    layer = _layer("euler", 1)
    with torch.no_grad():
        layer.A.zero_()
        u = torch.randn(1, 3, 6, 6, dtype=torch.float64)
        x_T = layer.run(u).x_T
        assert torch.allclose(x_T, torch.nn.functional.conv2d(u, layer.B, layer.z, padding=1), atol=1e-14)


def test_memristor_switched_off_equals_cellnn_exactly():
    u = torch.randn(2, 3, 8, 8, dtype=torch.float64)
    cell = _layer("rk4", 2)
    for scales in (MemristorScales(enabled=False), MemristorScales(r=0.0)):
        m = _layer("rk4", 2, scales)
        m.load_state_dict(cell.state_dict())
        with torch.no_grad():
            assert torch.equal(m(u), cell(u))


def test_memristor_default_scales_have_a_visible_but_not_dominant_effect():
    torch.manual_seed(1)
    u = torch.randn(2, 8, 12, 12)
    cell = CellularLayer(8, 8, CellSettings(solver="rk4", steps=16))
    m = CellularLayer(8, 8, CellSettings(solver="rk4", steps=16), MemristorScales())
    m.load_state_dict(cell.state_dict())
    with torch.no_grad():
        cell.B.mul_(2.0)
        m.B.mul_(2.0)
        rel = ((m(u) - cell(u)).norm() / cell(u).norm()).item()
    assert 0.01 < rel < 0.5


def test_mcellnn_layer_gradients_are_finite():
    layer = CellularLayer(2, 3, CellSettings(solver="rk4", steps=2), MemristorScales())
    u = torch.randn(1, 2, 5, 5) * 3
    u[0, 0, 2, 2] = 0.0
    layer(u).square().sum().backward()
    for p in layer.parameters():
        assert torch.isfinite(p.grad).all()


def test_boundary_modes_change_only_cells_within_reach_of_the_border():
    # 2 RK4 steps = 8 evaluations of A ⋆ f(x) (radius 1) after B ⋆ u (radius 1): information
    # travels at most 9 cells, so cells 9 or more away from the border do not see the boundary.
    layer = _layer("rk4", 2)
    u = torch.randn(1, 3, 24, 24, dtype=torch.float64)
    outs = {}
    for b in ("fixed", "zero-flux", "periodic"):
        layer.cell = CellSettings(solver="rk4", steps=2, boundary=b)
        with torch.no_grad():
            outs[b] = layer(u)
    for b in ("zero-flux", "periodic"):
        assert not torch.allclose(outs["fixed"], outs[b])
        assert torch.equal(outs["fixed"][..., 9:15, 9:15], outs[b][..., 9:15, 9:15])
