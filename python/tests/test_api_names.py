"""The reference's public names beyond AutoRound itself: algorithm configs (alg_configs=), every preset of
auto_round.schemes, the attributes scripts read from an AutoRound object, and platform=."""

import os
import unittest

import auto_round
from auto_round import (AdamRoundConfig, AutoRound, AWQConfig, OptimizedRTNConfig, RotationConfig, RTNConfig,
                        SignRoundConfig, SignRoundV2Config, SpinQuantConfig)
from auto_round import schemes
from _support import DEMO, QUICK, TempDirTestCase, demo_config, read_json

# auto_round.__all__ of the reference 0.15.0.
REFERENCE_ALL = ["__version__", "AutoRound", "AutoRoundLLM", "AutoRoundMLLM", "AutoRoundAdam", "AutoRoundDiffusion",
                 "AutoScheme", "QuantizationScheme", "RTNConfig", "OptimizedRTNConfig", "SignRoundConfig",
                 "AdamRoundConfig", "SignRoundV2Config", "AWQConfig", "RotationConfig", "SpinQuantConfig"]
# Module-level presets of the reference's auto_round/schemes.py.
REFERENCE_PRESETS = ["W4A16", "W5A16", "W6A16", "W2A16", "W2A16G64", "W2A16G32", "W3A16", "W8A16", "MXFP4", "MXFP6",
                     "MXFP4_RCEIL", "MXFP8", "MXFP8_RCEIL", "MXINT4", "NVFP4", "NVFP4_E5M3", "FPW8A16", "FP8_BLOCK",
                     "FP8_STATIC", "INT8", "INT4", "BF16"]
RUN = dict(nsamples=8, seqlen=64, dataset="embedded")


class ExportedNamesTest(unittest.TestCase):
    def test_reference_all_is_importable(self):
        for name in REFERENCE_ALL:
            self.assertTrue(hasattr(auto_round, name), name)
            self.assertIn(name, auto_round.__all__)

    def test_every_reference_preset_is_a_module_constant(self):
        for name in REFERENCE_PRESETS:
            self.assertIsInstance(getattr(schemes, name), schemes.QuantizationScheme, name)
            self.assertIn(name, schemes.PRESET_SCHEMES)
        for name in ("INT8_W8A8", "W4A16_MIXED", "GGUF:Q4_K_M", "GGUF:Q2_K_MIXED", "GGUF:Q8_0"):
            self.assertIn(name, schemes.PRESET_SCHEMES)
        from auto_round.schemes import FP8_BLOCK, NVFP4_E5M3  # the reference's spelling
        self.assertEqual(FP8_BLOCK.group_size, (128, 128))
        self.assertEqual((FP8_BLOCK.bits, FP8_BLOCK.data_type, FP8_BLOCK.act_bits, FP8_BLOCK.act_group_size),
                         (8, "fp", 8, 128))
        self.assertEqual((NVFP4_E5M3.bits, NVFP4_E5M3.group_size, NVFP4_E5M3.data_type, NVFP4_E5M3.act_data_type),
                         (4, 16, "nvfp4_v2", "nvfp4_v2"))
        self.assertEqual(schemes.preset_name_to_scheme("fp8_block"), FP8_BLOCK)
        self.assertEqual(schemes.scheme_to_preset_name(schemes.W8A16), "W8A16")
        self.assertTrue(schemes.is_mx_fp("mx_fp4") and not schemes.is_standard_fp("mx_fp"))

    def test_fp8_block_preset_resolves_to_2d_blocks(self):
        for scheme in ("FP8_BLOCK", schemes.FP8_BLOCK):
            ar = AutoRound(DEMO, scheme=scheme, iters=0)
            self.assertEqual((ar.bits, ar.group_size, ar.data_type, ar.act_bits, ar.act_group_size, ar.act_dynamic),
                             (8, (128, 128), "fp", 8, 128, True))


