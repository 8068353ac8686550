"""The reference's recipes (reference-spec 5.1) as keyword arguments for ``AutoRound``.

``AutoRound(model, **recipe_kwargs("best"))`` is the Python spelling of the ``auto-round-best`` command. The values
come from the Java library's ``io.autoround.api.Recipe``; keywords the caller sets explicitly win.
"""

from . import _java

__all__ = ["RECIPES", "recipe_kwargs"]

RECIPES = ("default", "best", "light")


def recipe_kwargs(name: str = "default", **overrides) -> dict:
    """AutoRound keyword arguments of a recipe ("default", "best", "light"), updated with ``overrides``."""
    if not isinstance(name, str):
        raise TypeError("recipe name must be a str, got %s" % type(name).__name__)
    recipe = _java.call(_java.Recipe.parse, name)
    options = _java.QuantizeOptions()
    recipe.applyTo(options)
    kwargs = {"iters": int(options.iters), "nsamples": int(options.nsamples), "batch_size": int(options.batchSize)}
    if options.lr is not None:
        kwargs["lr"] = float(options.lr)
    if options.lowGpuMemUsage:
        kwargs["low_gpu_mem_usage"] = True
    kwargs.update(overrides)
    return kwargs
