"""Export a trained checkpoint for the TypeScript toolkit, and read an export back.

    python -m training.export CHECKPOINT OUTDIR
    python -m training.export --untrained BACKBONE [--n-feat 16] [--seed 0] OUTDIR
        (a randomly initialised, seeded model: a parity fixture, e.g. of the conv backbone)

OUTDIR/model.safetensors  every weight (float32)
OUTDIR/golden.safetensors golden reference data (golden.py)
OUTDIR/manifest.json      what they are (docs/export-format.md); validated before it is written
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

from .checkpoint import load_checkpoint, model_from_checkpoint
from .diffusion import BETAS, N_T, P_DROP
from .golden import GOLDEN_CLASS, GOLDEN_SEED, GOLDEN_T_INDEX, compute_golden, compute_trajectories, golden_description
from .manifest import FORMAT, FORMAT_VERSION, tensor_entries, validate_manifest
from .presets import config_from_dict, make_config
from .unet import ContextUnet, UnetConfig

MODEL_FILE, GOLDEN_FILE, MANIFEST_FILE = "model.safetensors", "golden.safetensors", "manifest.json"


def export_tensors(model: ContextUnet) -> dict[str, torch.Tensor]:
    """The state dict without BatchNorm's num_batches_tracked counters (not needed to run)."""
    return {k: v.detach().contiguous().clone() for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")}


def layer_shapes(model: ContextUnet) -> dict[str, tuple[int, int]]:
    """(height, width) of each cellular layer's array, from a forward pass with a dummy input."""
    sizes: dict[str, tuple[int, int]] = {}
    hooks = [l.register_forward_hook(lambda m, a, o, n=n: sizes.__setitem__(n, tuple(o.shape[-2:])))
             for n, l in model.cell_layers().items()]
    cfg = model.cfg
    with torch.no_grad():
        model(torch.zeros(1, cfg.in_channels, cfg.image_size, cfg.image_size), torch.zeros(1, dtype=torch.long),
              torch.zeros(1), torch.zeros(1))
    for h in hooks:
        h.remove()
    return sizes


def build_manifest(model: ContextUnet, tensors: dict, golden: dict, source: dict) -> dict:
    cfg = model.cfg
    sizes = layer_shapes(model)
    cell_layers = []
    if cfg.backbone != "conv":
        for name, layer in model.cell_layers().items():
            cell_layers.append({
                "name": name, "c_in": layer.c_in, "c_out": layer.c_out,
                "height": sizes[name][0], "width": sizes[name][1],
                "templates": {"A": f"{name}.A", "B": f"{name}.B", "z": f"{name}.z"},
                "cell": layer.describe(),
            })
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "architecture": {
            "name": "ContextUnet", "backbone": cfg.backbone, "n_feat": cfg.n_feat, "in_channels": cfg.in_channels,
            "image_size": cfg.image_size, "n_classes": cfg.n_classes,
            "class_input": "one-hot of c, multiplied by (1 - drop)",
            "time_input": "t_index / n_T",
            "cell_layer_names": list(model.cell_layers()),
        },
        "diffusion": {
            "n_T": N_T, "betas": list(BETAS), "schedule": "linear beta_t = beta1 + (beta2 - beta1) * t / n_T, t = 0..n_T",
            "alpha_bar": "prod_{s=0..t} (1 - beta_s)", "p_drop": P_DROP,
            "guidance": "eps = (1 + w) * eps(x, c) - w * eps(x, drop)", "data_range": [0.0, 1.0],
        },
        "tensors_file": MODEL_FILE,
        "tensors": tensor_entries(tensors),
        "cell_layers": cell_layers,
        "golden": golden_index(golden),
        "source": source,
    }


def golden_index(golden: dict) -> dict:
    """The manifest's `golden` entry: inputs, the trajectories' settings and every tensor."""
    return {
        "file": GOLDEN_FILE,
        "input": {"seed": GOLDEN_SEED, "c": GOLDEN_CLASS, "t_index": GOLDEN_T_INDEX, "drop": 0},
        "computed_in": "float64 from the float32 weights; stored float32",
        **golden_description(),
        "tensors": tensor_entries(golden),
    }


def all_golden(model: ContextUnet) -> dict[str, torch.Tensor]:
    """The forward and layer golden data, then the DDIM and DDPM trajectories."""
    return compute_golden(model, N_T) | compute_trajectories(model, N_T, BETAS)


def _atomic_json(path: Path, obj: dict) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(obj, indent=2) + "\n")
    os.replace(tmp, path)


def _atomic_safetensors(path: Path, tensors: dict, metadata: dict) -> None:
    tmp = path.with_name(path.name + ".tmp")
    save_file(tensors, str(tmp), metadata=metadata)
    os.replace(tmp, path)


def export_model(model: ContextUnet, outdir: str | os.PathLike, source: dict | None = None) -> dict:
    """Write model.safetensors, golden.safetensors and manifest.json; return the manifest."""
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    model = model.eval()
    tensors = export_tensors(model)
    golden = all_golden(model)
    manifest = build_manifest(model, tensors, golden, source or {})
    validate_manifest(manifest, tensors, golden)
    meta = {"format": FORMAT, "format_version": str(FORMAT_VERSION)}
    _atomic_safetensors(out / MODEL_FILE, tensors, meta)
    _atomic_safetensors(out / GOLDEN_FILE, golden, meta)
    _atomic_json(out / MANIFEST_FILE, manifest)
    return manifest


