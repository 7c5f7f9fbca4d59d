import torch

from training.diffusion import ddpm_schedule, diffuse, guided_eps
from training.samplers import SAMPLERS, ddim_song2021, ddpm_ho2020
from training.unet import ContextUnet, UnetConfig


def test_ddpm_schedule_alpha_bar_400():
    s = ddpm_schedule()
    assert s.beta.shape == (401,)
    assert abs(s.alpha_bar[400].item() - 0.0173) < 1e-4
    assert abs(s.beta[0].item() - 1e-4) < 1e-12 and abs(s.beta[400].item() - 0.02) < 1e-12


def test_diffuse_is_sqrt_alpha_bar_mix():
    s = ddpm_schedule()
    x0, eps = torch.rand(2, 1, 4, 4), torch.randn(2, 1, 4, 4)
    t = torch.tensor([1, 400])
    xt = diffuse(x0, t, eps, s)
    for i in range(2):
        ab = s.alpha_bar[t[i]].item()
        assert torch.allclose(xt[i], ab**0.5 * x0[i] + (1 - ab) ** 0.5 * eps[i], atol=1e-6)


def _tiny_model():
    torch.manual_seed(0)
    return ContextUnet(UnetConfig("conv", n_feat=8)).eval()


def test_guided_eps_with_w0_equals_conditional_prediction():
    model = _tiny_model()
    x, c = torch.randn(3, 1, 28, 28), torch.tensor([1, 5, 9])
    with torch.no_grad():
        cond = model(x, c, torch.full((3,), 0.25), torch.zeros(3))
        assert torch.equal(guided_eps(model, c, 0.0, 400)(x, 100), cond)


def test_guided_eps_combines_conditional_and_unconditional():
    model = _tiny_model()
    x, c = torch.randn(2, 1, 28, 28), torch.tensor([2, 7])
    with torch.no_grad():
        cond = model(x, c, torch.full((2,), 0.5), torch.zeros(2))
        uncond = model(x, c, torch.full((2,), 0.5), torch.ones(2))
        got = guided_eps(model, c, 2.0, 400)(x, 200)
    assert torch.allclose(got, 3 * cond - 2 * uncond, atol=1e-5)


def test_samplers_share_one_signature_and_are_exact_for_a_perfect_denoiser():
    # If x_T = √ᾱ·x0 + √(1−ᾱ)·ε and the denoiser always returns that ε, DDIM recovers x0 exactly.
    s = ddpm_schedule()
    x0, eps = torch.rand(2, 1, 28, 28, dtype=torch.float64), torch.randn(2, 1, 28, 28, dtype=torch.float64)
    x_T = s.alpha_bar[400].sqrt() * x0 + (1 - s.alpha_bar[400]).sqrt() * eps
    out = ddim_song2021(lambda x, t: eps, s, x_T, generator=None, steps=10)
    assert torch.allclose(out, x0, atol=1e-9)
    g = torch.Generator().manual_seed(0)
    out = ddpm_ho2020(lambda x, t: torch.zeros_like(x), s, torch.zeros(1, 1, 4, 4), generator=g, steps=None)
    assert out.shape == (1, 1, 4, 4) and torch.isfinite(out).all()
    assert set(SAMPLERS) == {"ddpm", "ddim"}
