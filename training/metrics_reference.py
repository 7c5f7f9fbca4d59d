"""Reference values for cellspice's metrics (src/metrics), computed independently with PyTorch,
NumPy and SciPy from the committed LeNet-5 weights and the real MNIST IDX files.

    python3 -m training.metrics_reference --out test/fixtures/metrics [--data DIR]

writes two small JSON files (every float in float64, written with round-trip precision):

- ``lenet-logits.json``: the logits and 84-d features of the first ``N_LOGIT_IMAGES`` test images
  (computed in float64 from the float32 weights) — the TypeScript LeNet must match them.
- ``reference.json``: the classifier's correct count on the 10,000 test images (float64 and the
  training side's float32), the mean and variances of the test features, FID of the test
  features against the features of the first 10,000 training images (numpy's unbiased
  covariance, ``scipy.linalg.sqrtm`` of Σa·Σb: the usual pytorch-fid form, not the symmetric form
  cellspice uses, so that the two are independent), and the unbiased cubic-kernel KID of the
  first 1,000 test against the first 1,000 training features (one subset: all of them).

Inputs are scaled exactly as the classifier was trained (training/data.py: uint8 / 255 in
float32, [0, 1], no normalisation); the float64 pass casts those float32 pixels and weights.
training/tests/test_metrics_reference.py recomputes everything and compares with the committed
files.
"""

from __future__ import annotations

import argparse
import json
import warnings
from pathlib import Path

import numpy as np
import scipy.linalg
import torch

from .classifier import LeNet5, weights_sha256
from .data import load_mnist

REPO = Path(__file__).resolve().parent.parent
LENET = REPO / "test" / "fixtures" / "models" / "lenet-mnist.safetensors"
N_LOGIT_IMAGES = 8
N_TRAIN_FID = 10_000
N_KID = 1_000


def load_lenet(dtype: torch.dtype = torch.float64) -> tuple[LeNet5, str]:
    """The committed classifier in ``dtype``, and the sha256 of its (float32) weights."""
    from safetensors.torch import load_file

    net = LeNet5()
    net.load_state_dict(load_file(str(LENET)))
    sha = weights_sha256(net)
    return net.to(dtype).eval(), sha


@torch.no_grad()
def lenet_outputs(net: LeNet5, x: torch.Tensor, batch: int = 1000) -> tuple[torch.Tensor, torch.Tensor]:
    """(logits N×10, features N×84) in the network's dtype."""
    dtype = next(net.parameters()).dtype
    logits, feats = [], []
    for i in range(0, len(x), batch):
        xb = x[i : i + batch].to(dtype)
        f = net.features(xb)
        feats.append(f)
        logits.append(net.fc3(f))
    return torch.cat(logits), torch.cat(feats)


def frechet_distance_scipy(fa: np.ndarray, fb: np.ndarray) -> float:
    """‖μa − μb‖² + Tr(Σa + Σb − 2 (Σa Σb)^{1/2}), Σ by np.cov (n − 1), the root by scipy's sqrtm."""
    mu_a, mu_b = fa.mean(0), fb.mean(0)
    s_a, s_b = np.cov(fa, rowvar=False), np.cov(fb, rowvar=False)
    with warnings.catch_warnings():
        # Features that are zero on every image (dead ReLUs) make Σa·Σb singular; sqrtm warns
        # but its Schur method takes the exact zero eigenvalues' roots as zero.
        warnings.simplefilter("ignore", scipy.linalg.LinAlgWarning)
        covmean = np.real(scipy.linalg.sqrtm(s_a @ s_b))
    diff = mu_a - mu_b
    return float(diff @ diff + np.trace(s_a) + np.trace(s_b) - 2.0 * np.trace(covmean))


def kid_unbiased(fa: np.ndarray, fb: np.ndarray) -> float:
    """Unbiased MMD² with k(x, y) = (x·y/d + 1)³ over all of fa and fb (Bińkowski et al. 2018)."""
    d = fa.shape[1]
    k_aa = (fa @ fa.T / d + 1.0) ** 3
    k_bb = (fb @ fb.T / d + 1.0) ** 3
    k_ab = (fa @ fb.T / d + 1.0) ** 3
    m, n = len(fa), len(fb)
    return float(
        (k_aa.sum() - np.trace(k_aa)) / (m * (m - 1))
        + (k_bb.sum() - np.trace(k_bb)) / (n * (n - 1))
        - 2.0 * k_ab.sum() / (m * n)
    )


def compute(data: str | None = None) -> tuple[dict, dict]:
    """(lenet-logits.json, reference.json) as dicts."""
    xt, yt = load_mnist("test", data)
    xtr, _ = load_mnist("train", data)
    net64, sha = load_lenet(torch.float64)
    net32, _ = load_lenet(torch.float32)
    logits_t, feats_t = lenet_outputs(net64, xt)
    _, feats_tr = lenet_outputs(net64, xtr[:N_TRAIN_FID])
    logits32, _ = lenet_outputs(net32, xt)
    correct64 = int((logits_t.argmax(1) == yt).sum())
    correct32 = int((logits32.argmax(1) == yt).sum())
    ft, ftr = feats_t.numpy(), feats_tr.numpy()
    logits_doc = {
        "source": "python3 -m training.metrics_reference --out test/fixtures/metrics",
        "split": "test",
        "indices": list(range(N_LOGIT_IMAGES)),
        "labels": yt[:N_LOGIT_IMAGES].tolist(),
        "logits": logits_t[:N_LOGIT_IMAGES].tolist(),
        "features": feats_t[:N_LOGIT_IMAGES].tolist(),
    }
    reference = {
        "source": "python3 -m training.metrics_reference --out test/fixtures/metrics",
        "lenet": {"file": "test/fixtures/models/lenet-mnist.safetensors", "sha256": sha},
        "test_accuracy": {
            "n": len(yt),
            "correct_float64": correct64,
            "correct_float32": correct32,
        },
        "test_features": {
            "n": len(ft),
            "zero_variance_features": int((ft.std(0) == 0).sum()),
            "mu": ft.mean(0).tolist(),
            "sigma_diagonal": np.diag(np.cov(ft, rowvar=False)).tolist(),
        },
        "fid_test_vs_train": {
            "train_images": f"first {N_TRAIN_FID}",
            "method": "numpy cov (n-1), scipy.linalg.sqrtm(sigma_a @ sigma_b), real part",
            "train_zero_variance_features": int((ftr.std(0) == 0).sum()),
            "fid": frechet_distance_scipy(ft, ftr),
        },
        "kid_test_vs_train": {
            "images": f"first {N_KID} of each",
            "kernel": "(x.y/d + 1)^3",
            "estimator": "unbiased MMD^2, one subset of all the images",
            "kid": kid_unbiased(ft[:N_KID], ftr[:N_KID]),
        },
    }
    return logits_doc, reference


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python3 -m training.metrics_reference")
    ap.add_argument("--out", type=Path, required=True, help="folder for lenet-logits.json and reference.json")
    ap.add_argument("--data", help="MNIST folder (else $CELLSPICE_MNIST, else ../shared/datasets/mnist)")
    args = ap.parse_args(argv)
    logits_doc, reference = compute(args.data)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, doc in (("lenet-logits.json", logits_doc), ("reference.json", reference)):
        (args.out / name).write_text(json.dumps(doc, indent=1) + "\n")
    print(json.dumps({k: v for k, v in reference.items() if k != "test_features"}, indent=1))


if __name__ == "__main__":
    main()
