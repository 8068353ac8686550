#!/usr/bin/env python3
"""Writes a random-weight Qwen3 checkpoint of any shape with numpy only (no torch), for memory benchmarks.

It reuses tiny-qwen3-12m's tokenizer and config (vocab 8192) and overrides the shape, like the GPU kit's
make_qwen3_shape_tf.py. Weights are bf16 N(0, 0.02^2) (norms 1), written shard by shard (<= 2 GB each) so the
generator itself never holds more than one tensor.

Usage: bench/make-random-qwen3.py TINY_QWEN3_DIR OUT_DIR [hidden layers intermediate heads kv_heads [head_dim]]
       (default 1024 8 3072 16 8 64; an 8B shape is 4096 36 12288 32 8 128)
"""
import json
import os
import shutil
import struct
import sys

import numpy as np


def bf16(a):
    """fp32 -> bf16 bit patterns, rounded to nearest even."""
    bits = a.astype(np.float32).view(np.uint32)
    return ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype(np.uint16)


def tensors(cfg):
    h, i, L = cfg["hidden_size"], cfg["intermediate_size"], cfg["num_hidden_layers"]
    d, nh, kv = cfg["head_dim"], cfg["num_attention_heads"], cfg["num_key_value_heads"]
    yield "model.embed_tokens.weight", (cfg["vocab_size"], h), False
    for l in range(L):
        p = "model.layers.%d." % l
        yield p + "input_layernorm.weight", (h,), True
        yield p + "post_attention_layernorm.weight", (h,), True
        yield p + "self_attn.q_norm.weight", (d,), True
        yield p + "self_attn.k_norm.weight", (d,), True
        yield p + "self_attn.q_proj.weight", (nh * d, h), False
        yield p + "self_attn.k_proj.weight", (kv * d, h), False
        yield p + "self_attn.v_proj.weight", (kv * d, h), False
        yield p + "self_attn.o_proj.weight", (h, nh * d), False
        yield p + "mlp.gate_proj.weight", (i, h), False
        yield p + "mlp.up_proj.weight", (i, h), False
        yield p + "mlp.down_proj.weight", (h, i), False
    yield "model.norm.weight", (h,), True


def write_shard(path, entries, rng):
    header, offset = {}, 0
    for name, shape, _ in entries:
        n = int(np.prod(shape)) * 2
        header[name] = {"dtype": "BF16", "shape": list(shape), "data_offsets": [offset, offset + n]}
        offset += n
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for name, shape, ones in entries:
            a = np.ones(shape, np.float32) if ones else rng.standard_normal(shape, dtype=np.float32) * 0.02
            f.write(bf16(a).tobytes())


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    tiny, out = sys.argv[1], sys.argv[2]
    dims = [int(x) for x in sys.argv[3:]] or [1024, 8, 3072, 16, 8]
    if len(dims) == 5:
        dims.append(64)
    cfg = json.load(open(os.path.join(tiny, "config.json")))
    for k, v in zip(["hidden_size", "num_hidden_layers", "intermediate_size", "num_attention_heads",
                     "num_key_value_heads", "head_dim"], dims):
        cfg[k] = v
    cfg["layer_types"] = ["full_attention"] * cfg["num_hidden_layers"]
    os.makedirs(out, exist_ok=True)
    for f in ("tokenizer.json", "tokenizer_config.json", "generation_config.json"):
        if os.path.exists(os.path.join(tiny, f)):
            shutil.copy(os.path.join(tiny, f), out)
    json.dump(cfg, open(os.path.join(out, "config.json"), "w"), indent=2)
    rng = np.random.default_rng(0)
    shards, cur, size = [], [], 0
    for t in tensors(cfg):
        n = int(np.prod(t[1])) * 2
        if cur and size + n > 2_000_000_000:
            shards.append(cur)
            cur, size = [], 0
        cur.append(t)
        size += n
    shards.append(cur)
    weight_map, total = {}, 0
    for k, entries in enumerate(shards):
        name = "model-%05d-of-%05d.safetensors" % (k + 1, len(shards))
        write_shard(os.path.join(out, name), entries, rng)
        for e in entries:
            weight_map[e[0]] = name
            total += int(np.prod(e[1])) * 2
    json.dump({"metadata": {"total_size": total}, "weight_map": weight_map},
              open(os.path.join(out, "model.safetensors.index.json"), "w"), indent=2)
    print("wrote %s: %d layers, %.2f GB bf16 in %d shard(s)" % (out, cfg["num_hidden_layers"], total / 1e9, len(shards)))


if __name__ == "__main__":
    main()
