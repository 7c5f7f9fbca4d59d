import json

from training.checkpoint import load_checkpoint
from training.train import main


def test_train_tiny_writes_checkpoint_grid_log_and_resumes(tmp_path, mnist_batch):
    out = tmp_path / "run"
    args = ["--backbone", "cellnn", "--preset", "tiny", "--out", str(out), "--train-subset", "64",
            "--epochs", "1", "--max-steps", "1"]
    main(args)
    assert load_checkpoint(out)["step"] == 1
    main(args[:-1] + ["2", "--resume"])
    ck = load_checkpoint(out)
    assert ck["step"] == 2
    assert (out / "grid_epoch1.png").exists() and not list(out.glob("*.tmp"))
    rows = [json.loads(l) for l in (out / "log.jsonl").read_text().splitlines()]
    assert rows[-1]["step"] == 2


def test_sessions_of_k_steps_add_up_to_one_run(tmp_path, mnist_batch):
    # train.py --session-steps: stop after K steps, --resume continues with the run's lr schedule;
    # --no-grid skips the sample grids; the cell solver options reach the checkpoint's config.
    out = tmp_path / "run"
    args = ["--backbone", "mcellnn", "--preset", "tiny", "--out", str(out), "--train-subset", "64",
            "--epochs", "1", "--max-steps", "2", "--session-steps", "1", "--no-grid",
            "--cell-solver", "rk4-wclamp", "--cell-steps", "2"]
    main(args)
    ck = load_checkpoint(out)
    assert ck["step"] == 1 and ck["config"]["solver"] == "rk4-wclamp" and ck["config"]["steps"] == 2
    main(args + ["--resume"])
    assert load_checkpoint(out)["step"] == 2
    assert not list(out.glob("grid_epoch*.png"))
