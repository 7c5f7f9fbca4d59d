"""Checkpoints: one torch file with the run config, weights (and EMA weights), optimiser state,
progress and log, written atomically (temporary file + os.replace)."""

from __future__ import annotations

import os
from dataclasses import asdict
from pathlib import Path

import torch

from .presets import RunConfig, config_from_dict
from .unet import ContextUnet

CHECKPOINT_NAME = "checkpoint.pt"


def save_checkpoint(path: str | os.PathLike, state: dict) -> Path:
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    torch.save(state, tmp)
    os.replace(tmp, path)
    return path


def load_checkpoint(path: str | os.PathLike) -> dict:
    path = Path(path)
    if path.is_dir():
        path = path / CHECKPOINT_NAME
    return torch.load(path, map_location="cpu", weights_only=False)


def model_from_checkpoint(ckpt: dict, use_ema: bool = True) -> tuple[ContextUnet, RunConfig]:
    """The trained UNet (the EMA weights when the run kept them), in eval mode."""
    cfg = config_from_dict(ckpt["config"])
    model = ContextUnet(cfg.unet())
    weights = ckpt["ema"] if use_ema and ckpt.get("ema") is not None else ckpt["model"]
    model.load_state_dict(weights)
    return model.eval(), cfg


def config_dict(cfg: RunConfig) -> dict:
    return asdict(cfg)
