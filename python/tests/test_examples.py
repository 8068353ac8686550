"""Every script in python/examples runs to completion (with --quick) and writes a checkpoint."""

import glob
import os
import runpy
import sys
import unittest

from _support import TempDirTestCase, read_json

EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples")


def run_example(path, output_dir):
    saved_argv, saved_path = sys.argv, list(sys.path)
    sys.argv = [path, "--quick", "--output_dir", output_dir]
    sys.path.insert(0, EXAMPLES)
    try:
        runpy.run_path(path, run_name="__main__")
    finally:
        sys.argv, sys.path[:] = saved_argv, saved_path


def checkpoints(folder):
    return sorted(os.path.dirname(p) for p in glob.glob(os.path.join(folder, "**", "quantization_config.json"),
                                                        recursive=True))


class ExamplesTest(TempDirTestCase):
    def test_every_example_is_covered(self):
        names = sorted(os.path.basename(p) for p in glob.glob(os.path.join(EXAMPLES, "[!_]*.py")))
        self.assertEqual(names, ["basic_w4a16.py", "layer_config.py", "recipe_best.py", "recipe_default.py",
                                 "recipe_light.py"])

    def run_and_check(self, name, expected_folders):
        run_example(os.path.join(EXAMPLES, name), self.tmp)
        found = checkpoints(self.tmp)
        self.assertEqual([os.path.relpath(f, self.tmp) for f in found], expected_folders)
        for f in found:
            self.assertTrue(os.path.isfile(os.path.join(f, "model.safetensors")))
        return found

    def test_basic_w4a16(self):
        folder = self.run_and_check("basic_w4a16.py", ["stories260k-w4g128"])[0]
        self.assertEqual(read_json(folder, "quantization_config.json")["iters"], 4)

    def test_recipe_default(self):
        self.run_and_check("recipe_default.py", ["stories260k-w4g128"])

    def test_recipe_best(self):
        folder = self.run_and_check("recipe_best.py", ["stories260k-w4g128"])[0]
        self.assertTrue(read_json(folder, "quantization_config.json")["low_gpu_mem_usage"])

    def test_recipe_light(self):
        folder = self.run_and_check("recipe_light.py", ["stories260k-w4g128"])[0]
        self.assertEqual(read_json(folder, "quantization_config.json")["lr"], 5e-3)

    def test_layer_config(self):
        found = self.run_and_check("layer_config.py", ["auto-gptq", "auto-round"])
        extra = read_json(found[1], "quantization_config.json")["extra_config"]
        self.assertEqual(extra["model.layers.0.self_attn.v_proj"]["bits"], 8)
        self.assertEqual(extra["model.layers.4.self_attn.q_proj"]["bits"], 16)


if __name__ == "__main__":
    unittest.main()
