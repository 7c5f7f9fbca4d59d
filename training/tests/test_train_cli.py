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
