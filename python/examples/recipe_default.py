"""README recipe "default" (auto-round): 200 iterations, 128 samples of 2048 tokens, batch size 8.
The same values come from ``recipe_kwargs``, which also gives "best" and "light"."""

import _args
from auto_round import AutoRound, recipe_kwargs

args = _args.parse(__doc__)

ar = AutoRound(args.model, scheme="W4A16", **args.settings(**recipe_kwargs("default")))
model, folder = ar.quantize_and_save(args.output_dir, format="auto_round")
print("saved to", folder)
