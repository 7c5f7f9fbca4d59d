"""Each backbone at the `tiny` preset overfits a fixed batch of real MNIST digits."""

import pytest
import torch

from training.diffusion import ddpm_loss, ddpm_schedule
from training.presets import make_config
from training.unet import ContextUnet


@pytest.mark.parametrize("backbone", ["conv", "cellnn", "mcellnn"])
def test_tiny_backbone_overfits_a_fixed_batch(backbone, mnist_batch):
    x, y = mnist_batch[0][:8], mnist_batch[1][:8]
    cfg = make_config("tiny", backbone)
    torch.manual_seed(0)
    model = ContextUnet(cfg.unet())
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    sched = ddpm_schedule()

    def loss_fixed():  # the same t, ε and class drop at every step: a fixed regression target
        return ddpm_loss(model, x, y, sched, generator=torch.Generator().manual_seed(123))

    model.eval()
    with torch.no_grad():
        first = loss_fixed().item()
    model.train()
    for _ in range(40):
        loss = loss_fixed()
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        last = loss_fixed().item()
    assert last < first / 3, (first, last)
