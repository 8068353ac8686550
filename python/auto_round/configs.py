"""The reference's algorithm config classes (``alg_configs=``): ``SignRoundConfig``, ``RTNConfig``, ``AWQConfig``...

A config carries scheme overrides (``bits``, ``group_size``, ...) and its algorithm's knobs. ``AutoRound`` turns the
SignRound / RTN families into the Java library's options. Algorithms the Java library does not have (AWQ, SVDQuant,
Hadamard/QuaRot rotations, SpinQuant) can be constructed, so scripts import and build them, but ``AutoRound`` refuses
them with ``NotImplementedError`` naming the algorithm.
"""

from .schemes import QuantizationScheme, _FIELDS as _SCHEME_FIELDS

__all__ = ["QuantizationConfig", "SignRoundConfig", "AdamRoundConfig", "SignRoundV2Config", "RTNConfig",
           "OptimizedRTNConfig", "AWQConfig", "RotationConfig", "SpinQuantConfig", "ALGORITHM_ALIASES",
           "resolve_alg_configs"]


class QuantizationConfig:
    """Base of the block-quantizer configs: scheme fields go to ``self.scheme``; unknown arguments are refused."""

    need_calib = True
    # Algorithm knobs of the class and their defaults (the reference's keyword arguments).
    _DEFAULTS = {}

    def __init__(self, *, scheme=None, **kwargs):
        if isinstance(scheme, str):
            from .schemes import preset_name_to_scheme
            scheme = preset_name_to_scheme(scheme)
        elif isinstance(scheme, dict):
            scheme = QuantizationScheme.from_dict(scheme)
        object.__setattr__(self, "scheme", scheme.copy() if scheme is not None else QuantizationScheme.empty())
        object.__setattr__(self, "_user_set_scheme_fields", set())
        for key, default in self._DEFAULTS.items():
            object.__setattr__(self, key, kwargs.pop(key, default))
        unknown = [k for k in kwargs if k not in _SCHEME_FIELDS]
        if unknown:
            raise TypeError("Unexpected quantization config argument(s): %s" % ", ".join(repr(k) for k in unknown))
        for key, value in kwargs.items():
            setattr(self, key, value)

    def __getattr__(self, name):
        if name in _SCHEME_FIELDS:
            return getattr(self.scheme, name)
        raise AttributeError("%s object has no attribute %r" % (type(self).__name__, name))

    def __setattr__(self, name, value):
        if name in _SCHEME_FIELDS:
            setattr(self.scheme, name, value)
            self._user_set_scheme_fields.add(name)
            return
        object.__setattr__(self, name, value)

    def __repr__(self):
        knobs = ", ".join("%s=%r" % (k, getattr(self, k)) for k in self._DEFAULTS)
        scheme = ", ".join("%s=%r" % (k, v) for k, v in self.scheme_overrides().items())
        return "%s(%s)" % (type(self).__name__, ", ".join(x for x in (knobs, scheme) if x))

    def scheme_overrides(self):
        """The scheme fields this config sets (the preset passed to AutoRound fills the rest)."""
        return {k: v for k, v in self.scheme.items() if v is not None and k != "rotation_config"}

    def _autoround_kwargs(self):
        """AutoRound keyword arguments this config stands for (keywords passed to AutoRound itself win)."""
        raise NotImplementedError(self._unsupported_message())

    def _unsupported_message(self):
        return ("%s is not supported by AutoRound for Java: the Java library implements SignRound "
                "(SignRoundConfig, SignRoundV2Config, AdamRoundConfig) and RTN (RTNConfig, OptimizedRTNConfig)"
                % type(self).__name__)


