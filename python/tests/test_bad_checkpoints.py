"""Bad checkpoints through the facade (issue 11, classes 5-7): a damaged or inconsistent model folder, paths that
lead outside it, and missing files each raise a plain Python exception naming the culprit, before anything is
written, and leave the model folder unchanged."""

import json
import os

from _support import folder_hashes, read_header
from test_bad_options import BadOptionValuesTest


class BadCheckpointTest(BadOptionValuesTest):
    # reuses setUp (a writable copy of the demo model) and refused() (type, message, nothing written, unchanged)

    def edit_config(self, **changes):
        path = os.path.join(self.model, "config.json")
        with open(path, encoding="utf-8") as f:
            config = json.load(f)
        config.update(changes)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(config, f)
        self.before = folder_hashes(self.model)

    def relink_outside(self, name):
        """Moves a file of the model next to the model folder and leaves a symbolic link in its place."""
        outside = os.path.join(self.tmp, "outside-" + name)
        os.replace(os.path.join(self.model, name), outside)
        os.symlink(outside, os.path.join(self.model, name))
        self.before = folder_hashes(self.model)
        return outside

    def assert_refused_keeping(self, outside, *fragments, **kwargs):
        """refused() for a model with a file linked outside: the linked file stays where it is, unchanged."""
        size = os.path.getsize(outside)
        out = os.path.join(self.tmp, "out")
        with self.assertRaises(ValueError) as cm:
            AutoRoundRun(self.model, out, **kwargs)
        for fragment in fragments:
            self.assertIn(fragment, str(cm.exception))
        self.assertFalse(os.path.exists(out), "nothing written")
        self.assertEqual(size, os.path.getsize(outside))

    # class 5: tensors against config.json, the config's numbers, the container

    def test_config_numbers_out_of_range(self):
        self.edit_config(rms_norm_eps=-1e-5)
        self.refused("rms_norm_eps", run=True)

    def test_config_disagreeing_with_the_tensors(self):
        self.edit_config(vocab_size=300)
        self.refused("embed_tokens", "300", run=True)

    def test_truncated_weights_file(self):
        path = os.path.join(self.model, "model.safetensors")
        with open(path, "rb+") as f:
            f.truncate(os.path.getsize(path) - 1000)
        self.before = folder_hashes(self.model)
        self.refused("model.safetensors", run=True)

    # class 6: every path read from a file or the folder stays inside the model folder

    def test_weights_linked_outside(self):
        outside = self.relink_outside("model.safetensors")
        self.assert_refused_keeping(outside, "outside the model folder")

    def test_tokenizer_linked_outside(self):
        outside = self.relink_outside("tokenizer.json")
        self.assert_refused_keeping(outside, "outside the model folder")

    def test_index_shard_outside(self):
        weights = os.path.join(self.model, "model.safetensors")
        names = [n for n in read_header(weights) if n != "__metadata__"]
        evil = os.path.join(self.tmp, "evil.safetensors")
        os.replace(weights, evil)
        with open(weights + ".index.json", "w", encoding="utf-8") as f:
            json.dump({"metadata": {}, "weight_map": {n: "../evil.safetensors" for n in names}}, f)
        self.before = folder_hashes(self.model)
        self.assert_refused_keeping(evil, "evil.safetensors")

    # class 7: a missing file is reported as such, naming it

    def test_missing_weights(self):
        os.remove(os.path.join(self.model, "model.safetensors"))
        self.before = folder_hashes(self.model)
        with self.assertRaises((FileNotFoundError, ValueError)) as cm:
            AutoRoundRun(self.model, os.path.join(self.tmp, "out"))
        self.assertIn("safetensors", str(cm.exception))
        self.assertEqual(self.before, folder_hashes(self.model))


def AutoRoundRun(model, out, **kwargs):
    from auto_round import AutoRound
    kwargs.setdefault("iters", 0)
    AutoRound(model, **kwargs).quantize_and_save(out)


del BadOptionValuesTest  # its own tests run from their module, not again from here
