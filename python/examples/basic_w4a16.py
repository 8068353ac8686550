"""README "API usage": W4A16 SignRound quantization, exported in the auto_round format."""

import _args
from auto_round import AutoRound

args = _args.parse(__doc__)

# Load a model (path or hub id) and choose a scheme; W4A16 is the default.
ar = AutoRound(args.model, scheme="W4A16", **args.settings())

# Quantize and save; the checkpoint goes to <output_dir>/<model name>-w4g128.
model, folder = ar.quantize_and_save(args.output_dir, format="auto_round")
print("saved to", folder)
