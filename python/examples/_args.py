"""Command-line arguments shared by the examples, so that each runs as is on the embedded demo model.

    --model PATH|HUB_ID   model to quantize (default: the stories260K demo model inside the library)
    --output_dir DIR      where to write (default: ./tmp_autoround)
    --quick               few iterations and samples (used by the test suite)
"""

import argparse

import auto_round


def parse(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--model", default=None, help="model folder or hub id (default: the embedded demo model)")
    p.add_argument("--output_dir", default="./tmp_autoround")
    p.add_argument("--quick", action="store_true", help="4 iterations on 8 samples of 64 tokens")
    args = p.parse_args()
    if args.model is None:
        args.model = auto_round.demo_model()
    quick = dict(iters=4, nsamples=8, seqlen=64) if args.quick else {}
    # settings(iters=1000, ...) returns the example's keywords, cut down to seconds of work with --quick.
    args.settings = lambda **kwargs: {**kwargs, **quick}
    return args
