"""The committed metric reference values (test/fixtures/metrics/*.json) are what
training/metrics_reference.py computes from the committed LeNet-5 weights and the real MNIST
files, and its FID and KID are what they claim to be. Needs MNIST ($CELLSPICE_MNIST or
../shared/datasets/mnist): fails, never skips, without it."""

import json
import math

import numpy as np
import pytest

from training.data import DatasetNotFoundError, mnist_dir
from training.metrics_reference import compute, frechet_distance_scipy, kid_unbiased

from .conftest import REPO

FIXTURES = REPO / "test" / "fixtures" / "metrics"


@pytest.fixture(scope="module")
def recomputed():
    try:
        return compute()
    except DatasetNotFoundError as e:
        pytest.fail(f"MNIST is needed for the metric references: set CELLSPICE_MNIST or put it at {mnist_dir()} ({e})")


def close(a, b, rel=1e-9, path="") -> None:
    """Recursive comparison: equal structure, equal ints and strings, floats within rel."""
    if isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for k in a:
            close(a[k], b[k], rel, f"{path}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            close(x, y, rel, f"{path}[{i}]")
    elif isinstance(a, float):
        assert math.isclose(a, b, rel_tol=rel, abs_tol=1e-12), f"{path}: {a} vs {b}"
    else:
        assert a == b, f"{path}: {a!r} vs {b!r}"


@pytest.mark.parametrize("index,name", [(0, "lenet-logits.json"), (1, "reference.json")])
def test_committed_reference_equals_a_fresh_computation(recomputed, index, name):
    committed = json.loads((FIXTURES / name).read_text())
    close(recomputed[index], committed, path=name)


def test_float64_and_float32_classifiers_agree_with_the_recorded_accuracy(recomputed):
    acc = recomputed[1]["test_accuracy"]
    assert acc["n"] == 10_000
    # The weights file records the training side's float32 accuracy.
    from safetensors import safe_open

    with safe_open(str(REPO / "test/fixtures/models/lenet-mnist.safetensors"), "np") as f:
        recorded = float(f.metadata()["test_accuracy"])
    assert acc["correct_float32"] == round(recorded * 10_000)


def test_frechet_distance_of_two_gaussians_in_closed_form():
    """Samples are exactly whitened so that their numpy mean and covariance are the chosen ones;
    for diagonal Σ, FID = Σ (μa − μb)² + Σ (√σa − √σb)²."""
    rng = np.random.default_rng(0)

    def with_stats(mu, sigma, n=50):
        z = rng.standard_normal((n, len(mu)))
        z -= z.mean(0)
        z = z @ np.linalg.inv(np.linalg.cholesky(np.cov(z, rowvar=False))).T
        return z @ np.linalg.cholesky(sigma).T + mu

    mu_a, mu_b = np.array([0.0, 1.0, 2.0]), np.array([1.0, 1.0, 0.0])
    var_a, var_b = np.array([1.0, 4.0, 9.0]), np.array([4.0, 1.0, 9.0])
    fa, fb = with_stats(mu_a, np.diag(var_a)), with_stats(mu_b, np.diag(var_b))
    expected = ((mu_a - mu_b) ** 2).sum() + ((np.sqrt(var_a) - np.sqrt(var_b)) ** 2).sum()
    assert frechet_distance_scipy(fa, fb) == pytest.approx(expected, rel=1e-10)
    assert abs(frechet_distance_scipy(fa, fa)) < 1e-10


def test_kid_is_the_unbiased_mmd_written_out_term_by_term():
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((7, 3)), rng.standard_normal((5, 3)) + 0.5
    k = lambda x, y: (x @ y / 3 + 1) ** 3  # noqa: E731
    aa = sum(k(a[i], a[j]) for i in range(7) for j in range(7) if i != j) / 42
    bb = sum(k(b[i], b[j]) for i in range(5) for j in range(5) if i != j) / 20
    ab = sum(k(x, y) for x in a for y in b) / 35
    assert kid_unbiased(a, b) == pytest.approx(aa + bb - 2 * ab, rel=1e-12)
