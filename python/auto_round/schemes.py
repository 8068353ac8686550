"""Quantization schemes: the ``QuantizationScheme`` dataclass, the preset table and the preset constants.

The presets are read from the Java library (``io.autoround.quant.scheme.SchemePresets``), so Python and Java
always agree on them.
"""

from dataclasses import dataclass, fields
from typing import Optional

from . import _java

__all__ = ["QuantizationScheme", "PRESET_SCHEMES", "preset_name_to_scheme", "get_gguf_scheme"]


@dataclass
class QuantizationScheme:
    """A weight/activation quantization scheme with the reference's fields and defaults."""

    bits: int = 4
    group_size: int = 128
    sym: bool = True
    data_type: str = "int"
    act_bits: Optional[int] = None
    act_group_size: Optional[int] = None
    act_sym: Optional[bool] = None
    act_data_type: Optional[str] = None
    act_dynamic: Optional[bool] = None
    super_bits: Optional[int] = None
    super_group_size: Optional[int] = None
    rotation_config: Optional[object] = None

    @classmethod
    def from_dict(cls, config: dict):
        unknown = set(config) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError("unknown QuantizationScheme fields %s; valid fields: %s"
                             % (sorted(unknown), [f.name for f in fields(cls)]))
        return cls(**config)

    @classmethod
    def get_attributes(cls):
        return [f.name for f in fields(cls)]

    def __getitem__(self, key):
        if key not in self.get_attributes():
            raise KeyError(key)
        return getattr(self, key)

    def __setitem__(self, key, value):
        if key not in self.get_attributes():
            raise KeyError(key)
        setattr(self, key, value)

    def items(self):
        return ((f.name, getattr(self, f.name)) for f in fields(self))

    def keys(self):
        return [f.name for f in fields(self)]

    def values(self):
        return [getattr(self, f.name) for f in fields(self)]

    def overrides(self):
        """The fields that are set (not None), as scheme overrides for the Java resolver."""
        return {k: v for k, v in self.items() if v is not None and k != "rotation_config"}


def _load_presets():
    presets = {}
    for name in _java.SchemePresets.names():
        try:
            raw = _java.python_value(_java.SchemePresets.raw(name))
        except Exception:  # presets the port cannot run (e.g. FP8_BLOCK) are absent here
            continue
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
    raw = _java.call(_java.SchemePresets.raw, name)
    return QuantizationScheme.from_dict(_java.python_value(raw))


def get_gguf_scheme(scheme) -> str:
    """The GGUF preset name of a scheme name, or "" when it is not a GGUF preset."""
    if isinstance(scheme, str) and _java.SchemePresets.isGguf(scheme):
        return str(_java.SchemePresets.canonicalName(scheme))
    return ""
