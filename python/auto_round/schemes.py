"""Quantization schemes: the ``QuantizationScheme`` class, the preset table and the preset constants.

The presets are read from the Java library (``io.autoround.quant.scheme.SchemePresets``), so Python and Java
always agree on them.
"""

from . import _java

__all__ = ["QuantizationScheme", "PRESET_SCHEMES", "preset_name_to_scheme", "scheme_to_preset_name",
           "is_preset_scheme", "get_gguf_scheme", "is_mx_fp", "is_nv_fp", "is_mx_int", "is_standard_fp"]

# Field order of the reference dataclass. A plain class: importing dataclasses costs seconds on GraalPy.
_FIELDS = ("bits", "group_size", "sym", "data_type", "act_bits", "act_group_size", "act_sym", "act_data_type",
           "act_dynamic", "super_bits", "super_group_size", "rotation_config")


class QuantizationScheme:
    """A weight/activation quantization scheme with the reference's fields and defaults."""

    def __init__(self, bits=4, group_size=128, sym=True, data_type="int", act_bits=None, act_group_size=None,
                 act_sym=None, act_data_type=None, act_dynamic=None, super_bits=None, super_group_size=None,
                 rotation_config=None):
        self.bits, self.group_size, self.sym, self.data_type = bits, group_size, sym, data_type
        self.act_bits, self.act_group_size, self.act_sym = act_bits, act_group_size, act_sym
        self.act_data_type, self.act_dynamic = act_data_type, act_dynamic
        self.super_bits, self.super_group_size, self.rotation_config = super_bits, super_group_size, rotation_config

    @classmethod
    def empty(cls):
        """A scheme with every field None (what the algorithm configs start from)."""
        return cls(**{k: None for k in _FIELDS})

    def to_dict(self) -> dict:
        return dict(self.items())

    def copy(self):
        import copy
        return copy.deepcopy(self)

    def update_from_dict(self, config: dict) -> None:
        for key, value in config.items():
            if key in _FIELDS:
                setattr(self, key, value)

    @classmethod
    def from_dict(cls, config: dict):
        # as the reference: keys that are not scheme fields (e.g. a layer_config entry's extras) are dropped
        return cls(**{k: v for k, v in config.items() if k in _FIELDS})

    @classmethod
    def get_attributes(cls):
        return list(_FIELDS)

    def __getitem__(self, key):
        if key not in _FIELDS:
            raise KeyError(key)
        return getattr(self, key)

    def __setitem__(self, key, value):
        if key not in _FIELDS:
            raise KeyError(key)
        setattr(self, key, value)

    def items(self):
        return ((k, getattr(self, k)) for k in _FIELDS)

    def keys(self):
        return list(_FIELDS)

    def values(self):
        return [getattr(self, k) for k in _FIELDS]

    def __eq__(self, other):
        return isinstance(other, QuantizationScheme) and self.values() == other.values()

    def __hash__(self):
        return hash(tuple(repr(v) for v in self.values()))

    def __repr__(self):
        return "QuantizationScheme(%s)" % ", ".join("%s=%r" % kv for kv in self.items())

    def overrides(self):
        """The fields that are set (not None), as scheme overrides for the Java resolver."""
        return {k: v for k, v in self.items() if v is not None and k != "rotation_config"}


def _load_presets():
    presets = {}
    for name in _java.SchemePresets.names():
        raw = _java.python_value(_java.SchemePresets.raw(name))
        if isinstance(raw.get("group_size"), list):  # FP8_BLOCK's 2-D blocks are a tuple in the reference
            raw["group_size"] = tuple(raw["group_size"])
        presets[str(name)] = QuantizationScheme.from_dict(raw)
    return presets


PRESET_SCHEMES = _load_presets()

# Module-level constants as in the reference (auto_round.schemes.W4A16, ...).
for _name, _scheme in PRESET_SCHEMES.items():
    if _name.isidentifier():
        globals()[_name] = _scheme
        __all__.append(_name)
del _name, _scheme


def preset_name_to_scheme(name: str) -> QuantizationScheme:
    """The preset of that name (any case), or ValueError listing the valid names."""
    if not isinstance(name, str):
        raise TypeError("scheme name must be a str, got %s" % type(name).__name__)
    raw = _java.python_value(_java.call(_java.SchemePresets.raw, name))
    if isinstance(raw.get("group_size"), list):  # FP8_BLOCK's 2-D blocks are a tuple in the reference
        raw["group_size"] = tuple(raw["group_size"])
    return QuantizationScheme.from_dict(raw)


def get_gguf_scheme(scheme) -> str:
    """The GGUF preset name of a scheme name, or "" when it is not a GGUF preset."""
    if isinstance(scheme, str) and _java.SchemePresets.isGguf(scheme):
        return str(_java.SchemePresets.canonicalName(scheme))
    return ""


def scheme_to_preset_name(scheme) -> str:
    """The preset name of a scheme name or QuantizationScheme, or "" when it is no preset."""
    if isinstance(scheme, str):
        return scheme.upper() if scheme.upper() in PRESET_SCHEMES else ""
    for name, preset in PRESET_SCHEMES.items():
        if preset == scheme:
            return name
    return ""


def is_preset_scheme(name: str) -> bool:
    return name.upper() in PRESET_SCHEMES


# data_type classifiers of the reference (substring rules on a data_type string).
def is_mx_fp(backend: str) -> bool:
    return "mx_fp" in backend.lower()


def is_nv_fp(backend: str) -> bool:
    return "nv_fp" in backend.lower()


def is_mx_int(backend: str) -> bool:
    return "mx_int" in backend.lower()


def is_standard_fp(backend: str) -> bool:
    backend = backend.lower()
    return "fp" in backend and not is_mx_fp(backend) and not is_nv_fp(backend)
