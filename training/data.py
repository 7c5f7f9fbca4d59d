"""MNIST from the four original IDX files (.gz or plain), read without torchvision.

The data directory is never copied into the repository: it comes from ``--data``, the
``CELLSPICE_MNIST`` environment variable, or ``../shared/datasets/mnist`` beside the checkout.
"""

from __future__ import annotations

import gzip
import os
import struct
from pathlib import Path

import numpy as np
import torch

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MNIST = REPO_ROOT.parent / "shared" / "datasets" / "mnist"

_FILES = {
    ("train", "images"): "train-images-idx3-ubyte",
    ("train", "labels"): "train-labels-idx1-ubyte",
    ("test", "images"): "t10k-images-idx3-ubyte",
    ("test", "labels"): "t10k-labels-idx1-ubyte",
}


class DatasetNotFoundError(FileNotFoundError):
    """The MNIST IDX files are not in the data directory."""


def mnist_dir(data: str | os.PathLike | None = None) -> Path:
    """The MNIST directory: the argument, else $CELLSPICE_MNIST, else ../shared/datasets/mnist."""
    return Path(data or os.environ.get("CELLSPICE_MNIST") or DEFAULT_MNIST)


def read_idx(path: Path) -> np.ndarray:
    """One IDX file (big-endian header: 0, 0, dtype code 0x08 = uint8, ndim; then the dims)."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as fh:
        raw = fh.read()
    zero, dtype, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype != 0x08:
        raise ValueError(f"{path}: not a uint8 IDX file (magic {zero:#x}, dtype {dtype:#x})")
    dims = struct.unpack(f">{ndim}I", raw[4 : 4 + 4 * ndim])
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(dims)):
        raise ValueError(f"{path}: {data.size} values, header says {dims}")
    return data.reshape(dims)


def _find(root: Path, stem: str) -> Path:
    for name in (stem + ".gz", stem):
        if (root / name).exists():
            return root / name
    raise DatasetNotFoundError(f"{stem}(.gz) not found in {root}; pass --data or set CELLSPICE_MNIST")


def load_mnist(split: str = "train", data: str | os.PathLike | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Images as float32 N×1×28×28 in [0, 1] (as torchvision's ToTensor) and labels as int64 N."""
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', not {split!r}")
    root = mnist_dir(data)
    images = read_idx(_find(root, _FILES[(split, "images")]))
    labels = read_idx(_find(root, _FILES[(split, "labels")]))
    x = torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1)
    y = torch.from_numpy(labels.astype(np.int64))
    return x, y