class ConfigClassesTest(unittest.TestCase):
    def test_signround_config_defaults_and_scheme_fields(self):
        c = SignRoundConfig(bits=8, group_size=32, lr=0.01)
        self.assertEqual((c.iters, c.lr, c.nblocks, c.enable_quanted_input), (200, 0.01, 1, True))
        self.assertEqual((c.bits, c.group_size, c.sym), (8, 32, None))
        self.assertEqual(c.scheme_overrides(), {"bits": 8, "group_size": 32})
        with self.assertRaises(TypeError):
            SignRoundConfig(no_such_knob=1)
        self.assertIsNone(RTNConfig().disable_opt_rtn)
        self.assertFalse(RTNConfig(enable_opt_rtn=True).disable_opt_rtn)
        self.assertTrue(issubclass(AdamRoundConfig, SignRoundConfig) and issubclass(OptimizedRTNConfig, RTNConfig))

    def test_unimplemented_algorithms_construct_and_fail_when_used(self):
        self.assertEqual(AWQConfig(n_grid=10).n_grid, 10)
        self.assertEqual(RotationConfig(hadamard_type="random_hadamard").hadamard_type, "random_hadamard")
        self.assertTrue(SpinQuantConfig().r1)
        for alg, word in (("awq", "AWQ"), (AWQConfig(), "AWQ"), ("svdquant", "SVDQuant"), ("hadamard", "Hadamard"),
                          (RotationConfig(), "Hadamard"), (SpinQuantConfig(), "SpinQuant"),
                          (["awq", "rtn"], "AWQ")):
            with self.assertRaises(NotImplementedError) as cm:
                AutoRound(DEMO, alg_configs=alg)
            self.assertIn(word, str(cm.exception))

    def test_signround_variants_reach_the_java_options(self):
        self.assertTrue(AutoRound(DEMO, alg_configs=AdamRoundConfig(iters=2), **RUN)._options.enableAdam)
        with self.assertRaises(NotImplementedError) as cm:
            AutoRound(DEMO, alg_configs=SignRoundV2Config(iters=2), **RUN)
        self.assertIn("enable_alg_ext", str(cm.exception))

    def test_bad_alg_configs(self):
        with self.assertRaises(ValueError) as cm:
            AutoRound(DEMO, alg_configs="no_such_algo")
        self.assertIn("rtn", str(cm.exception))
        with self.assertRaises(ValueError):
            AutoRound(DEMO, alg_configs="rtn", algorithm="rtn")
        with self.assertRaises(TypeError):
            AutoRound(DEMO, alg_configs=42)


class AlgConfigsRunTest(TempDirTestCase):
    def test_signround_config_drives_the_run(self):
        ar = AutoRound(DEMO, alg_configs=SignRoundConfig(iters=4, group_size=32, lr=0.02), **RUN)
        self.assertEqual((ar.iters, ar.group_size, ar.bits), (4, 32, 4))
        model, folder = ar.quantize_and_save(self.out("sr"), format="auto_round")
        self.assertEqual(model.algorithm, "SIGN_ROUND")
        q = read_json(folder, "quantization_config.json")
        self.assertEqual((q["iters"], q["group_size"], q["lr"]), (4, 32, 0.02))

    def test_keywords_given_to_autoround_win_over_the_config(self):
        ar = AutoRound(DEMO, alg_configs=SignRoundConfig(iters=4, group_size=32), iters=2, group_size=64, **RUN)
        self.assertEqual((ar.iters, ar.group_size), (2, 64))

    def test_rtn_aliases_and_configs(self):
        self.assertEqual(AutoRound(DEMO, alg_configs="rtn", iters=50, **RUN).iters, 0)
        model, _ = AutoRound(DEMO, alg_configs=RTNConfig(disable_opt_rtn=True, group_size=32), **RUN).quantize()
        self.assertEqual(model.algorithm, "RTN")
        self.assertEqual(model.layer_config["model.layers.0.self_attn.q_proj"]["group_size"], 32)
        model, _ = AutoRound(DEMO, alg_configs=OptimizedRTNConfig(group_size=32), **RUN).quantize()
        self.assertEqual(model.algorithm, "OPT_RTN")
        model, _ = AutoRound(DEMO, alg_configs=SignRoundConfig(iters=0, group_size=32), **RUN).quantize()
        self.assertEqual(model.algorithm, "OPT_RTN")  # iters=0 means RTN, as in the reference
        model, _ = AutoRound(DEMO, algorithm="auto_round", iters=2, group_size=32, **RUN).quantize()
        self.assertEqual(model.algorithm, "SIGN_ROUND")


