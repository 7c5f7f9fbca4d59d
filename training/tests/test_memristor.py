import math

import torch

from training import memristor as mem

P = mem.TaOxParams()


def _original_rate(w, v):
    """Strachan 2013 as printed (DESIGN.md 2.1), for v > 0 and v < 0, in 1/s."""
    g = P.G_m * w + P.a * (1 - w) * math.exp(P.b * math.sqrt(abs(v)))
    p = g * v * v
    if v < 0:
        return P.A_off * math.sinh(v / P.sigma_off) * math.exp(-((P.x_off / w) ** 2)) * math.exp(1 / (1 + P.beta * p))
    return P.B_on * math.sinh(v / P.sigma_on) * math.exp(-((w / P.x_on) ** 2)) * math.exp(p / P.sigma_p)


def test_smooth_model_matches_original_where_both_are_finite_and_below_the_cap():
    k = mem.SmoothKernels(rate_cap=1e30)
    for w in (0.1, 0.2, 0.3):
        for v in (0.3, 0.45, 0.5, -0.3, -0.45):
            i, r = mem.current_and_rate(torch.tensor(w, dtype=torch.float64), torch.tensor(v, dtype=torch.float64), 1.0, P, k)
            ref = _original_rate(w, v)
            assert abs(r.item() - ref) <= 1e-6 * abs(ref) + 1e-30, (w, v, r.item(), ref)
            g = P.G_m * w + P.a * (1 - w) * math.exp(P.b * math.sqrt(abs(v)))
            assert abs(i.item() - g * v) < 1e-9 * abs(g * v)


def test_switching_time_0p1_to_0p3_at_0p5_volt_matches_design_oracle():
    # DESIGN.md 2.1: 6.805015e-5 s from w = 0.1 to 0.3 under a constant 0.5 V.
    k = mem.SmoothKernels(rate_cap=1e30)
    v = torch.tensor(0.5, dtype=torch.float64)
    w, t, h = torch.tensor(0.1, dtype=torch.float64), 0.0, 5e-8
    f = lambda w: mem.state_rate(w, v, 1.0, P, k)
    while w.item() < 0.3:
        k1 = f(w); k2 = f(w + h / 2 * k1); k3 = f(w + h / 2 * k2); k4 = f(w + h * k3)
        w_new = w + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        if w_new.item() >= 0.3:  # linear interpolation inside the last step
            t += h * (0.3 - w.item()) / (w_new.item() - w.item())
            break
        w, t = w_new, t + h
    assert abs(t - 6.805015e-5) < 2e-3 * 6.805015e-5


def test_rate_is_capped_and_gradients_are_finite_everywhere():
    k = mem.SmoothKernels()
    v = torch.linspace(-3, 3, 601, dtype=torch.float64, requires_grad=True)
    w = torch.linspace(-0.5, 1.5, 601, dtype=torch.float64, requires_grad=True)
    i, r = mem.current_and_rate(w, v, 1e-4, P, k)
    assert torch.isfinite(r).all() and r.abs().max().item() <= k.rate_cap
    (i.sum() + r.sum()).backward()
    assert torch.isfinite(v.grad).all() and torch.isfinite(w.grad).all()


def test_current_is_pinched_at_zero_volts():
    i, _ = mem.current_and_rate(torch.rand(10), torch.zeros(10), 1e-4, P, mem.SmoothKernels())
    assert torch.equal(i, torch.zeros(10))
