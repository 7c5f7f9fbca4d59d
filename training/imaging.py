"""Image grids as PNG (Pillow only)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import torch
from PIL import Image


def grid_array(images: torch.Tensor, nrow: int, pad: int = 2) -> np.ndarray:
    """N×1×H×W in [0, 1] (values clipped) → uint8 grid with `nrow` images per row."""
    n, _, h, w = images.shape
    rows = (n + nrow - 1) // nrow
    grid = np.zeros((rows * (h + pad) + pad, nrow * (w + pad) + pad), dtype=np.uint8)
    pix = (images[:, 0].detach().float().clamp(0, 1).numpy() * 255).round().astype(np.uint8)
    for k in range(n):
        r, c = divmod(k, nrow)
        grid[pad + r * (h + pad) : pad + r * (h + pad) + h, pad + c * (w + pad) : pad + c * (w + pad) + w] = pix[k]
    return grid


def save_grid(images: torch.Tensor, path: str | os.PathLike, nrow: int = 10, scale: int = 2) -> Path:
    """Write the grid atomically (temporary file + os.replace)."""
    path = Path(path)
    img = Image.fromarray(grid_array(images, nrow))
    if scale > 1:
        img = img.resize((img.width * scale, img.height * scale), Image.NEAREST)
    tmp = path.with_name(path.name + ".tmp")
    img.save(tmp, format="PNG")
    os.replace(tmp, path)
    return path
