"""A small LeNet-5-like MNIST classifier that checks whether generated digits are recognisable.

    python -m training.classifier train --out training/runs/lenet.pt [--data DIR] [--epochs 2]
    python -m training.classifier score CHECKPOINT --classifier training/runs/lenet.pt \
        [--per-class 20] [--w 2] [--sampler ddim --steps 50]

`score` samples per-class digits with guidance w and reports the fraction that the classifier
labels with their conditioning class (and its test accuracy, and its weights' sha256).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import time
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

from .checkpoint import load_checkpoint, model_from_checkpoint
from .data import load_mnist
from .diffusion import ddpm_schedule, guided_eps
from .imaging import save_grid
from .samplers import SAMPLERS


class LeNet5(nn.Module):
    """conv5(1→6, pad 2) → ReLU → maxpool → conv5(6→16) → ReLU → maxpool → 400→120→84→10.
    ``features`` gives the 84-d penultimate layer (DESIGN.md 4's FID features)."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1, self.fc2, self.fc3 = nn.Linear(400, 120), nn.Linear(120, 84), nn.Linear(84, 10)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return F.relu(self.fc2(F.relu(self.fc1(x.flatten(1)))))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc3(self.features(x))


@torch.no_grad()
def accuracy(net: nn.Module, x: torch.Tensor, y: torch.Tensor, batch: int = 1000) -> float:
    net.eval()
    correct = sum((net(x[i : i + batch]).argmax(1) == y[i : i + batch]).sum().item() for i in range(0, len(x), batch))
    return correct / len(x)


def train_classifier(data: str | None = None, epochs: int = 2, seed: int = 0) -> tuple[LeNet5, float]:
    torch.manual_seed(seed)
    x, y = load_mnist("train", data)
    xt, yt = load_mnist("test", data)
    net = LeNet5()
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    for _ in range(epochs):
        net.train()
        perm = torch.randperm(len(x))
        for i in range(0, len(x), 128):
            idx = perm[i : i + 128]
            loss = F.cross_entropy(net(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    return net.eval(), accuracy(net, xt, yt)


def weights_sha256(net: nn.Module) -> str:
    buf = io.BytesIO()
    for k, v in net.state_dict().items():
        buf.write(k.encode())
        buf.write(v.detach().contiguous().numpy().tobytes())
    return hashlib.sha256(buf.getvalue()).hexdigest()


def load_classifier(path: str | os.PathLike) -> tuple[LeNet5, dict]:
    """A trained classifier: a `train` checkpoint (.pt) or the committed weights (.safetensors,
    whose metadata hold its test accuracy and weight hash; the hash is checked)."""
    net = LeNet5()
    if str(path).endswith(".safetensors"):
        from safetensors import safe_open
        from safetensors.torch import load_file

        with safe_open(str(path), "pt") as f:
            meta = dict(f.metadata() or {})
        net.load_state_dict(load_file(str(path)))
        sha = weights_sha256(net)
        if "sha256" in meta and meta["sha256"] != sha:
            raise ValueError(f"{path}: weights hash {sha} is not the recorded {meta['sha256']}")
        return net.eval(), {"test_accuracy": float(meta.get("test_accuracy", "nan")), "sha256": sha}
    ck = torch.load(path, map_location="cpu", weights_only=False)
    net.load_state_dict(ck["state_dict"])
    return net.eval(), {k: v for k, v in ck.items() if k != "state_dict"}


@torch.no_grad()
def score_samples(model: nn.Module, net: nn.Module, per_class: int = 20, w: float = 2.0, sampler: str = "ddim",
                  steps: int | None = 50, seed: int = 0, batch: int = 100) -> tuple[float, torch.Tensor, list[float]]:
    """(fraction labelled with their class, the samples (class-major), per-class fractions)."""
    sched = ddpm_schedule()
    g = torch.Generator().manual_seed(seed)
    c_all = torch.arange(10).repeat_interleave(per_class)
    samples = []
    for i in range(0, len(c_all), batch):
        c = c_all[i : i + batch]
        x_T = torch.randn(len(c), 1, 28, 28, generator=g)
        samples.append(SAMPLERS[sampler](guided_eps(model, c, w, sched.n_T), sched, x_T, generator=g,
                                         steps=steps if sampler == "ddim" else None))
    x = torch.cat(samples).clamp(0, 1)
    hits = (net(x).argmax(1) == c_all).float()
    per = hits.view(10, per_class).mean(1).tolist()
    return hits.mean().item(), x, per


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m training.classifier")
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train")
    t.add_argument("--out", required=True, type=Path)
    t.add_argument("--data")
    t.add_argument("--epochs", type=int, default=2)
    t.add_argument("--threads", type=int, default=0)
    s = sub.add_parser("score")
    s.add_argument("checkpoint")
    s.add_argument("--classifier", required=True)
    s.add_argument("--per-class", type=int, default=20)
    s.add_argument("--w", type=float, default=2.0)
    s.add_argument("--sampler", choices=sorted(SAMPLERS), default="ddim")
    s.add_argument("--steps", type=int, default=50)
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--grid", type=Path, help="also write the scored samples as a PNG grid")
    s.add_argument("--threads", type=int, default=0)
    args = ap.parse_args(argv)
    if getattr(args, "threads", 0):
        torch.set_num_threads(args.threads)
    if args.cmd == "train":
        t0 = time.time()
        net, acc = train_classifier(args.data, args.epochs)
        meta = {"test_accuracy": acc, "epochs": args.epochs, "sha256": weights_sha256(net), "train_s": time.time() - t0}
        args.out.parent.mkdir(parents=True, exist_ok=True)
        torch.save({"state_dict": net.state_dict(), **meta}, args.out)
        print(json.dumps(meta, indent=2))
        return
    net, meta = load_classifier(args.classifier)
    model, cfg = model_from_checkpoint(load_checkpoint(args.checkpoint))
    t0 = time.time()
    frac, x, per = score_samples(model, net, args.per_class, args.w, args.sampler, args.steps, args.seed)
    if args.grid:
        # one column per class
        order = torch.arange(10 * args.per_class).view(10, args.per_class).t().reshape(-1)
        save_grid(x[order], args.grid, nrow=10)
    print(json.dumps({"checkpoint": args.checkpoint, "backbone": cfg.backbone, "n_feat": cfg.n_feat,
                      "samples": 10 * args.per_class, "w": args.w, "sampler": args.sampler,
                      "steps": args.steps if args.sampler == "ddim" else 400,
                      "fraction_labelled_as_conditioned": frac, "per_class": [round(v, 3) for v in per],
                      "classifier_test_accuracy": meta["test_accuracy"], "classifier_sha256": meta["sha256"],
                      "sample_s": time.time() - t0}, indent=2))


if __name__ == "__main__":
    main()
