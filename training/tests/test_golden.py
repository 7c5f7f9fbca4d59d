"""The golden sampling trajectories (golden.py) and the untrained parity model."""

import pytest
import torch
from safetensors.torch import load_file

from training.diffusion import ddpm_schedule, guided_eps
from training.export import load_export, model_from_export, untrained_model
from training.golden import DDIM_STEPS, DDPM_T_START, TRAJECTORY_CLASSES, TRAJECTORY_W, ddpm_chain
from training.samplers import ddpm_ho2020

from .conftest import FIXTURES

NAMES = ["conv-mnist", "cellnn-mnist", "mcellnn-mnist"]


def test_ddpm_chain_is_the_reference_sampler_given_its_noise():
    sched = ddpm_schedule(6, 1e-3, 0.2)
    eps = lambda x, t: 0.3 * x + 0.01 * t  # noqa: E731
    x_T = torch.randn(2, 1, 3, 3, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    g = torch.Generator().manual_seed(2)
    want = ddpm_ho2020(eps, sched, x_T, generator=g)
    g = torch.Generator().manual_seed(2)
    z = torch.stack([torch.randn(x_T.shape, generator=g, dtype=torch.float64) for _ in range(5)] + [torch.zeros_like(x_T)])
    xs = ddpm_chain(eps, sched, x_T, 6, z)
    assert len(xs) == 7 and torch.equal(xs[0], x_T)
    assert torch.equal(xs[-1], want)


@pytest.mark.parametrize("name", NAMES)
def test_trajectories_are_described_and_start_as_stated(name):
    manifest, _, g = load_export(FIXTURES / name)
    gi = manifest["golden"]
    assert gi["ddim"]["steps"] == DDIM_STEPS and gi["ddim"]["classes"] == list(TRAJECTORY_CLASSES)
    assert gi["ddpm"]["t_start"] == DDPM_T_START and gi["ddpm"]["w"] == TRAJECTORY_W
    assert g["ddim.timesteps"].tolist() == torch.linspace(400, 1, DDIM_STEPS).round().long().tolist()
    assert g["ddim.c"].tolist() == list(TRAJECTORY_CLASSES) and g["ddim.w"].item() == TRAJECTORY_W
    assert g["ddim.x"].shape == (DDIM_STEPS + 1, 4, 1, 28, 28) and torch.equal(g["ddim.x"][0], g["ddim.x_T"])
    assert g["ddpm.x"].shape == (DDPM_T_START + 1, 4, 1, 28, 28) and torch.equal(g["ddpm.x"][0], g["ddpm.x_T"])
    assert g["ddpm.z"].shape == (DDPM_T_START, 4, 1, 28, 28) and not g["ddpm.z"][-1].any()


@pytest.mark.parametrize("name", NAMES)
def test_first_steps_of_each_trajectory_reproduce_from_the_export(name):
    """One DDIM step from x_T and one DDPM step from x_10, in float64 from the export's weights,
    equal the stored x (stored float32: within its rounding)."""
    model = model_from_export(FIXTURES / name).double()
    _, _, g = load_export(FIXTURES / name)
    sched = ddpm_schedule()
    eps = guided_eps(model, g["ddim.c"], TRAJECTORY_W, sched.n_T)
    t0, t1 = g["ddim.timesteps"][:2].tolist()
    x = g["ddim.x_T"].double()
    with torch.no_grad():
        e = eps(x, t0)
    ab, ab1 = sched.alpha_bar[t0].item(), sched.alpha_bar[t1].item()
    x1 = ab1**0.5 * (x - (1 - ab) ** 0.5 * e) / ab**0.5 + (1 - ab1) ** 0.5 * e
    assert torch.allclose(x1.float(), g["ddim.x"][1], rtol=1e-6, atol=1e-6)
    t = DDPM_T_START
    x = g["ddpm.x_T"].double()
    with torch.no_grad():
        e = eps(x, t)
    beta, ab = sched.beta[t].item(), sched.alpha_bar[t].item()
    x9 = (x - beta / (1 - ab) ** 0.5 * e) / (1 - beta) ** 0.5 + beta**0.5 * g["ddpm.z"][0].double()
    assert torch.allclose(x9.float(), g["ddpm.x"][1], rtol=1e-6, atol=1e-6)


def test_untrained_parity_model_is_reproducible_from_its_seed_with_non_default_norm_statistics():
    """`export --untrained` (the parity model the conv fixture was before it was trained): the same
    seed gives the same weights, another seed others, and BatchNorm's running statistics are not the
    defaults 0 and 1, so that an export of it exercises the eval path."""
    a, _ = untrained_model("conv", 16, 10)
    b, _ = untrained_model("conv", 16, 10)
    c, _ = untrained_model("conv", 16, 11)
    sa, sb, sc = a.state_dict(), b.state_dict(), c.state_dict()
    assert all(torch.equal(sa[k], sb[k]) for k in sa)
    assert not all(torch.equal(sa[k], sc[k]) for k in sa)
    assert sa["down1.block.conv1.1.running_mean"].abs().max() > 0.1
    assert (sa["down1.block.conv1.1.running_var"] - 1).abs().max() > 0.1
