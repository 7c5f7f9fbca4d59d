from training.unet import CELL_LAYER_NAMES, ContextUnet, UnetConfig, count_parameters, format_parameter_report, parameter_report


def test_conv_unet_has_exactly_6585601_parameters():
    assert count_parameters(ContextUnet(UnetConfig("conv", n_feat=128))) == 6_585_601


def test_cellular_variants_within_half_a_percent_and_report_says_where():
    for backbone in ("cellnn", "mcellnn"):
        model = ContextUnet(UnetConfig(backbone, n_feat=128))
        n = count_parameters(model)
        assert abs(n - 6_585_601) / 6_585_601 < 0.005
        rows = parameter_report(model)
        total = rows[-1]
        assert total["part"] == "total" and total["params"] == n and total["difference"] == n - 6_585_601
        differing = {r["part"] for r in rows[:-1] if r["difference"] != 0}
        assert differing == set(CELL_LAYER_NAMES)  # only the 7 replaced blocks differ
        # a conv block has two conv biases and two BatchNorms (5·C more than A, B, z)
        by_part = {r["part"]: r for r in rows}
        assert by_part["down2.block"]["difference"] == -5 * 256
        assert "init_conv" in format_parameter_report(rows)


def test_32x32_rgb_conv_unet_parameter_count():
    assert count_parameters(ContextUnet(UnetConfig("conv", 128, in_channels=3, image_size=32))) == 7_573_251