class AttributesTest(TempDirTestCase):
    def test_scheme_attributes_after_construction(self):
        ar = AutoRound(DEMO, scheme="W4A16", iters=0)
        self.assertEqual((ar.bits, ar.group_size, ar.sym, ar.data_type, ar.act_bits), (4, 128, True, "int", 16))
        self.assertEqual(ar.scale_dtype, "torch.float16")
        self.assertIs(ar.enable_torch_compile, False)
        self.assertEqual((ar.lr, ar.minmax_lr), (5e-3, 5e-3))  # iters 0: the reference's 5e-3
        tuned = AutoRound(DEMO, iters=50)
        self.assertEqual((tuned.lr, tuned.minmax_lr), (1.0 / 50, 1.0 / 50))
        given = AutoRound(DEMO, iters=50, lr=0.01)
        self.assertEqual((given.lr, given.minmax_lr), (0.01, 0.01))
        self.assertEqual(AutoRound(DEMO, iters=50, lr=0.01, minmax_lr=0.002).minmax_lr, 0.002)
        ar8 = AutoRound(DEMO, scheme="W8A16", group_size=32, sym=False, iters=0)
        self.assertEqual((ar8.bits, ar8.group_size, ar8.sym), (8, 32, False))
        self.assertEqual(AutoRound(DEMO, scheme="MXFP4", iters=0).data_type, "mx_fp")

    def test_model_and_tokenizer(self):
        ar = AutoRound(DEMO, iters=0)
        self.assertEqual(os.path.realpath(ar.model.path), os.path.realpath(DEMO))
        self.assertEqual(ar.model.config["hidden_size"], demo_config()["hidden_size"])
        self.assertEqual(ar.tokenizer.path, ar.model.path)
        ids = ar.tokenizer.encode("Once upon a time")
        self.assertTrue(len(ids) > 1 and all(isinstance(i, int) for i in ids))
        self.assertIn("Once upon a time", ar.tokenizer.decode(ids))
        self.assertEqual(ar.tokenizer("Once upon a time")["input_ids"], ids)

    def test_layer_config_after_quantize(self):
        ar = AutoRound(DEMO, group_size=32, layer_config={"model.layers.1.self_attn.v_proj": {"bits": 8}}, **QUICK)
        self.assertIsNone(ar.layer_config)
        model, layer_config = ar.quantize()
        self.assertIs(ar.model, model)
        self.assertEqual(ar.layer_config["model.layers.0.self_attn.q_proj"]["bits"], 4)
        self.assertEqual(ar.layer_config["model.layers.1.self_attn.v_proj"]["bits"], 8)
        self.assertEqual(ar.layer_config["model.layers.0.self_attn.q_proj"]["act_bits"], 16)
        self.assertEqual(ar.layer_config["model.layers.0.self_attn.q_proj"]["scale_dtype"], "torch.float16")
        self.assertEqual(model.config["hidden_size"], demo_config()["hidden_size"])


class SerializedKeysTest(TempDirTestCase):
    """Keys the reference serializes only when they differ from its defaults (the goldens use the defaults)."""

    def test_amp_and_low_gpu_mem_usage_are_written_when_off_default(self):
        _, folder = AutoRound(DEMO, iters=0, group_size=32, amp=False, low_gpu_mem_usage=True,
                              **RUN).quantize_and_save(self.out("rtn"))
        q = read_json(folder, "quantization_config.json")
        self.assertIs(q["amp"], False)
        self.assertIs(q["low_gpu_mem_usage"], True)
        self.assertNotIn("scale_dtype", q)  # fp16, the default, is dropped as in the reference
        _, folder = AutoRound(DEMO, iters=0, group_size=32, **RUN).quantize_and_save(self.out("default"))
        q = read_json(folder, "quantization_config.json")
        self.assertNotIn("amp", q)
        self.assertNotIn("low_gpu_mem_usage", q)


    def test_gguf_scheme_in_auto_round_format_writes_its_fp32_scale_dtype(self):
        ar = AutoRound(DEMO, scheme="gguf:q4_0", iters=0, **RUN)
        self.assertEqual(ar.scale_dtype, "torch.float32")
        _, folder = ar.quantize_and_save(self.out("gguf"), format="auto_round")
        q = read_json(folder, "quantization_config.json")
        self.assertEqual(q["scale_dtype"], "torch.float32")
        self.assertEqual((q["bits"], q["group_size"]), (4, 32))


class PlatformTest(unittest.TestCase):
    def test_model_scope_per_call(self):
        # A local folder needs no hub; the choice reaches the Java options (its hub switch is tested in Java).
        ar = AutoRound(DEMO, platform="model_scope", iters=0)
        self.assertEqual(str(ar._options.platform), "model_scope")
        self.assertIsNone(AutoRound(DEMO, iters=0)._options.platform)
        with self.assertRaises(ValueError):
            AutoRound(DEMO, platform="s3")


if __name__ == "__main__":
    unittest.main()
