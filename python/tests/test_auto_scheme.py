"""AutoScheme through the facade: the search runs in Java and its per-layer choice comes back."""

import json
import os

from auto_round import AutoRound, AutoScheme
from _support import DEMO, TempDirTestCase, read_json


class AutoSchemeTest(TempDirTestCase):
    def scheme(self, avg_bits, options="W2A16,W4A16", **kwargs):
        return AutoScheme(avg_bits=avg_bits, options=options, nsamples=4, seqlen=32, dataset="embedded", **kwargs)

    def test_mixed_bits_meet_the_budget_and_are_saved(self):
        ar = AutoRound(DEMO, scheme=self.scheme(3.0), iters=0)
        model, folder = ar.quantize_and_save(self.out("as"))
        table = read_json(folder, "auto_scheme.json")
        self.assertLessEqual(table["achieved_avg_bits"], 3.0)
        self.assertGreater(table["achieved_avg_bits"], 2.140625)
        chosen = {row["layer"]: row["bits"] for row in table["layers"]}
        self.assertEqual(set(chosen.values()), {2, 4})
        for layer, bits in chosen.items():
            self.assertEqual(ar.layer_config[layer]["bits"], bits, layer)
        extra = read_json(folder, "quantization_config.json").get("extra_config", {})
        self.assertTrue(any(v.get("bits") == 2 for v in extra.values()) or
                        read_json(folder, "quantization_config.json")["bits"] == 2)

    def test_signround_tunes_the_chosen_per_layer_schemes(self):
        ar = AutoRound(DEMO, scheme=self.scheme(3.0), iters=2, nsamples=4, seqlen=32, dataset="embedded")
        model, folder = ar.quantize_and_save(self.out("sr"))
        self.assertEqual(model.algorithm, "SIGN_ROUND")
        table = read_json(folder, "auto_scheme.json")
        for row in table["layers"]:
            self.assertEqual(ar.layer_config[row["layer"]]["bits"], row["bits"], row["layer"])
        self.assertEqual({row["bits"] for row in table["layers"]}, {2, 4})

    def test_bad_requests_are_plain_errors(self):
        with self.assertRaisesRegex(ValueError, "outside the valid range"):
            AutoRound(DEMO, scheme=self.scheme(1.0), iters=0)
        with self.assertRaisesRegex(ValueError, "not a preset"):
            AutoScheme(avg_bits=3, options="W2A16,W9A16")
        with self.assertRaisesRegex(NotImplementedError, "list of avg_bits"):
            AutoRound(DEMO, scheme=AutoScheme(avg_bits=[3, 4], options="W2A16,W4A16"), iters=0)
        ar = AutoRound(DEMO, scheme=self.scheme(3.0), iters=0)
        with self.assertRaisesRegex(ValueError, "cannot hold per-layer schemes"):
            ar.quantize_and_save(self.out("awq"), format="auto_awq")
