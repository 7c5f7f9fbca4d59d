"""test/fixtures/nn/ops.safetensors is exactly what training/nn_golden.py writes (it cannot drift)."""

import json

import torch
from safetensors import safe_open
from safetensors.torch import load_file

from training import nn_golden
from training.tests.conftest import REPO

COMMITTED = REPO / "test" / "fixtures" / "nn" / "ops.safetensors"
# Op outputs (and torch's erf/GELU) come from PyTorch kernels whose summation order may depend on
# the CPU's vector width; the inputs come from seeded generators and must match bit for bit.
OUTPUT_ROLES = ("y", "erf_torch", "gelu_torch")


def test_regenerated_golden_file_equals_the_committed_one(tmp_path):
    out = nn_golden.write(tmp_path / "ops.safetensors")
    fresh, committed = load_file(str(out)), load_file(str(COMMITTED))
    assert set(fresh) == set(committed)
    for name, v in fresh.items():
        c = committed[name]
        assert v.dtype == c.dtype == torch.float64 and v.shape == c.shape, name
        if name.rsplit(".", 1)[1] in OUTPUT_ROLES:
            scale = c.abs().max().clamp_min(1e-300)
            assert ((v - c).abs().max() / scale).item() <= 1e-14, name
        else:
            assert torch.equal(v, c), name
    with safe_open(str(out), "pt") as f, safe_open(str(COMMITTED), "pt") as g:
        assert f.metadata() == g.metadata()
        cases = json.loads(f.metadata()["cases"])
    assert [c["name"] for c in cases] == [n for n, _, _ in nn_golden.CASES]
    assert COMMITTED.stat().st_size < 400 * 1024


def test_every_case_has_its_output_and_a_bias_exactly_where_asked():
    tensors = load_file(str(COMMITTED))
    for name, op, options in nn_golden.CASES:
        assert f"{name}.y" in tensors, name
        if op in ("conv2d", "convTranspose2d", "linear"):
            assert (f"{name}.bias" in tensors) == options.get("bias", True), name


def test_golden_gelu_is_the_unets_exact_erf_form():
    """special.gelu_torch is what the UNet's nn.GELU() computes, not the tanh approximation."""
    t = load_file(str(COMMITTED))
    x, g = t["special.x"], t["special.gelu_torch"]
    assert torch.equal(torch.nn.GELU()(x), g)
    assert not torch.equal(torch.nn.GELU(approximate="tanh")(x), g)
