"""training/from_tensors.py: a layer of a model cellspice did not train, through cellspice's CLI."""

import json
import shutil
import subprocess

import pytest
import torch
from safetensors.torch import load_file

from training.from_tensors import export_layer
from training.memristor import MemristorScales

from .conftest import REPO

MAIN = REPO / "dist" / "src" / "cli" / "main.js"


def _layer(seed=0, c=2, c_in=1, side=6):
    g = torch.Generator().manual_seed(seed)
    A = (torch.rand(c, c, 3, 3, generator=g) - 0.5) * 0.4
    B = torch.rand(c, c_in, 3, 3, generator=g) - 0.5
    z = (torch.rand(c, generator=g) - 0.5) * 0.6
    u = torch.rand(c_in, side, side, generator=g) * 2 - 1
    return A, B, z, u


def test_export_layer_writes_the_templates_and_input_cellspice_reads(tmp_path):
    A, B, z, u = _layer()
    m = export_layer(tmp_path, A, B, z, u=u, name="block", boundary="zero-flux")
    t = load_file(tmp_path / "model.safetensors")
    assert torch.equal(t["block.A"], A.float()) and torch.equal(t["block.B"], B.float())
    assert torch.equal(load_file(tmp_path / "golden.safetensors")["layers.block.input"][0], u.float())
    layer = json.loads((tmp_path / "manifest.json").read_text())["cell_layers"][0]
    assert layer == m["cell_layers"][0]
    assert (layer["c_in"], layer["c_out"], layer["height"], layer["width"]) == (1, 2, 6, 6)
    assert layer["cell"]["boundary"] == "zero-flux" and layer["cell"]["memristor"] is None
    with pytest.raises(ValueError, match=r"z: shape \[3\], expected \[2\]"):
        export_layer(tmp_path / "bad", A, B, torch.zeros(3), u=u)
    with pytest.raises(ValueError, match="height and width"):
        export_layer(tmp_path / "bad", A, B, z)
    m = export_layer(tmp_path / "m", A, B, z, u=u, memristor=MemristorScales(sense="y"))
    assert m["cell_layers"][0]["cell"]["memristor"]["sense"] == "y"
    assert m["architecture"]["backbone"] == "mcellnn"


@pytest.mark.skipif(not MAIN.exists() or shutil.which("ngspice") is None, reason="needs npm run build and ngspice")
def test_cellspice_exports_and_cosimulates_the_layer(tmp_path):
    A, B, z, u = _layer(seed=3)
    export_layer(tmp_path / "model", A, B, z, u=u, name="block")

    def cellspice(*args):
        return subprocess.run(["node", str(MAIN), "-q", *args], capture_output=True, text=True, cwd=REPO, timeout=300)

    r = cellspice("export", str(tmp_path / "model"), "--layer", "block", "--out-dir", str(tmp_path / "netlists"))
    assert r.returncode == 0, r.stderr
    text = (tmp_path / "netlists" / "block.cir").read_text()
    assert text.startswith("cellspice CellNN array block") and ".control" in text
    r = cellspice("cosim", str(tmp_path / "model"), "--layer", "block", "--tile", "3x3", "--jobs", "2",
                  "--out-dir", str(tmp_path / "cosim"))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "block: 2×6×6 cells in 4 tiles of 3×3" in r.stdout and "PASS" in r.stdout
    summary = json.loads((tmp_path / "cosim" / "layer-cosim.json").read_text())
    assert summary["verdict"]["pass"] is True and len(summary["tiles"]) == 4
