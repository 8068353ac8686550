"""README "mixed bits via layer_config": 8-bit for the value projections (regex), 16-bit (kept) for one layer,
and W4A16 elsewhere; exported to two formats at once, then quantize() / save_quantized() separately."""

import _args
from auto_round import AutoRound

args = _args.parse(__doc__)

layer_config = {
    r".*v_proj": {"bits": 8, "group_size": 32},        # a regex: every value projection at 8 bits
    "model.layers.0.self_attn.o_proj": "W8A16",       # a preset name for one layer
    "model.layers.4.self_attn.q_proj": {"bits": 16},  # kept in full precision
}
ar = AutoRound(args.model, scheme="W4A16", layer_config=layer_config, **args.settings())

model, layer_config = ar.quantize()
for name in ("model.layers.0.self_attn.q_proj", "model.layers.0.self_attn.v_proj", "model.layers.0.self_attn.o_proj",
             "model.layers.4.self_attn.q_proj"):
    print(name, layer_config[name]["bits"], "bits, group", layer_config[name]["group_size"])

model, folders = ar.save_quantized(args.output_dir, format="auto_round,auto_gptq", return_folders=True)
print("saved to", folders)