def load_export(outdir: str | os.PathLike) -> tuple[dict, dict[str, torch.Tensor], dict[str, torch.Tensor]]:
    """(manifest, tensors, golden) of an export, validated."""
    out = Path(outdir)
    manifest = json.loads((out / MANIFEST_FILE).read_text())
    tensors = load_file(str(out / manifest["tensors_file"]))
    golden = load_file(str(out / manifest["golden"]["file"])) if manifest.get("golden") else {}
    validate_manifest(manifest, tensors, golden)
    return manifest, tensors, golden


def model_from_export(outdir: str | os.PathLike) -> ContextUnet:
    """Rebuild the UNet from an export (the cell settings come from the source config)."""
    manifest, tensors, _ = load_export(outdir)
    run_cfg = manifest["source"].get("config")
    arch = manifest["architecture"]
    cfg = config_from_dict(run_cfg).unet() if run_cfg else UnetConfig(arch["backbone"], arch["n_feat"])
    model = ContextUnet(cfg)
    missing, unexpected = model.load_state_dict(tensors, strict=False)
    if unexpected or any(not k.endswith("num_batches_tracked") for k in missing):
        raise ValueError(f"export does not match the architecture: missing {missing}, unexpected {unexpected}")
    return model.eval()


def regenerate_golden(outdir: str | os.PathLike) -> dict:
    """Recompute golden.safetensors and the manifest's golden index of an export from its own
    weights; model.safetensors is not written. Returns the new manifest."""
    out = Path(outdir)
    manifest, tensors, _ = load_export(out)
    model = model_from_export(out)
    golden = all_golden(model)
    manifest = manifest | {"golden": golden_index(golden)}
    validate_manifest(manifest, tensors, golden)
    meta = {"format": FORMAT, "format_version": str(FORMAT_VERSION)}
    _atomic_safetensors(out / GOLDEN_FILE, golden, meta)
    _atomic_json(out / MANIFEST_FILE, manifest)
    return manifest


def untrained_model(backbone: str, n_feat: int, seed: int) -> tuple[ContextUnet, dict]:
    """A randomly initialised UNet (the `cpu` preset's cell settings) for parity fixtures: PyTorch's
    default initialisation from torch.manual_seed(seed), then the normalisation layers' affine
    parameters and BatchNorm's running statistics drawn at random too (by default they are 1 and 0,
    which would leave those code paths untested). Returns the model and its source entry."""
    from dataclasses import asdict

    cfg = make_config("cpu", backbone, n_feat=n_feat, seed=seed)
    torch.manual_seed(seed)
    model = ContextUnet(cfg.unet())
    g = torch.Generator().manual_seed(seed + 1)
    with torch.no_grad():
        for mod in model.modules():
            if isinstance(mod, (torch.nn.BatchNorm2d, torch.nn.GroupNorm)):
                mod.weight.copy_(1.0 + 0.2 * torch.randn(mod.weight.shape, generator=g))
                mod.bias.copy_(0.2 * torch.randn(mod.bias.shape, generator=g))
            if isinstance(mod, torch.nn.BatchNorm2d):
                mod.running_mean.copy_(0.3 * torch.randn(mod.running_mean.shape, generator=g))
                mod.running_var.copy_(0.5 + torch.rand(mod.running_var.shape, generator=g))
    source = {"untrained": True, "seed": seed, "weights": "random initialisation", "config": asdict(cfg)}
    return model.eval(), source


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m training.export", description="Export a checkpoint.")
    ap.add_argument("paths", nargs="+", metavar="CHECKPOINT OUTDIR | OUTDIR")
    ap.add_argument("--no-ema", action="store_true", help="export the raw weights, not the EMA weights")
    ap.add_argument("--untrained", metavar="BACKBONE", choices=("conv", "cellnn", "mcellnn"),
                    help="export a randomly initialised model instead of a checkpoint (OUTDIR only)")
    ap.add_argument("--n-feat", type=int, default=16, help="with --untrained: n_feat (default 16)")
    ap.add_argument("--seed", type=int, default=0, help="with --untrained: the initialisation seed (default 0)")
    args = ap.parse_args(argv)
    if args.untrained:
        if len(args.paths) != 1:
            ap.error("--untrained takes OUTDIR only")
        args.outdir = args.paths[0]
        model, source = untrained_model(args.untrained, args.n_feat, args.seed)
    else:
        if len(args.paths) != 2:
            ap.error("expected CHECKPOINT OUTDIR")
        args.checkpoint, args.outdir = args.paths
        ck = load_checkpoint(args.checkpoint)
        model, cfg = model_from_checkpoint(ck, use_ema=not args.no_ema)
        source = {"checkpoint": Path(args.checkpoint).name, "steps": ck["step"], "weights": "ema" if ck.get("ema") is not None and not args.no_ema else "raw",
                  "config": ck["config"] | {"init_from": Path(ck["config"].get("init_from") or "").name}}
    manifest = export_model(model, args.outdir, source)
    sizes = {f: os.path.getsize(Path(args.outdir) / f) for f in (MODEL_FILE, GOLDEN_FILE, MANIFEST_FILE)}
    print(json.dumps({"outdir": args.outdir, "backbone": manifest["architecture"]["backbone"], "bytes": sizes}, indent=2))


if __name__ == "__main__":
    sys.exit(main())