class SignRoundConfig(QuantizationConfig):
    """SignRound block tuning (the reference's default algorithm, alias "auto_round")."""

    _DEFAULTS = {"iters": 200, "lr": None, "minmax_lr": None, "lr_scheduler": None, "momentum": 0.0, "nblocks": 1,
                 "enable_minmax_tuning": True, "enable_norm_bias_tuning": False, "gradient_accumulate_steps": 1,
                 "enable_alg_ext": False, "not_use_best_mse": False, "dynamic_max_gap": -1,
                 "enable_quanted_input": True, "optimizer": None, "enable_adam": False, "enable_lfq": False}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if self.iters is not None and self.iters < 0:
            raise ValueError("`iters` must be non-negative")
        if self.nblocks is not None and self.nblocks <= 0:
            raise ValueError("`nblocks` must be positive")
        if self.gradient_accumulate_steps is not None and self.gradient_accumulate_steps <= 0:
            raise ValueError("`gradient_accumulate_steps` must be positive")

    def _autoround_kwargs(self):
        out = {k: getattr(self, k) for k in self._DEFAULTS if getattr(self, k) is not None}
        if isinstance(self, AdamRoundConfig):
            out["enable_adam"] = True
        if isinstance(self, SignRoundV2Config):
            out["enable_alg_ext"] = True
        if out.get("iters") == 0:  # the reference's rule: a SignRound config with iters=0 is RTN
            out = {"iters": 0}
        return out


class AdamRoundConfig(SignRoundConfig):
    """SignRound with the Adam optimizer (``enable_adam=True``)."""


class SignRoundV2Config(SignRoundConfig):
    """SignRound with the algorithm extension (``enable_alg_ext=True``)."""


class RTNConfig(QuantizationConfig):
    """Round-to-nearest, no tuning (alias "rtn"); ``disable_opt_rtn=None`` lets the library choose optimized RTN."""

    need_calib = False
    _DEFAULTS = {"disable_opt_rtn": None}

    def __init__(self, **kwargs):
        enable_opt_rtn = kwargs.pop("enable_opt_rtn", None)
        super().__init__(**kwargs)
        if enable_opt_rtn:
            self.disable_opt_rtn = False

    def _autoround_kwargs(self):
        out = {"iters": 0, "_rtn": True}
        if isinstance(self, OptimizedRTNConfig):
            out["disable_opt_rtn"] = False
        elif self.disable_opt_rtn is not None:
            out["disable_opt_rtn"] = self.disable_opt_rtn
        return out


class OptimizedRTNConfig(RTNConfig):
    """RTN with the optimized (error-weighted) rounding search."""

    need_calib = True


class AWQConfig(QuantizationConfig):
    """AWQ smoothing, a pre-processor of the reference (alias "awq"). Not implemented in AutoRound for Java."""

    _DEFAULTS = {"duo_scaling": True, "n_grid": 20, "seqlen": 2048, "nsamples": 128, "batch_size": 8,
                 "apply_smooth": True, "smooth_iters": 1, "apply_clip": False, "clip_as_init": False,
                 "clip_n_grid": 20, "clip_max_shrink": 0.5, "clip_n_sample_token": 512, "awq_seqlen": None,
                 "smooth_batch_size": None, "skip_moe": True, "mappings": None}

    def _unsupported_message(self):
        return ("AWQ (alg_configs='awq' / AWQConfig) is not implemented in AutoRound for Java; use SignRound "
                "(the default) or RTN (iters=0)")


class _TransformConfig:
    """Base of the rotation configs: fields with the reference's defaults; any other keyword is refused."""

    _DEFAULTS = {}
    _NAME = ""

    def __init__(self, **kwargs):
        unknown = [k for k in kwargs if k not in self._DEFAULTS]
        if unknown:
            raise TypeError("Unexpected %s argument(s): %s" % (type(self).__name__,
                                                               ", ".join(repr(k) for k in unknown)))
        for key, default in self._DEFAULTS.items():
            setattr(self, key, kwargs.get(key, default))

    def __repr__(self):
        return "%s(%s)" % (type(self).__name__, ", ".join("%s=%r" % (k, getattr(self, k)) for k in self._DEFAULTS))

    def _unsupported_message(self):
        return "%s (%s) is not implemented in AutoRound for Java" % (self._NAME, type(self).__name__)


