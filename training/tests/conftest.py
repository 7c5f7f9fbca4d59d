import os
from pathlib import Path

import pytest
import torch

from training.data import mnist_dir

torch.set_num_threads(int(os.environ.get("CELLSPICE_TEST_THREADS", 0)) or max(1, min(2, os.cpu_count() or 1)))
REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "test" / "fixtures" / "models"


@pytest.fixture(scope="session")
def mnist_batch():
    """16 real MNIST training digits (skips when the data directory is absent)."""
    from training.data import load_mnist

    try:
        x, y = load_mnist("train")
    except FileNotFoundError as e:
        pytest.skip(f"MNIST not found at {mnist_dir()}: {e}")
    return x[:16].clone(), y[:16].clone()
