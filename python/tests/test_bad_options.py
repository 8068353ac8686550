"""Bad option values through the facade (issue 11, classes 2-4): each raises a plain ValueError naming the option
and the value, before anything is written, and leaves the model folder unchanged."""

import os
import shutil
import unittest

from auto_round import AutoRound
from _support import DEMO, TempDirTestCase, folder_hashes




class BadOptionValuesTest(TempDirTestCase):
    def setUp(self):
        super().setUp()
        self.model = os.path.join(self.tmp, "model")
        shutil.copytree(DEMO, self.model)
        for root, dirs, files in os.walk(self.model):
            os.chmod(root, 0o755)
            for name in files:
                os.chmod(os.path.join(root, name), 0o644)
        self.before = folder_hashes(self.model)

    def refused(self, *fragments, exc_type=ValueError, run=False, **kwargs):
        """AutoRound(model, **kwargs) (and quantize_and_save when run) raises exc_type naming every fragment."""
        kwargs.setdefault("iters", 0)
        out = os.path.join(self.tmp, "out")
        with self.assertRaises(exc_type) as cm:
            ar = AutoRound(self.model, **kwargs)
            if run:
                ar.quantize_and_save(out)
        self.assertIs(type(cm.exception), exc_type)  # not a polyglot.ForeignException or RuntimeError
        message = str(cm.exception)
        for fragment in fragments:
            self.assertIn(fragment, message)
        self.assertNotIn("at io.autoround", message)
        self.assertNotIn("Exception", message)
        self.assertFalse(os.path.exists(out), "nothing written")
        self.assertEqual(["model"], sorted(os.listdir(self.tmp)), "no temp folders")
        self.assertEqual(self.before, folder_hashes(self.model), "model folder unchanged")
        return message

    # class 2: sizes are checked against the model and the limits before any work

    def test_zero_and_negative_sizes(self):
        self.refused("nsamples", "0", iters=2, nsamples=0)
        self.refused("batch_size", "-1", iters=2, batch_size=-1)
        self.refused("seqlen", "1", iters=2, seqlen=1)
        self.refused("gradient_accumulate_steps", "0", iters=2, gradient_accumulate_steps=0)

    def test_group_size_wider_than_the_model(self):
        # stories260K: the widest layer input is 172.
        self.refused("group_size 100000", "172", group_size=100000)
        self.refused("act_group_size 8192", "172", scheme="MXFP4", act_group_size=8192, group_size=32)

    def test_ints_beyond_the_java_range(self):
        self.refused("nsamples=1000000000000", "out of range", iters=2, nsamples=10 ** 12)
        self.refused("layer_config['q_proj']", "bits", str(2 ** 70), layer_config={"q_proj": {"bits": 2 ** 70}})

    def test_limits(self):
        self.refused("nsamples x seqlen", "calibration_tokens", iters=2, nsamples=100000, seqlen=512)
        big = {"model.layers.%d.mlp.up_proj" % i: "W8A16" for i in range(10001)}
        self.refused("layer_config has 10001 entries", "layer_config_entries", layer_config=big)

    # class 3: bad values are named, never an internal error

    def test_floats_must_be_finite_and_in_range(self):
        self.refused("lr", "NaN", iters=2, lr=float("nan"))
        self.refused("minmax_lr", "Infinity", iters=2, minmax_lr=float("inf"))
        self.refused("lr", "-0.001", iters=2, lr=-0.001)
        self.refused("momentum", "NaN", iters=2, momentum=float("nan"))

    def test_layer_config_values_of_the_wrong_type(self):
        self.refused("layer_config['q_proj']", "bits", "'four'", layer_config={"q_proj": {"bits": "four"}})
        self.refused("layer_config['k_proj']", "sym", "'yes'", layer_config={"k_proj": {"sym": "yes"}})
        self.refused("layer_config['v_proj']", "group_size", "2.5", layer_config={"v_proj": {"group_size": 2.5}})

    def test_not_utf8_calibration_file(self):
        calib = os.path.join(self.tmp, "calib.txt")
        with open(calib, "wb") as f:
            f.write(b"hello \xff\xfe world")
        try:
            with self.assertRaises(ValueError) as cm:
                AutoRound(self.model, iters=2, nsamples=2, seqlen=16, dataset=calib)
            self.assertIn(calib, str(cm.exception))
            self.assertIn("not UTF-8 text", str(cm.exception))
            self.assertIn("offset 6", str(cm.exception))
        finally:
            os.remove(calib)
        self.assertEqual(self.before, folder_hashes(self.model))

    # class 4: options that were accepted and ignored are refused (or implemented)

    def test_dtype_names(self):
        self.refused("model_dtype", "'int8'", model_dtype="int8")
        self.refused("scale_dtype", "'fp4'", scale_dtype="fp4")
        self.refused("bits=24", "16", bits=24)

    def test_names_that_match_nothing(self):
        self.refused("to_quant_block_names", "decoder.blocks", to_quant_block_names="decoder.blocks")
        self.refused("to_quant_block_names", "layers.9", to_quant_block_names=["layers.9"])
        self.refused("device_map", "'npu'", device_map="npu")
        self.refused("layer_config['.*o_proj']", "bits=64", layer_config={".*o_proj": {"bits": 64}})

    def test_to_quant_block_names_quantizes_only_those_blocks(self):
        ar = AutoRound(self.model, iters=0, disable_opt_rtn=True, to_quant_block_names="model.layers.2")
        model, layer_config = ar.quantize()
        quantized = sorted(k for k, v in layer_config.items() if v["bits"] < 16)
        self.assertTrue(quantized, layer_config)
        self.assertTrue(all(k.startswith("model.layers.2.") for k in quantized), quantized)
        self.assertEqual(16, layer_config["model.layers.0.self_attn.q_proj"]["bits"])


if __name__ == "__main__":
    unittest.main()
