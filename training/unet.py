"""The class-conditional denoising UNet of DESIGN.md 4 (ContextUnet of TeaPearce/
Conditional_Diffusion_MNIST, rewritten from that description) with a pluggable block:
ResidualConvBlock (the conv baseline) or a cellular layer (CellNN, M-CellNN).

The backbone sees (x_t, c, t/n_T, drop mask) only; it never sees the noise schedule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import torch
import torch.nn as nn
import torch.nn.functional as F

from .cellular import CellSettings, CellularLayer
from .memristor import MemristorScales

BACKBONES = ("conv", "cellnn", "mcellnn")
# The 7 blocks that the cellular variants replace, by their module names in the UNet.
CELL_LAYER_NAMES = (
    "init_conv",
    "down1.block",
    "down2.block",
    "up1.block1",
    "up1.block2",
    "up2.block1",
    "up2.block2",
)


class ResidualConvBlock(nn.Module):
    """Conv3×3 → BN → GELU → Conv3×3 → BN → GELU; if is_res: (skip + x2)/1.414 with skip = x
    when in = out, else x1."""

    def __init__(self, c_in: int, c_out: int, is_res: bool = False) -> None:
        super().__init__()
        self.is_res, self.same_channels = is_res, c_in == c_out
        self.conv1 = nn.Sequential(nn.Conv2d(c_in, c_out, 3, 1, 1), nn.BatchNorm2d(c_out), nn.GELU())
        self.conv2 = nn.Sequential(nn.Conv2d(c_out, c_out, 3, 1, 1), nn.BatchNorm2d(c_out), nn.GELU())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x1 = self.conv1(x)
        x2 = self.conv2(x1)
        if not self.is_res:
            return x2
        return ((x if self.same_channels else x1) + x2) / 1.414


BlockFactory = Callable[[int, int, bool], nn.Module]


class UnetDown(nn.Module):
    """block(in, out) → MaxPool2d(2)."""

    def __init__(self, c_in: int, c_out: int, block: BlockFactory) -> None:
        super().__init__()
        self.block = block(c_in, c_out, False)
        self.pool = nn.MaxPool2d(2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pool(self.block(x))


class UnetUp(nn.Module):
    """concat(x, skip) → ConvTranspose2d(in, out, 2, stride 2) → block(out, out) → block(out, out)."""

    def __init__(self, c_in: int, c_out: int, block: BlockFactory) -> None:
        super().__init__()
        self.upsample = nn.ConvTranspose2d(c_in, c_out, 2, 2)
        self.block1 = block(c_out, c_out, False)
        self.block2 = block(c_out, c_out, False)

    def forward(self, x: torch.Tensor, skip: torch.Tensor) -> torch.Tensor:
        return self.block2(self.block1(self.upsample(torch.cat((x, skip), 1))))


class EmbedFC(nn.Module):
    """Linear(d, e) → GELU → Linear(e, e)."""

    def __init__(self, d: int, e: int) -> None:
        super().__init__()
        self.d = d
        self.net = nn.Sequential(nn.Linear(d, e), nn.GELU(), nn.Linear(e, e))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x.reshape(-1, self.d))


@dataclass(frozen=True)
class UnetConfig:
    backbone: str = "conv"
    n_feat: int = 128
    in_channels: int = 1
    image_size: int = 28
    n_classes: int = 10
    cell: CellSettings = field(default_factory=CellSettings)
    memristor: MemristorScales = field(default_factory=MemristorScales)

    def __post_init__(self) -> None:
        if self.backbone not in BACKBONES:
            raise ValueError(f"backbone must be one of {BACKBONES}, not {self.backbone!r}")
        if self.image_size % 4 or self.n_feat % 8:
            raise ValueError("image_size must be divisible by 4 and n_feat by 8 (GroupNorm(8))")


def block_factory(cfg: UnetConfig) -> BlockFactory:
    if cfg.backbone == "conv":
        return lambda c_in, c_out, is_res: ResidualConvBlock(c_in, c_out, is_res)
    scales = cfg.memristor if cfg.backbone == "mcellnn" else None
    return lambda c_in, c_out, is_res: CellularLayer(c_in, c_out, cfg.cell, scales)


class ContextUnet(nn.Module):
    """forward(x, c, t, drop) → predicted noise ε_θ; t = t_index/n_T in [0, 1], shape (N,);
    drop: 1 where the class is dropped (the one-hot becomes the zero vector)."""

    def __init__(self, cfg: UnetConfig) -> None:
        super().__init__()
        self.cfg = cfg
        F_, C, n_cls, pool = cfg.n_feat, cfg.in_channels, cfg.n_classes, cfg.image_size // 4
        block = block_factory(cfg)
        self.init_conv = block(C, F_, True) if cfg.backbone != "conv" else ResidualConvBlock(C, F_, True)
        self.down1 = UnetDown(F_, F_, block)
        self.down2 = UnetDown(F_, 2 * F_, block)
        self.to_vec = nn.Sequential(nn.AvgPool2d(pool), nn.GELU())
        self.timeembed1 = EmbedFC(1, 2 * F_)
        self.timeembed2 = EmbedFC(1, F_)
        self.contextembed1 = EmbedFC(n_cls, 2 * F_)
        self.contextembed2 = EmbedFC(n_cls, F_)
        self.up0 = nn.Sequential(nn.ConvTranspose2d(2 * F_, 2 * F_, pool, pool), nn.GroupNorm(8, 2 * F_), nn.ReLU())
        self.up1 = UnetUp(4 * F_, F_, block)
        self.up2 = UnetUp(2 * F_, F_, block)
        self.out = nn.Sequential(
            nn.Conv2d(2 * F_, F_, 3, 1, 1), nn.GroupNorm(8, F_), nn.ReLU(), nn.Conv2d(F_, C, 3, 1, 1)
        )

    def cell_layers(self) -> dict[str, nn.Module]:
        """The 7 replaceable blocks by module name (ResidualConvBlocks for the conv backbone)."""
        modules = dict(self.named_modules())
        return {name: modules[name] for name in CELL_LAYER_NAMES}

    def forward(self, x: torch.Tensor, c: torch.Tensor, t: torch.Tensor, drop: torch.Tensor) -> torch.Tensor:
        F_ = self.cfg.n_feat
        x = self.init_conv(x)
        d1 = self.down1(x)
        d2 = self.down2(d1)
        hidden = self.to_vec(d2)
        # One-hot class, zeroed where dropped. [choice] The reference negates the kept one-hots
        # (a quirk with no effect on what can be learned); we keep them positive.
        onehot = F.one_hot(c, self.cfg.n_classes).to(x.dtype) * (1.0 - drop.to(x.dtype))[:, None]
        t = t.to(x.dtype).reshape(-1, 1)
        cemb1 = self.contextembed1(onehot).view(-1, 2 * F_, 1, 1)
        temb1 = self.timeembed1(t).view(-1, 2 * F_, 1, 1)
        cemb2 = self.contextembed2(onehot).view(-1, F_, 1, 1)
        temb2 = self.timeembed2(t).view(-1, F_, 1, 1)
        u1 = self.up0(hidden)
        u2 = self.up1(cemb1 * u1 + temb1, d2)
        u3 = self.up2(cemb2 * u2 + temb2, d1)
        return self.out(torch.cat((u3, x), 1))


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def parameter_report(model: ContextUnet, reference: ContextUnet | None = None) -> list[dict]:
    """Trainable parameters per top-level part, with the difference to a reference model (by
    default the conv backbone of the same size): the rows show where a variant differs."""
    if reference is None:
        cfg = model.cfg
        reference = ContextUnet(UnetConfig("conv", cfg.n_feat, cfg.in_channels, cfg.image_size, cfg.n_classes))

    def per_part(m: ContextUnet) -> dict[str, int]:
        parts: dict[str, int] = {}
        for name, p in m.named_parameters():
            key = next((ln for ln in CELL_LAYER_NAMES if name.startswith(ln + ".")), name.split(".")[0])
            parts[key] = parts.get(key, 0) + p.numel()
        return parts

    mine, ref = per_part(model), per_part(reference)
    rows = [
        {"part": k, "params": mine.get(k, 0), "reference": ref.get(k, 0), "difference": mine.get(k, 0) - ref.get(k, 0)}
        for k in dict.fromkeys([*ref, *mine])
    ]
    total_m, total_r = sum(mine.values()), sum(ref.values())
    rows.append({"part": "total", "params": total_m, "reference": total_r, "difference": total_m - total_r})
    return rows


def format_parameter_report(rows: list[dict]) -> str:
    lines = [f"{'part':<16}{'params':>12}{'conv':>12}{'diff':>10}"]
    lines += [f"{r['part']:<16}{r['params']:>12,}{r['reference']:>12,}{r['difference']:>+10,}" for r in rows]
    return "\n".join(lines)
