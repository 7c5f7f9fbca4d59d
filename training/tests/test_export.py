import copy
import json

import pytest
import torch

from training.export import export_model, load_export, model_from_export
from training.manifest import ManifestError, validate_manifest
from training.presets import make_config
from training.unet import CELL_LAYER_NAMES, ContextUnet


@pytest.fixture(scope="module", params=["conv", "cellnn", "mcellnn"])
def exported(request, tmp_path_factory):
    cfg = make_config("tiny", request.param)
    torch.manual_seed(0)
    model = ContextUnet(cfg.unet()).eval()
    out = tmp_path_factory.mktemp(request.param)
    manifest = export_model(model, out, {"config": cfg.__dict__ | {}})
    return model, out, manifest


def test_export_round_trips_every_tensor_bit_exactly(exported):
    model, out, _ = exported
    manifest, tensors, golden = load_export(out)
    state = {k: v for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")}
    assert set(tensors) == set(state)
    for k, v in state.items():
        assert tensors[k].dtype == v.dtype and torch.equal(tensors[k], v), k
    back = model_from_export(out)
    for k, v in state.items():
        assert torch.equal(back.state_dict()[k], v)


def test_manifest_validates_and_describes_the_cells(exported):
    model, out, manifest = exported
    _, tensors, golden = load_export(out)
    validate_manifest(manifest, tensors, golden)
    backbone = manifest["architecture"]["backbone"]
    if backbone == "conv":
        assert manifest["cell_layers"] == []
        return
    assert [l["name"] for l in manifest["cell_layers"]] == list(CELL_LAYER_NAMES)
    first = manifest["cell_layers"][0]
    assert first["templates"] == {"A": "init_conv.A", "B": "init_conv.B", "z": "init_conv.z"}
    assert (first["height"], first["width"], first["c_in"]) == (28, 28, 1)
    assert first["cell"]["x0"] == "zero" and first["cell"]["boundary"] == "fixed"
    assert (first["cell"]["memristor"] is None) == (backbone == "cellnn")
    assert f"layers.init_conv.x_T" in golden
    assert ("layers.init_conv.w_T" in golden) == (backbone == "mcellnn")


def test_validator_reports_every_problem(exported):
    _, out, manifest = exported
    _, tensors, golden = load_export(out)
    bad = copy.deepcopy(manifest)
    bad["format_version"] = 99
    del bad["architecture"]["n_feat"]
    bad["tensors"][0]["shape"] = [1, 2, 3]
    with pytest.raises(ManifestError) as e:
        validate_manifest(bad, tensors, golden)
    text = "\n".join(e.value.problems)
    assert "format_version" in text and "n_feat" in text and bad["tensors"][0]["name"] in text
    if manifest["cell_layers"]:
        bad = copy.deepcopy(manifest)
        bad["cell_layers"][2]["templates"]["A"] = bad["cell_layers"][2]["templates"]["B"]
        bad["cell_layers"][3]["cell"]["solver"]["method"] = "leapfrog"
        with pytest.raises(ManifestError) as e:
            validate_manifest(bad)
        assert len(e.value.problems) == 2
    json.dumps(manifest)  # plain JSON


def test_golden_forward_pass_reproduces_from_the_export(exported):
    _, out, _ = exported
    model = model_from_export(out)
    _, _, g = load_export(out)
    with torch.no_grad():
        y = model(g["forward.x_t"], g["forward.c"], g["forward.t"], g["forward.drop"])
    assert torch.allclose(y, g["forward.output"], atol=1e-4, rtol=1e-4)
