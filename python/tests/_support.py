"""Helpers for the facade tests: the demo model, temporary folders and a safetensors header reader."""

import json
import hashlib
import os
import shutil
import struct
import tempfile
import unittest

import auto_round

DEMO = auto_round.demo_model()
# Few iterations, samples and tokens: every calibrated run in the suite takes seconds.
QUICK = dict(iters=4, nsamples=8, seqlen=64, dataset="embedded")
ATTENTION = ("q_proj", "k_proj", "v_proj", "o_proj")


def demo_config():
    with open(os.path.join(DEMO, "config.json"), encoding="utf-8") as f:
        return json.load(f)


def read_header(path):
    """Tensor name -> {"dtype", "shape", "data_offsets"} of a .safetensors file."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
    header.pop("__metadata__", None)
    return header


def read_tensors(path):
    """Tensor name -> raw bytes."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    header.pop("__metadata__", None)
    return {k: data[v["data_offsets"][0]:v["data_offsets"][1]] for k, v in header.items()}


def read_json(folder, name):
    with open(os.path.join(folder, name), encoding="utf-8") as f:
        return json.load(f)


class TempDirTestCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="autoround-pytest-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def out(self, name):
        return os.path.join(self.tmp, name)


def folder_hashes(folder):
    """Relative path -> sha256 of every file under folder."""
    out = {}
    for root, _dirs, files in os.walk(folder):
        for name in files:
            path = os.path.join(root, name)
            with open(path, "rb") as f:
                out[os.path.relpath(path, folder)] = hashlib.sha256(f.read()).hexdigest()
    return out


def shared_dir():
    """The read-only shared test assets: -Dautoround.shared.dir (set by the JUnit run), else ../shared of the root."""
    import java
    prop = java.type("java.lang.System").getProperty("autoround.shared.dir")
    if prop is not None:
        return str(prop)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return os.path.join(os.path.dirname(root), "shared")
