"""AutoRound for Java, Python facade: the reference's ``auto_round`` API running on the Java library (GraalPy).

    from auto_round import AutoRound
    ar = AutoRound("Qwen/Qwen3-0.6B", scheme="W4A16")
    ar.quantize_and_save("./qmodel", format="auto_round")
"""

from . import schemes
from .auto_scheme import AutoScheme
from .autoround import AutoRound, Model, QuantizedModel, Tokenizer
from .configs import (AdamRoundConfig, AWQConfig, OptimizedRTNConfig, RotationConfig, RTNConfig, SignRoundConfig,
                      SignRoundV2Config, SpinQuantConfig)
from .recipes import RECIPES, recipe_kwargs
from .schemes import PRESET_SCHEMES, QuantizationScheme
from . import _java

__version__ = str(_java.jtype("io.autoround.Version").VERSION)

# Deprecated aliases of the reference.
AutoRoundLLM = AutoRound


# AutoRoundMLLM / AutoRoundDiffusion hand everything to AutoRound, as in the reference: a text LLM quantizes;
# multimodal and diffusion models are refused there (processor, guidance_scale, ... raise NotImplementedError).
AutoRoundMLLM = AutoRound
AutoRoundDiffusion = AutoRound


def AutoRoundAdam(*args, **kwargs):
    """Deprecated alias of the reference: AutoRound with the Adam optimizer (enable_adam=True)."""
    kwargs.setdefault("enable_adam", True)
    return AutoRound(*args, **kwargs)


def demo_model() -> str:
    """Folder of the stories260K demo model shipped inside the Java library (extracted on first use)."""
    return str(_java.call(_java.DemoAssets.model).toString())


__all__ = ["AutoRound", "AutoRoundLLM", "AutoRoundMLLM", "AutoRoundAdam", "AutoRoundDiffusion", "AutoScheme",
           "QuantizationScheme", "RTNConfig", "OptimizedRTNConfig", "SignRoundConfig", "AdamRoundConfig",
           "SignRoundV2Config", "AWQConfig", "RotationConfig", "SpinQuantConfig", "Model", "QuantizedModel",
           "Tokenizer", "PRESET_SCHEMES", "RECIPES", "recipe_kwargs", "demo_model", "schemes", "__version__"]
