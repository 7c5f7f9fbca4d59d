"""Train a denoising UNet on MNIST.

    python -m training.train --backbone conv|cellnn|mcellnn --preset paper|cpu|tiny \
        --data DIR --out DIR [--resume] [--n-feat N] [--max-steps N] [--threads N] ...

Writes OUT/checkpoint.pt (atomically, every --ckpt-every steps and at each epoch end),
OUT/grid_epochK.png (guided samples, one column per class, per epoch), OUT/log.jsonl and
OUT/summary.json.
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import time
from pathlib import Path

import torch
from tqdm import tqdm

from . import cellular, memristor
from .checkpoint import CHECKPOINT_NAME, config_dict, load_checkpoint, save_checkpoint
from .data import load_mnist
from .diffusion import ddpm_loss, ddpm_schedule, guided_eps
from .imaging import save_grid
from .presets import PRESETS, RunConfig, make_config
from .samplers import SAMPLERS
from .unet import BACKBONES, ContextUnet, count_parameters


@torch.no_grad()
def sample_grid(model: torch.nn.Module, cfg: RunConfig, per_class: int = 4, seed: int = 1234,
                device: str = "cpu") -> torch.Tensor:
    """per_class × 10 guided samples (w = cfg.guide_w), classes 0…9 along each row."""
    sched = ddpm_schedule()
    g = torch.Generator().manual_seed(seed)
    c = torch.arange(10).repeat(per_class).to(device)
    x_T = torch.randn(len(c), 1, 28, 28, generator=g).to(device)
    sampler = SAMPLERS[cfg.grid_sampler]
    steps = cfg.grid_steps if cfg.grid_sampler == "ddim" else None
    return sampler(guided_eps(model, c, cfg.guide_w, sched.n_T), sched, x_T, generator=g, steps=steps).cpu()


def ema_update(ema: torch.nn.Module, model: torch.nn.Module, decay: float) -> None:
    with torch.no_grad():
        for e, p in zip(ema.state_dict().values(), model.state_dict().values()):
            if e.dtype.is_floating_point:
                e.mul_(decay).add_(p, alpha=1.0 - decay)
            else:
                e.copy_(p)


def train(cfg: RunConfig, data: str | None, out: Path, resume: bool, ckpt_every: int = 200,
          max_minutes: float = 0.0, quiet: bool = False, device: str = "cpu", session_steps: int = 0,
          grids: bool = True) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(cfg.seed)
    x_all, y_all = load_mnist("train", data)
    if cfg.train_subset:
        x_all, y_all = x_all[: cfg.train_subset], y_all[: cfg.train_subset]
    per_epoch = len(x_all) // cfg.batch
    total = cfg.epochs * per_epoch if not cfg.max_steps else min(cfg.max_steps, cfg.epochs * per_epoch)
    model = ContextUnet(cfg.unet())
    if cfg.init_from:
        src = load_checkpoint(cfg.init_from)
        model.load_state_dict(src["ema"] if src.get("ema") is not None else src["model"])
    model.to(device)
    ema = copy.deepcopy(model).requires_grad_(False) if cfg.ema_decay else None
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    sched = ddpm_schedule()
    step, log = 0, []
    gen = torch.Generator().manual_seed(cfg.seed + 1)
    if resume and (out / CHECKPOINT_NAME).exists():
        ck = load_checkpoint(out / CHECKPOINT_NAME)
        budget = ("max_steps", "epochs")  # a run may be resumed with a longer budget
        if {k: v for k, v in ck["config"].items() if k not in budget} != {
            k: v for k, v in config_dict(cfg).items() if k not in budget
        }:
            raise ValueError(f"--resume: {out} was trained with another configuration: {ck['config']}")
        model.load_state_dict(ck["model"])  # load_state_dict copies into the tensors on `device`
        if ema is not None:
            ema.load_state_dict(ck["ema"])
        opt.load_state_dict(ck["optim"])
        step, log = ck["step"], ck["log"]
        gen.set_state(ck["rng"])
    log_file = (out / "log.jsonl").open("a")
    t_start = time.time()
    session_end = step + session_steps if session_steps else 0

    def checkpoint() -> None:
        save_checkpoint(out / CHECKPOINT_NAME, {
            "config": config_dict(cfg), "model": model.state_dict(),
            "ema": ema.state_dict() if ema is not None else None, "optim": opt.state_dict(),
            "step": step, "log": log, "rng": gen.get_state(),
        })

    bar = tqdm(total=total, initial=step, disable=quiet, dynamic_ncols=True)
    running, window, t_window = 0.0, 0, time.time()
    stop = False
    while step < total and not stop:
        epoch, offset = divmod(step, per_epoch)
        perm = torch.randperm(len(x_all), generator=torch.Generator().manual_seed(cfg.seed * 1000 + epoch))
        model.train()
        for b in range(offset, per_epoch):
            idx = perm[b * cfg.batch : (b + 1) * cfg.batch]
            for group in opt.param_groups:  # linear decay to 0 over the run (the reference decays per epoch)
                group["lr"] = cfg.lr * (1.0 - step / total)
            loss = ddpm_loss(model, x_all[idx].to(device), y_all[idx].to(device), sched, generator=gen)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            if cfg.grad_clip:
                torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
            opt.step()
            if ema is not None:
                ema_update(ema, model, cfg.ema_decay)
            if not math.isfinite(loss.item()):
                raise FloatingPointError(f"loss is {loss.item()} at step {step}")
            step += 1
            running, window = running + loss.item(), window + 1
            bar.update(1)
            bar.set_postfix(epoch=epoch, loss=f"{running / window:.4f}")
            if step % 50 == 0 or step == total:
                row = {"step": step, "epoch": epoch, "loss": running / window,
                       "sec_per_step": (time.time() - t_window) / window, "elapsed_s": time.time() - t_start}
                log.append(row)
                log_file.write(json.dumps(row) + "\n")
                log_file.flush()
                running, window, t_window = 0.0, 0, time.time()
            timed_out = (max_minutes and time.time() - t_start > 60 * max_minutes) or step == session_end
            if step % ckpt_every == 0 or step == total or timed_out:
                checkpoint()
            if step == total or timed_out:
                stop = bool(timed_out)
                break
        # end of an epoch (or of the run): a sample grid from the weights that will be exported
        if grids:
            grid = sample_grid((ema or model).eval(), cfg, device=device)
            save_grid(grid, out / f"grid_epoch{epoch + 1}.png")
        checkpoint()
    bar.close()
    summary = {"config": config_dict(cfg), "params": count_parameters(model), "steps": step,
               "epochs_done": step / per_epoch, "final_loss": log[-1]["loss"] if log else None,
               "wall_s_this_session": time.time() - t_start}
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    return summary


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m training.train", description=__doc__.split("\n")[0])
    ap.add_argument("--backbone", choices=BACKBONES, required=True)
    ap.add_argument("--preset", choices=sorted(PRESETS), required=True)
    ap.add_argument("--data", default=None, help="MNIST dir (default $CELLSPICE_MNIST or ../shared/datasets/mnist)")
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--n-feat", type=int)
    ap.add_argument("--batch", type=int)
    ap.add_argument("--epochs", type=int)
    ap.add_argument("--max-steps", type=int)
    ap.add_argument("--lr", type=float)
    ap.add_argument("--seed", type=int)
    ap.add_argument("--train-subset", type=int)
    ap.add_argument("--cell-solver", dest="solver", choices=cellular.SOLVERS,
                    help="integration of the cellular layers (default: the preset's)")
    ap.add_argument("--cell-steps", dest="steps", type=int,
                    help="fixed solver steps over [0, T] (default: the preset's; recorded in the manifest's cell.solver)")
    ap.add_argument("--grad-checkpoint", action="store_true",
                    help="recompute each cell solver step in the backward pass (memory for many steps)")
    ap.add_argument("--init", dest="init_from", help="initialise the weights from this checkpoint (same shapes)")
    ap.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (0: PyTorch's default)")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu",
                    help="torch device (default: cuda when available)")
    ap.add_argument("--compile", action="store_true", help="torch.compile the memristor kernel (M-CellNN)")
    ap.add_argument("--ckpt-every", type=int, default=200)
    ap.add_argument("--max-minutes", type=float, default=0.0, help="stop cleanly after this wall time")
    ap.add_argument("--session-steps", type=int, default=0,
                    help="stop cleanly after this many steps in this session (resume continues; the lr schedule is the run's)")
    ap.add_argument("--no-grid", action="store_true", help="no sample grid at epoch ends (costly for many cell steps)")
    args = ap.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.compile:
        memristor.enable_compile()
    if args.grad_checkpoint:
        cellular.enable_step_checkpointing()
    cfg = make_config(args.preset, args.backbone, n_feat=args.n_feat, batch=args.batch, epochs=args.epochs,
                      max_steps=args.max_steps, lr=args.lr, seed=args.seed, train_subset=args.train_subset,
                      init_from=args.init_from, solver=args.solver, steps=args.steps)
    summary = train(cfg, args.data, args.out, args.resume, args.ckpt_every, args.max_minutes, device=args.device,
                    session_steps=args.session_steps, grids=not args.no_grid)
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
