"""Scheme presets, QuantizationScheme and the recipe helpers (values come from the Java library)."""

import unittest

import auto_round
from auto_round import PRESET_SCHEMES, QuantizationScheme, recipe_kwargs, schemes


class SchemesTest(unittest.TestCase):
    def test_presets(self):
        self.assertEqual(PRESET_SCHEMES["W4A16"], QuantizationScheme(bits=4, group_size=128, sym=True,
                                                                     data_type="int", act_bits=16))
        self.assertEqual(schemes.W2A16G64.group_size, 64)
        self.assertEqual(schemes.W2A16G64.bits, 2)
        self.assertEqual(schemes.MXFP4.data_type, "mx_fp")
        self.assertEqual(schemes.MXFP4.group_size, 32)
        self.assertEqual(schemes.preset_name_to_scheme("w8a16").bits, 8)
        self.assertEqual(schemes.get_gguf_scheme("gguf:q4_k_m"), "GGUF:Q4_K_M")
        self.assertEqual(schemes.get_gguf_scheme("W4A16"), "")
        with self.assertRaisesRegex(ValueError, "Unknown scheme 'W7A3'"):
            schemes.preset_name_to_scheme("W7A3")

    def test_quantization_scheme_dict_access(self):
        s = QuantizationScheme.from_dict({"bits": 2, "group_size": 64})
        self.assertEqual(s["bits"], 2)
        self.assertEqual(s.overrides(), {"bits": 2, "group_size": 64, "sym": True, "data_type": "int"})
        # as the reference: keys that are not scheme fields are dropped
        self.assertEqual(QuantizationScheme.from_dict({"bits": 3, "bitz": 2, "scale_dtype": "fp16"})["bits"], 3)

    def test_recipes(self):
        self.assertEqual(auto_round.RECIPES, ("default", "best", "light"))
        self.assertEqual(recipe_kwargs("default"), {"iters": 200, "nsamples": 128, "batch_size": 8})
        self.assertEqual(recipe_kwargs("best"), {"iters": 1000, "nsamples": 512, "batch_size": 8,
                                                 "low_gpu_mem_usage": True})
        self.assertEqual(recipe_kwargs("light"), {"iters": 50, "nsamples": 128, "batch_size": 8, "lr": 5e-3})
        self.assertEqual(recipe_kwargs("auto-round-light", iters=3)["iters"], 3)
        with self.assertRaisesRegex(ValueError, "unknown recipe 'fast'"):
            recipe_kwargs("fast")


if __name__ == "__main__":
    unittest.main()
