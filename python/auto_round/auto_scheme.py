"""``AutoScheme``: the reference's mixed-precision search request (reference-spec 4.1).

Passed as ``AutoRound(model, scheme=AutoScheme(avg_bits=3, options="W2A16,W4A16"))``: the Java library scores
every option per layer (gradient-based delta loss on a small calibration set), picks per layer the options that
meet the bit budget with the least estimated loss, then quantizes with those per-layer schemes.
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
        """The error raised where an AutoScheme cannot be used (e.g. as a layer_config value)."""
        return NotImplementedError(
            "AutoScheme (mixed-precision search, avg_bits=%s, options=%s) can only be passed as AutoRound's scheme="
            % (self.avg_bits, self.options))

    def to_java(self, jtype, java_list):
        """The Java request (io.autoround.autoscheme.AutoSchemeConfig); what the Java library lacks is refused."""
        if isinstance(self.avg_bits, (list, tuple)):
            raise NotImplementedError("AutoScheme with a list of avg_bits targets is not supported by AutoRound for "
                                      "Java: run one target at a time")
        names = []
        for option in self.options:
            if isinstance(option, QuantizationScheme):
                preset = next((n for n, p in PRESET_SCHEMES.items() if p == option), None)
                if preset is None:
                    raise NotImplementedError("AutoScheme options must be preset schemes in AutoRound for Java; %r "
                                              "matches none" % (option,))
                option = preset
            names.append(option)
        c = jtype("io.autoround.autoscheme.AutoSchemeConfig")()
        c.avgBits = float(self.avg_bits)
        c.options = java_list(names)
        c.ignoreScaleZpBits = bool(self.ignore_scale_zp_bits)
        groups = []
        for group in self.shared_layers or []:
            group = [group] if isinstance(group, str) else list(group)
            if not all(isinstance(g, str) for g in group):
                raise TypeError("AutoScheme shared_layers must be lists of layer names or patterns (str)")
            groups.append(java_list(group))
        c.sharedLayers = java_list(groups)
        c.lowGpuMemUsage = bool(self.low_gpu_mem_usage)
        for name, field in (("batch_size", "batchSize"), ("nsamples", "nsamples"), ("seqlen", "seqlen")):
            value = getattr(self, name)
            if value is not None:
                if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                    raise ValueError("AutoScheme %s must be a positive int, got %r" % (name, value))
                setattr(c, field, value)
        if self.dataset is not None:
            if not isinstance(self.dataset, str):
                raise TypeError("AutoScheme dataset must be a str (a dataset name or a local file)")
            c.dataset = self.dataset
        if self.device_map is not None:
            c.deviceMap = str(self.device_map)
        return c
