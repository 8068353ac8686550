"""README recipe "best": higher accuracy, about 4-5x slower (1000 iterations, 512 samples)."""

import _args
from auto_round import AutoRound

args = _args.parse(__doc__)

ar = AutoRound(args.model, scheme="W4A16", **args.settings(nsamples=512, iters=1000, low_gpu_mem_usage=True))
model, folder = ar.quantize_and_save(args.output_dir, format="auto_round")
print("saved to", folder)
