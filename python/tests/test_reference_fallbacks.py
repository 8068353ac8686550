"""Where the reference degrades instead of failing, the facade does too: unpackable layers stay in 16 bits, GGUF
k-quants without a SignRound tuner run the iters=0 path, and a SentencePiece-only model gets its tokenizer converted."""

import os
import shutil
import unittest

from auto_round import AutoRound
from _support import TempDirTestCase, read_header, read_json, read_tensors, shared_dir

# hidden 256, intermediate 768: with group_size 384 only down_proj (in_features 768) fits AWQ's K % G == 0
QWEN = os.path.join(shared_dir(), "golden", "formats", "source-qwen3")
# down_proj (in_features 1024) is a k-quant (int_asym_dq); narrower layers fall back to tunable q5_0/q8_0 types
QWEN_12M = os.path.join(shared_dir(), "data", "models", "tiny-qwen3-12m")
Q = "model.layers.0.self_attn.q_proj"
DOWN = "model.layers.0.mlp.down_proj"


class UnpackableLayersTest(TempDirTestCase):
    def test_auto_awq_keeps_layers_it_cannot_pack_in_16_bits(self):
        ar = AutoRound(QWEN, scheme="W4A16", sym=False, group_size=384, iters=0, disable_opt_rtn=True)
        model, folder = ar.quantize_and_save(self.out("awq"), format="auto_awq")  # the core warns per layer
        q = read_json(folder, "quantization_config.json")
        self.assertIn(Q, q["modules_to_not_convert"])
        self.assertNotIn(DOWN, q["modules_to_not_convert"])
        self.assertEqual(model.quantized_layers, 2)  # one down_proj per block
        header = read_header(os.path.join(folder, "model.safetensors"))
        self.assertIn(DOWN + ".qweight", header)
        self.assertNotIn(Q + ".qweight", header)
        source = read_tensors(os.path.join(QWEN, "model.safetensors"))
        out = read_tensors(os.path.join(folder, "model.safetensors"))
        self.assertEqual(out[Q + ".weight"], source[Q + ".weight"])

    def test_auto_round_asym_lists_kept_layers_in_extra_config(self):
        ar = AutoRound(QWEN, scheme="W4A16", sym=False, group_size=384, iters=0, disable_opt_rtn=True)
        _, folder = ar.quantize_and_save(self.out("ar"), format="auto_round")
        q = read_json(folder, "quantization_config.json")
        self.assertEqual(q["packing_format"], "auto_round:auto_awq")
        self.assertEqual(q["extra_config"][Q]["bits"], 16)
        self.assertEqual(ar.layer_config[Q]["bits"], 16)
        self.assertEqual(ar.layer_config[DOWN]["bits"], 4)


class GgufDefaultItersTest(TempDirTestCase):
    def test_default_iters_runs_the_iters0_path(self):
        ar = AutoRound(QWEN_12M, scheme="gguf:q4_k_m", disable_opt_rtn=True)  # the core warns once
        self.assertEqual(ar.iters, 0)
        _, folder = ar.quantize_and_save(self.out("g"), format="gguf:q4_k_m")
        explicit = AutoRound(QWEN_12M, scheme="gguf:q4_k_m", iters=0, disable_opt_rtn=True)
        _, folder0 = explicit.quantize_and_save(self.out("g0"), format="gguf:q4_k_m")
        with open(folder, "rb") as a, open(folder0, "rb") as b:
            self.assertEqual(a.read(), b.read())

    def test_format_gguf_with_explicit_iters_falls_back_with_a_warning(self):
        ar = AutoRound(QWEN_12M, iters=5, nsamples=8, seqlen=64, dataset="embedded", disable_opt_rtn=True)
        model, folder = ar.quantize_and_save(self.out("g"), format="gguf:q4_k_m")
        self.assertTrue(os.path.exists(folder), folder)
        self.assertEqual(model.algorithm, "RTN")
        self.assertEqual(ar.iters, 0)


class SentencePieceOnlyModelTest(TempDirTestCase):
    def test_model_without_tokenizer_json_quantizes_and_writes_the_converted_tokenizer(self):
        src = os.path.join(shared_dir(), "data", "models", "stories260k-hf")
        slow = self.out("slow")
        os.makedirs(slow)
        for name in ("config.json", "model.safetensors", "tokenizer.model", "tokenizer_config.json"):
            shutil.copy(os.path.join(src, name), slow)
        ar = AutoRound(slow, scheme="W4A16", group_size=32, iters=0)
        fast = AutoRound(src, scheme="W4A16", group_size=32, iters=0)
        text = "Once upon a time, Lily saw a big red ball in the park. naïve €5"
        ids = ar.tokenizer.encode(text)
        self.assertEqual(ids, fast.tokenizer.encode(text))
        self.assertEqual(ids[0], 1)  # BOS, as add_bos_token says
        self.assertEqual(ar.tokenizer.decode(ids), fast.tokenizer.decode(ids))
        _, folder = ar.quantize_and_save(self.out("q"), format="auto_round")
        written = read_json(folder, "tokenizer.json")
        self.assertEqual(written["model"]["merges"], read_json(src, "tokenizer.json")["model"]["merges"])


if __name__ == "__main__":
    unittest.main()
