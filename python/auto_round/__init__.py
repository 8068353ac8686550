"""AutoRound for Java, Python facade: the reference's ``auto_round`` API running on the Java library (GraalPy).

    from auto_round import AutoRound
    ar = AutoRound("Qwen/Qwen3-0.6B", scheme="W4A16")
    ar.quantize_and_save("./qmodel", format="auto_round")
"""

from . import schemes
from .auto_scheme import AutoScheme
from .autoround import AutoRound, QuantizedModel
from .recipes import RECIPES, recipe_kwargs
from .schemes import PRESET_SCHEMES, QuantizationScheme
from . import _java

__version__ = str(_java.jtype("io.autoround.Version").VERSION)

# Deprecated aliases of the reference.
AutoRoundLLM = AutoRound


def demo_model() -> str:
    """Folder of the stories260K demo model shipped inside the Java library (extracted on first use)."""
    return str(_java.call(_java.DemoAssets.model).toString())


__all__ = ["AutoRound", "AutoRoundLLM", "AutoScheme", "QuantizationScheme", "QuantizedModel", "PRESET_SCHEMES",
           "RECIPES", "recipe_kwargs", "demo_model", "schemes", "__version__"]
