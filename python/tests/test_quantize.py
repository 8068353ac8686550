"""Quantizing the demo model through the facade: the checkpoint written and the values returned."""

import math
import os
import unittest

from auto_round import AutoRound, QuantizedModel
from _support import ATTENTION, DEMO, QUICK, TempDirTestCase, demo_config, read_header, read_json, read_tensors


class QuantizeAndSaveTest(TempDirTestCase):
    def check_w4_checkpoint(self, folder, group_size):
        cfg = demo_config()
        files = set(os.listdir(folder))
        for f in ("model.safetensors", "config.json", "quantization_config.json", "tokenizer.json"):
            self.assertIn(f, files)
        q = read_json(folder, "quantization_config.json")
        self.assertEqual(q["bits"], 4)
        self.assertEqual(q["group_size"], group_size)
        self.assertTrue(q["sym"])
        self.assertEqual(q["quant_method"], "auto-round")
        self.assertEqual(q["packing_format"], "auto_round:auto_gptq")
        self.assertEqual(read_json(folder, "config.json")["quantization_config"]["bits"], 4)
        header = read_header(os.path.join(folder, "model.safetensors"))
        hidden, heads, kv, head_dim = (cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_key_value_heads"],
                                       cfg["head_dim"])
        outs = {"q_proj": heads * head_dim, "k_proj": kv * head_dim, "v_proj": kv * head_dim, "o_proj": hidden}
        ins = {"q_proj": hidden, "k_proj": hidden, "v_proj": hidden, "o_proj": heads * head_dim}
        for layer in range(cfg["num_hidden_layers"]):
            for proj in ATTENTION:
                base = "model.layers.%d.self_attn.%s." % (layer, proj)
                groups = math.ceil(ins[proj] / group_size)
                self.assertEqual(header[base + "qweight"]["shape"], [ins[proj] // 8, outs[proj]], base)
                self.assertEqual(header[base + "qweight"]["dtype"], "I32")
                self.assertEqual(header[base + "qzeros"]["shape"], [groups, outs[proj] // 8], base)
                self.assertEqual(header[base + "scales"]["shape"], [groups, outs[proj]], base)
                self.assertEqual(header[base + "scales"]["dtype"], "F16")
                self.assertNotIn(base + "weight", header)
            # The MLP widths (172) are not multiples of 32: those layers stay in full precision.
            self.assertEqual(header["model.layers.%d.mlp.up_proj.weight" % layer]["shape"],
                             [cfg["intermediate_size"], hidden])
        return q

    def test_signround_w4a16_checkpoint_and_return_values(self):
        ar = AutoRound(DEMO, scheme="W4A16", group_size=32, **QUICK)
        model, folder = ar.quantize_and_save(self.out("q"), format="auto_round")
        self.assertIsInstance(folder, str)
        self.assertEqual(folder, os.path.join(self.out("q"), "stories260k-w4g32"))
        q = self.check_w4_checkpoint(folder, 32)
        self.assertEqual(q["iters"], 4)
        self.assertEqual(q["nsamples"], 8)
        self.assertEqual(q["seqlen"], 64)
        self.assertIsInstance(model, QuantizedModel)
        self.assertEqual(model.algorithm, "SIGN_ROUND")
        self.assertEqual(model.scheme, "W4A16")
        self.assertEqual(model.quantized_layers, 4 * demo_config()["num_hidden_layers"])
        self.assertEqual(model.saved_to, [folder])
        self.assertTrue(ar.quantized)
        self.assertEqual(ar.layer_config["model.layers.0.self_attn.q_proj"]["bits"], 4)
        self.assertEqual(ar.layer_config["model.layers.0.mlp.up_proj"]["bits"], 16)

    def test_rtn_default_group_size(self):
        model, folder = AutoRound(DEMO, iters=0, nsamples=8, seqlen=64, dataset="embedded").quantize_and_save(
            self.out("rtn"))
        self.assertTrue(folder.endswith("stories260k-w4g128"))
        q = self.check_w4_checkpoint(folder, 128)
        # the reference's RTN config serializes no "iters" (its golden exports), only enable_quanted_input=False
        self.assertNotIn("iters", q)
        self.assertFalse(q["enable_quanted_input"])
        self.assertEqual(model.algorithm, "OPT_RTN")

    def test_quantize_then_save_quantized_matches_quantize_and_save(self):
        ar = AutoRound(DEMO, group_size=32, **QUICK)
        model, layer_config = ar.quantize()
        self.assertEqual(set(layer_config), {"model.layers.%d.%s" % (b, n) for b in range(5) for n in
                                             ("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj",
                                              "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj")}
                         | {"lm_head"})
        self.assertEqual(layer_config["model.layers.2.self_attn.k_proj"],
                         {"bits": 4, "group_size": 32, "sym": True, "data_type": "int", "act_bits": 16,
                          "act_group_size": 32, "act_sym": True, "act_data_type": "float", "act_dynamic": True,
                          "scale_dtype": "torch.float16"})
        self.assertIs(ar.model, model)
        self.assertIs(ar.layer_config, layer_config)
        # save_quantized writes into the folder itself (no model sub-folder) and returns the model.
        saved = ar.save_quantized(self.out("direct"), format="auto_round")
        self.assertIs(saved, model)
        self.assertTrue(os.path.isfile(self.out("direct/model.safetensors")))
        streamed_model, streamed = AutoRound(DEMO, group_size=32, **QUICK).quantize_and_save(self.out("streamed"))
        self.assertEqual(read_tensors(self.out("direct/model.safetensors")),
                         read_tensors(os.path.join(streamed, "model.safetensors")))

    def test_several_formats_return_a_list_of_folders(self):
        ar = AutoRound(DEMO, iters=0, group_size=32, disable_opt_rtn=True)
        model, folders = ar.quantize_and_save(self.out("multi"), format="auto_round,auto_gptq")
        self.assertEqual(folders, [os.path.join(self.out("multi"), "auto-round", "stories260k-w4g32"),
                                   os.path.join(self.out("multi"), "auto-gptq", "stories260k-w4g32")])
        self.assertEqual(read_json(folders[1], "quantization_config.json")["quant_method"], "gptq")

    def test_list_of_strings_as_dataset(self):
        texts = ["Once upon a time there was a little girl named Lily who loved to play in the park with her dog. "
                 * 4] * 8
        model, folder = AutoRound(DEMO, group_size=32, iters=2, nsamples=4, seqlen=32,
                                  dataset=texts).quantize_and_save(self.out("texts"))
        self.assertEqual(read_json(folder, "quantization_config.json")["nsamples"], 4)

    def test_scheme_object_and_layer_config(self):
        from auto_round import QuantizationScheme
        ar = AutoRound(DEMO, scheme=QuantizationScheme(bits=8, group_size=32), iters=0,
                       layer_config={r".*k_proj": {"bits": 4}, "model.layers.1.self_attn.q_proj": "W2A16G32"})
        model, layer_config = ar.quantize()
        self.assertEqual(layer_config["model.layers.0.self_attn.q_proj"]["bits"], 8)
        self.assertEqual(layer_config["model.layers.3.self_attn.k_proj"]["bits"], 4)
        self.assertEqual(layer_config["model.layers.1.self_attn.q_proj"]["bits"], 2)
        folder = ar.save_quantized(self.out("mixed"), return_folders=True)[1]
        extra = read_json(folder, "quantization_config.json")["extra_config"]
        self.assertEqual(extra["model.layers.1.self_attn.q_proj"]["bits"], 2)


if __name__ == "__main__":
    unittest.main()
