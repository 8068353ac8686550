"""``AutoScheme``: the reference's mixed-precision search request (reference-spec 4.1).

The search itself is not implemented in the Java library yet: constructing an ``AutoScheme`` validates its
arguments as the reference does, and passing it to ``AutoRound`` raises ``NotImplementedError``.
"""

from .schemes import PRESET_SCHEMES, QuantizationScheme

__all__ = ["AutoScheme"]


class AutoScheme:
    """Target average bits and candidate schemes of a mixed-precision search (fields as in the reference)."""

    def __init__(self, avg_bits, options, shared_layers=None, method="default", ignore_scale_zp_bits=False,
                 batch_size=None, nsamples=None, seqlen=None, dataset=None, device_map=None,
                 enable_torch_compile=None, low_gpu_mem_usage=True, low_cpu_mem_usage=True):
        self.avg_bits, self.options, self.shared_layers, self.method = avg_bits, options, shared_layers, method
        self.ignore_scale_zp_bits, self.batch_size, self.nsamples = ignore_scale_zp_bits, batch_size, nsamples
        self.seqlen, self.dataset, self.device_map = seqlen, dataset, device_map
        self.enable_torch_compile, self.low_gpu_mem_usage = enable_torch_compile, low_gpu_mem_usage
        self.low_cpu_mem_usage = low_cpu_mem_usage
        self._validate()

    def __repr__(self):
        return "AutoScheme(avg_bits=%r, options=%r, method=%r)" % (self.avg_bits, self.options, self.method)

    def _validate(self):
        targets = self.avg_bits if isinstance(self.avg_bits, (list, tuple)) else [self.avg_bits]
        for t in targets:
            if isinstance(t, bool) or not isinstance(t, (int, float)) or t <= 0:
                raise ValueError("AutoScheme avg_bits must be a positive number or a list of them, got %r" % (t,))
        if isinstance(self.options, str):
            self.options = [o.strip().upper() for o in self.options.split(",") if o.strip()]
        if not isinstance(self.options, (list, tuple)) or not self.options:
            raise ValueError("AutoScheme options must be a comma-separated string or a list of schemes")
        cleaned = []
        for option in self.options:
            if isinstance(option, QuantizationScheme):
                cleaned.append(option)
                continue
            if not isinstance(option, str):
                raise TypeError("AutoScheme options must be preset names or QuantizationScheme objects, got %s"
                                % type(option).__name__)
            name = option.strip().upper()
            if "MIXED" in name:
                raise ValueError("AutoScheme option %r: mixed schemes cannot be AutoScheme options" % option)
            if name not in PRESET_SCHEMES:
                raise ValueError("AutoScheme option %r is not a preset; valid names: %s"
                                 % (option, ", ".join(PRESET_SCHEMES)))
            if name not in cleaned:
                cleaned.append(name)
        self.options = cleaned
        if self.method not in ("default", "DeltaLoss"):
            raise ValueError("AutoScheme method must be 'default' or 'DeltaLoss', got %r" % (self.method,))

    def unsupported(self):
        """The error AutoRound raises when asked to run this search."""
        return NotImplementedError(
            "AutoScheme (mixed-precision search, avg_bits=%s, options=%s) is not implemented in AutoRound for Java "
            "yet; pass a preset scheme such as scheme='W4A16' and set per-layer schemes with layer_config"
            % (self.avg_bits, self.options))
