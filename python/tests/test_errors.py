"""Bad input through the facade: plain Python exceptions with messages that say what to pass instead."""

import os
import unittest

from auto_round import AutoRound, AutoScheme
from _support import DEMO, TempDirTestCase


class FakeModule:
    """Looks like a torch nn.Module to duck typing."""

    def named_modules(self):
        return iter(())


class FakeDataLoader:
    pass


FakeDataLoader.__module__ = "torch.utils.data.dataloader"


class BadInputTest(TempDirTestCase):
    def assert_plain(self, exc_type, fragment, **kwargs):
        with self.assertRaises(exc_type) as cm:
            AutoRound(**kwargs)
        self.assertIs(type(cm.exception), exc_type)  # not a polyglot.ForeignException
        self.assertIn(fragment, str(cm.exception))
        self.assertNotIn("at io.autoround", str(cm.exception))
        return str(cm.exception)

    def test_model_of_wrong_type(self):
        self.assert_plain(TypeError, "model must be a folder path or a hub id", model=123)

    def test_torch_module_as_model(self):
        self.assert_plain(TypeError, "pass the model's folder path or its hub id", model=FakeModule())

    def test_dataloader_as_dataset(self):
        msg = self.assert_plain(TypeError, "pass a dataset name", model=DEMO, dataset=FakeDataLoader())
        self.assertIn("list of strings", msg)

    def test_missing_model_path(self):
        missing = os.path.join(self.tmp, "no-such-model")
        self.assert_plain(OSError, missing, model=missing)

    def test_unknown_scheme(self):
        msg = self.assert_plain(ValueError, "Unknown scheme 'W9A16'", model=DEMO, scheme="W9A16")
        self.assertIn("W4A16", msg)

    def test_wrong_option_types(self):
        self.assert_plain(TypeError, "iters must be an int, got str", model=DEMO, iters="200")
        self.assert_plain(TypeError, "bits must be an int, got bool", model=DEMO, bits=True)
        self.assert_plain(TypeError, "lr must be a number", model=DEMO, lr="1e-3")
        self.assert_plain(TypeError, "layer_config must be a dict", model=DEMO, layer_config=["q_proj"])
        self.assert_plain(TypeError, "device_map must be a device string", model=DEMO, device_map={"": 0})
        self.assert_plain(TypeError, "low_cpu_mem_usage must be", model=DEMO, low_cpu_mem_usage="no")

    def test_low_cpu_mem_usage_reaches_the_java_options(self):
        self.assertTrue(AutoRound(DEMO)._options.lowCpuMemUsage)  # the reference's default: blocks streamed
        self.assertFalse(AutoRound(DEMO, low_cpu_mem_usage=False)._options.lowCpuMemUsage)

    def test_platform_and_seed(self):
        self.assert_plain(ValueError, "platform must be 'hf' or 'model_scope'", model=DEMO, platform="github")
        self.assert_plain(TypeError, "seed must be an int, got None", model=DEMO, seed=None)

    def test_invalid_values_come_back_from_java(self):
        self.assert_plain(ValueError, "iters must be >= 0", model=DEMO, iters=-1)
        self.assert_plain(ValueError, "bits must be > 0, got 0", model=DEMO, bits=0)

    def test_unknown_kwargs_are_warned_like_the_reference(self):
        with self.assertLogs("autoround", "WARNING") as logs:
            AutoRound(DEMO, iters=0, not_an_option=1, another=2)
        self.assertIn("unrecognized keys ['not_an_option', 'another'] were passed. Please check them.",
                      logs.output[0])

    def test_unsupported_features_are_refused(self):
        self.assert_plain(NotImplementedError, "rotation_config='quarot' is not supported", model=DEMO,
                          rotation_config="quarot")

    def test_auto_scheme(self):
        scheme = AutoScheme(avg_bits=3, options="W2A16,W4A16")
        self.assertEqual(scheme.options, ["W2A16", "W4A16"])
        self.assert_plain(NotImplementedError, "can only be passed as AutoRound's scheme=", model=DEMO,
                          layer_config={"lm_head": scheme})
        with self.assertRaises(ValueError):
            AutoScheme(avg_bits=3, options="W4A16_MIXED,W2A16")

    def test_save_before_quantize(self):
        ar = AutoRound(DEMO, iters=0)
        with self.assertRaisesRegex(RuntimeError, "call quantize\\(\\) first"):
            ar.save_quantized(self.out("x"))

    def test_unknown_format(self):
        ar = AutoRound(DEMO, iters=0)
        with self.assertRaises(ValueError) as cm:
            ar.quantize_and_save(self.out("x"), format="no_such_format")
        self.assertIn("no_such_format", str(cm.exception))

    def test_output_dir_is_a_file(self):
        path = self.out("file")
        with open(path, "w") as f:
            f.write("x")
        ar = AutoRound(DEMO, iters=0, disable_opt_rtn=True)
        model, layer_config = ar.quantize()
        with self.assertRaises(ValueError) as cm:
            ar.save_quantized(path)
        self.assertIn("is an existing file", str(cm.exception))


if __name__ == "__main__":
    unittest.main()