class RotationConfig(_TransformConfig):
    """Hadamard rotation (aliases "hadamard", "random_hadamard", "quarot_hadamard"). Not implemented here."""

    _DEFAULTS = {"backend": "auto", "block_size": None, "hadamard_type": "hadamard", "fuse_online_to_weight": None,
                 "allow_online_rotation": True, "random_seed": False}
    _NAME = "Hadamard rotation"

    @property
    def algorithm(self):
        return "hadamard"


class SpinQuantConfig(_TransformConfig):
    """SpinQuant / QuaRot rotations. Not implemented in AutoRound for Java."""

    _DEFAULTS = {"r1": True, "r2": True, "r3": False, "r4": False, "rotation_size": None, "random_r1": False,
                 "random_r2": False, "random_r3": False, "random_r4": False, "trainable_rotation": False,
                 "trainable_smooth": False, "online_r1_rotation": True}
    _NAME = "SpinQuant rotation"

    @property
    def algorithm(self):
        return "spinquant"


def _svdquant():
    raise NotImplementedError("SVDQuant (alg_configs='svdquant') is not implemented in AutoRound for Java")


# The reference's algorithm aliases (auto_round/cli/algorithms.py) -> config factory.
ALGORITHM_ALIASES = {
    "auto_round": SignRoundConfig, "autoround": SignRoundConfig, "sign_round": SignRoundConfig,
    "signround": SignRoundConfig, "rtn": RTNConfig, "awq": AWQConfig, "svdquant": _svdquant,
    "hadamard": RotationConfig, "random_hadamard": lambda: RotationConfig(hadamard_type="random_hadamard"),
    "quarot_hadamard": lambda: RotationConfig(hadamard_type="quarot_hadamard"),
}


def _from_name(name):
    if not isinstance(name, str):
        raise TypeError("Algorithm names must be strings, got %s." % type(name).__name__)
    factory = ALGORITHM_ALIASES.get(name.strip().lower())
    if factory is None:
        raise ValueError("Unknown algorithm alias '%s'. Supported aliases: %s." % (name.strip(),
                                                                                  sorted(ALGORITHM_ALIASES)))
    return factory()


def resolve_alg_configs(alg_configs):
    """The AutoRound keyword arguments an ``alg_configs`` value stands for ({} for None).

    Accepts an alias ("auto_round", "rtn", "awq", ... or a comma-separated list), a config object, or a list of
    either. Algorithms the Java library lacks raise NotImplementedError naming them.
    """
    if alg_configs is None:
        return {}
    if isinstance(alg_configs, str):
        raw = [n for n in alg_configs.split(",") if n.strip()]
        if not raw:
            raise ValueError("`algorithm`/`alg_configs` must contain at least one algorithm name.")
    elif isinstance(alg_configs, (list, tuple)):
        raw = list(alg_configs)
    else:
        raw = [alg_configs]
    configs, seen = [], set()
    for item in raw:
        if isinstance(item, str):
            key = ALGORITHM_ALIASES.get(item.strip().lower())
            if key in seen:
                continue
            seen.add(key)
            item = _from_name(item)
        if not isinstance(item, (QuantizationConfig, _TransformConfig)):
            raise TypeError("alg_configs entries must be algorithm aliases or config objects (SignRoundConfig, "
                            "RTNConfig, ...), got %s." % type(item).__name__)
        configs.append(item)
    for config in configs:
        if not isinstance(config, (SignRoundConfig, RTNConfig)):
            raise NotImplementedError(config._unsupported_message())
    if len(configs) > 1:
        raise ValueError("alg_configs has %d block quantizers (%s): pass one of SignRound or RTN"
                         % (len(configs), ", ".join(type(c).__name__ for c in configs)))
    config = configs[0]
    kwargs = dict(config.scheme_overrides())
    kwargs.update(config._autoround_kwargs())
    return kwargs
