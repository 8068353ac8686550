"""``AutoRound``: the reference's Python entry point, running on the Java library.

Arguments are checked and mapped onto ``io.autoround.api.QuantizeOptions``; quantization and export happen in
``io.autoround.api.AutoRound``. Nothing here quantizes.
"""

import os
import re

from . import _java
from .auto_scheme import AutoScheme
from .configs import resolve_alg_configs
from .schemes import _FIELDS as _SCHEME_KEYS, PRESET_SCHEMES, QuantizationScheme

__all__ = ["AutoRound", "Model", "QuantizedModel", "Tokenizer"]



def _warn(message):
    # logging is imported on first use: importing it costs seconds on GraalPy.
    import logging
    logging.getLogger("autoround").warning(message)

_NUMBER = (int, float)

# Keyword -> (QuantizeOptions field, expected Python type). Scheme overrides first, then the tuning knobs.
_SCHEME_FIELDS = {
    "bits": ("bits", int), "group_size": ("groupSize", int), "sym": ("sym", bool), "data_type": ("dataType", str),
    "act_bits": ("actBits", int), "act_group_size": ("actGroupSize", int), "act_sym": ("actSym", bool),
    "act_data_type": ("actDataType", str), "act_dynamic": ("actDynamic", bool), "super_bits": ("superBits", int),
    "super_group_size": ("superGroupSize", int),
}
_TUNING_FIELDS = {
    "lr": ("lr", _NUMBER), "minmax_lr": ("minmaxLr", _NUMBER), "momentum": ("momentum", _NUMBER),
    "nblocks": ("nblocks", int), "enable_minmax_tuning": ("enableMinmaxTuning", bool),
    "enable_norm_bias_tuning": ("enableNormBiasTuning", bool), "enable_alg_ext": ("enableAlgExt", bool),
    "not_use_best_mse": ("notUseBestMse", bool), "dynamic_max_gap": ("dynamicMaxGap", int),
    "enable_quanted_input": ("enableQuantedInput", bool), "enable_adam": ("enableAdam", bool),
    "disable_opt_rtn": ("disableOptRtn", bool), "opt_rtn_weighting": ("optRtnWeighting", str),
    "scale_dtype": ("scaleDtype", str),
    "quant_lm_head": ("quantLmHead", bool), "model_dtype": ("modelDtype", str),
    "enable_deterministic_algorithms": ("enableDeterministicAlgorithms", bool),
}
# Accepted for compatibility; they change nothing on the JVM (no torch, no GPU, no remote code).
_NO_EFFECT = {"optimizer", "trust_remote_code", "model_free", "disable_model_free",
              "disable_deterministic_algorithms", "static_kv_granularity", "static_attention_granularity"}
# Accepted names whose features the Java library does not have: any value but these defaults is refused.
_UNSUPPORTED = {
    "lr_scheduler": None, "enable_lfq": False, "static_kv_dtype": None, "static_attention_dtype": None,
    "rotation_config": None, "processor": None, "image_processor": None, "template": None,
    "extra_data_dir": None, "quant_nontext_module": False, "guidance_scale": None, "num_inference_steps": None,
    "generator_seed": None,
}


def _type_name(t):
    if t is _NUMBER:
        return "a number"
    if isinstance(t, tuple):
        return "a str or path"
    return {int: "an int", bool: "a bool", str: "a str"}[t]


def _check_type(name, value, expected, bits=32):
    if value is None:
        return value
    ok = isinstance(value, expected) and not (isinstance(value, bool) and expected in (int, _NUMBER))
    if not ok:
        raise TypeError("%s must be %s, got %s (%r)" % (name, _type_name(expected), type(value).__name__, value))
    # Java holds these in 32-bit (seed: 64-bit) fields: say so instead of a bare interop TypeError.
    if expected is int and not -2 ** (bits - 1) <= value < 2 ** (bits - 1):
        raise ValueError("%s=%r is out of range: at most %d" % (name, value, 2 ** (bits - 1) - 1))
    return value


def _is_torch_object(value):
    module = type(value).__module__ or ""
    return module.split(".")[0] in ("torch", "transformers", "datasets") or hasattr(value, "named_modules")


_HUB_ID = re.compile(r"^[\w\-.]+/[\w\-.]+(@[^\s@]+)?$")


def _local_path(value):
    """A path the user gave, resolved against Python's working directory (os.getcwd(), which os.chdir changes;
    the JVM's own working directory never follows it), so Java sees the folder the user means."""
    return os.path.abspath(os.path.expanduser(os.fspath(value)))


def _is_local(value):
    """True when a model or dataset argument names a local path rather than a hub id / dataset name."""
    expanded = os.path.expanduser(value)
    return (os.path.isabs(expanded) or os.path.exists(expanded) or value.startswith(("./", "../", "~"))
            or value in (".", "..") or not _HUB_ID.match(value))


def _model_argument(model):
    if isinstance(model, os.PathLike):
        return _local_path(model)
    if isinstance(model, str):
        if not model.strip():
            raise ValueError("model is empty: pass a model folder path or a hub id such as 'Qwen/Qwen3-0.6B'")
        return _local_path(model) if _is_local(model) else model
    if model is not None and _is_torch_object(model):
        raise TypeError("AutoRound for Java cannot take a %s object as model: pass the model's folder path or its "
                        "hub id (e.g. 'Qwen/Qwen3-0.6B') instead" % type(model).__name__)
    raise TypeError("model must be a folder path or a hub id (str), got %s" % type(model).__name__)


def _dataset_argument(dataset):
    """A dataset spec for Java: a name or file as is; a list of strings is written to a temporary .jsonl file."""
    if dataset is None:
        return dataset
    if isinstance(dataset, str):
        return _dataset_paths(dataset)
    if isinstance(dataset, os.PathLike):
        return _local_path(dataset)
    if isinstance(dataset, (list, tuple)):
        if not dataset or not all(isinstance(t, str) for t in dataset):
            raise TypeError("dataset as a list must be a non-empty list of strings (calibration texts)")
        import json
        import tempfile
        fd, path = tempfile.mkstemp(prefix="autoround-calib-", suffix=".jsonl")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            for text in dataset:
                f.write(json.dumps({"text": text}) + "\n")
        return path
    raise TypeError("AutoRound for Java cannot take a %s as dataset: pass a dataset name (e.g. "
                    "'NeelNanda/pile-10k'), a .txt/.json/.jsonl file, or a list of strings" % type(dataset).__name__)


def _dataset_paths(spec):
    """The dataset spec with every local file made absolute against os.getcwd() (names and options kept)."""
    parts = []
    for part in spec.split(","):
        name, sep, options = part.strip().partition(":")
        local = name and (os.path.exists(os.path.expanduser(name))
                          or name.lower().endswith((".txt", ".json", ".jsonl")) or _is_path_like(name))
        parts.append((_local_path(name) if local else name) + sep + options)
    return ",".join(parts)


def _is_path_like(name):
    return os.path.isabs(name) or name.startswith(("./", "../", "~"))


def _check_targets(targets):
    """Refuses an output folder that is Python's working directory or above it (the Java side checks the JVM's,
    which os.chdir does not move); warns, as the reference does, when a folder already exists."""
    cwd = os.path.realpath(os.getcwd())
    for target in targets:
        real = os.path.realpath(str(target))
        if cwd == real or cwd.startswith(real.rstrip(os.sep) + os.sep):
            raise ValueError("output folder %s is %s, which is never written to or replaced: choose a dedicated "
                             "output folder" % (target, "the current working directory (os.getcwd())" if cwd == real
                                                else "a folder above the current working directory " + cwd))
        if os.path.isdir(real) and os.listdir(real):
            _warn("%s already exists: replacing the checkpoint auto-round wrote there" % target)


def _scheme_overrides(scheme):
    """(preset name, overrides) for a scheme given as a name, a QuantizationScheme or a dict."""
    if isinstance(scheme, AutoScheme):
        return "W4A16", {}  # a placeholder: the search sets every layer's scheme
    if isinstance(scheme, str):
        return scheme, {}
    if isinstance(scheme, dict):
        scheme = QuantizationScheme.from_dict(scheme)
    if isinstance(scheme, QuantizationScheme):
        if scheme.rotation_config is not None:
            raise NotImplementedError("rotation_config is not supported by AutoRound for Java")
        for name, preset in PRESET_SCHEMES.items():
            if preset == scheme:
                return name, {}
        # W4A16 is only the base: every field the scheme sets overrides it.
        return "W4A16", scheme.overrides()
    raise TypeError("scheme must be a preset name (e.g. 'W4A16'), a QuantizationScheme, a dict or an AutoScheme, "
                    "got %s" % type(scheme).__name__)


def _layer_config_argument(layer_config):
    if layer_config is None:
        return {}
    if not isinstance(layer_config, dict):
        raise TypeError("layer_config must be a dict of layer name or regex -> scheme name or settings dict, got %s"
                        % type(layer_config).__name__)
    limit = _java.jtype("io.autoround.Limits").LAYER_CONFIG_ENTRIES
    if len(layer_config) > limit.value():
        # Checked before converting anything: the Java side would refuse it too, after a slow copy.
        raise ValueError("layer_config has %d entries, too many: %s (use a regex to cover many layers)"
                         % (len(layer_config), limit.howToRaise()))
    out = {}
    for name, value in layer_config.items():
        if not isinstance(name, str):
            raise TypeError("layer_config keys must be layer names or regexes (str), got %r" % (name,))
        if isinstance(value, QuantizationScheme):
            value = value.overrides()
        elif isinstance(value, AutoScheme):
            raise value.unsupported()
        elif not isinstance(value, (str, dict)):
            raise TypeError("layer_config[%r] must be a scheme name, a dict or a QuantizationScheme, got %s"
                            % (name, type(value).__name__))
        out[name] = value
    return out


def _formats(fmt):
    if fmt is None:
        return ["auto_round"]
    if isinstance(fmt, (list, tuple)):
        parts = [str(f).strip() for f in fmt]
    elif isinstance(fmt, str):
        parts = [f.strip() for f in fmt.split(",")]
    else:
        raise TypeError("format must be a str such as 'auto_round' or 'auto_gptq,auto_awq', got %s"
                        % type(fmt).__name__)
    parts = [p for p in parts if p]
    if not parts:
        raise ValueError("format is empty: pass e.g. 'auto_round'")
    return parts


def _join_names(name, value):
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return ",".join(value)
    raise TypeError("%s must be a comma-separated str or a list of str, got %s" % (name, type(value).__name__))


def _scheme_dict(java_scheme):
    fields = _java.python_value(_java.jtype("io.autoround.quant.scheme.SchemeResolver").toFields(java_scheme))
    if isinstance(fields.get("group_size"), list):  # 2-D blocks (FP8_BLOCK), a tuple in the reference
        fields["group_size"] = tuple(fields["group_size"])
    return fields


def _scale_dtype(plan):
    """The dtype scales are rounded to, as the reference prints it: float32 for GGUF schemes, else float16 (the
    only ones the Java library runs; others are refused)."""
    gguf = _java.SchemePresets.isGguf(str(plan.presetName()))
    return "torch.float32" if gguf else "torch.float16"


class Model:
    """``ar.model`` before quantize(), in place of the reference's torch model: the weights stay in the Java
    library; this object names them: ``name_or_path`` (as given), ``path`` (the local folder read, downloaded
    for a hub id) and ``config`` (its config.json as a dict)."""

    def __init__(self, name_or_path, path):
        self.name_or_path = name_or_path
        self.path = path

    @property
    def config(self):
        import json
        with open(os.path.join(self.path, "config.json"), encoding="utf-8") as f:
            return json.load(f)

    def __repr__(self):
        return "Model(%r, path=%r)" % (self.name_or_path, self.path)


class Tokenizer:
    """``ar.tokenizer``: the model folder's tokenizer (tokenizer.json, or one converted from a SentencePiece
    tokenizer.model as transformers does), run by the Java library.
    ``encode(text)`` and ``decode(ids)`` as in transformers; calling it returns ``{"input_ids": [...]}``."""

    def __init__(self, name_or_path, path):
        self.name_or_path = name_or_path
        self.path = path
        self._java = None

    def _tokenizer(self):
        if self._java is None:
            loader = _java.jtype("io.autoround.model.tokenizer.TextTokenizer")
            self._java = _java.call(loader.load, _java.to_path(self.path))
        return self._java

    def encode(self, text):
        if not isinstance(text, str):
            raise TypeError("text must be a str, got %s" % type(text).__name__)
        return [int(i) for i in _java.call(self._tokenizer().encode, text)]

    def decode(self, ids):
        return str(_java.call(self._tokenizer().decode, [int(i) for i in ids]))

    def __call__(self, text):
        return {"input_ids": self.encode(text)}

    @property
    def bos_token_id(self):
        return _java.python_value(self._tokenizer().bosTokenId())

    @property
    def eos_token_id(self):
        return _java.python_value(self._tokenizer().eosTokenId())

    @property
    def pad_token_id(self):
        return _java.python_value(self._tokenizer().padTokenId())

    def __repr__(self):
        return "Tokenizer(%r, path=%r)" % (self.name_or_path, self.path)


class QuantizedModel(Model):
    """What quantize() and quantize_and_save() return (and ``ar.model`` becomes) in place of the reference's
    quantized torch model.

    The quantized layers live in the Java library; this object describes them: ``name_or_path`` (the source
    model), ``path`` and ``config`` (its folder and config.json), ``layer_config`` (layer -> resolved scheme),
    ``algorithm``, ``scheme``, ``quantized_layers``, ``seconds`` and, once saved, ``saved_to`` (the checkpoint
    folders).
    """

    def __init__(self, name_or_path, layer_config, algorithm, scheme, quantized_layers, seconds, path=None):
        super().__init__(name_or_path, path)
        self.layer_config = layer_config
        self.algorithm = algorithm
        self.scheme = scheme
        self.quantized_layers = quantized_layers
        self.seconds = seconds
        self.saved_to = []

    def __repr__(self):
        return "QuantizedModel(%r, scheme=%s, algorithm=%s, quantized_layers=%d, saved_to=%r)" % (
            self.name_or_path, self.scheme, self.algorithm, self.quantized_layers, self.saved_to)


class AutoRound:
    """Quantizes an LLM (folder path or hub id) with SignRound or RTN and exports it (reference-spec 5.3)."""

    def __init__(self, model, tokenizer=None, platform="hf", scheme="W4A16", layer_config=None, dataset=None,
                 iters=None, seqlen=2048, nsamples=128, batch_size=8, gradient_accumulate_steps=None,
                 low_gpu_mem_usage=False, device_map=0, enable_torch_compile=None, seed=42,
                 low_cpu_mem_usage=True, alg_configs=None, algorithm=None, **kwargs):
        self._model_arg = _model_argument(model)
        if tokenizer is not None:
            _warn("tokenizer is ignored: AutoRound for Java reads the tokenizer from the model folder")
        if platform not in ("hf", "model_scope"):
            raise ValueError("platform must be 'hf' or 'model_scope', got %r" % (platform,))
        self.platform = platform
        kwargs = dict(kwargs)
        if algorithm is not None:
            if alg_configs is not None:
                raise ValueError("`algorithm` and `alg_configs` cannot be used together.")
            _warn("`algorithm` is deprecated; use `alg_configs` instead.")
            alg_configs = algorithm
        # alg_configs stands for keyword arguments; those passed to AutoRound itself win, as in the reference.
        alg_kwargs = resolve_alg_configs(alg_configs)
        self.alg_configs = alg_configs
        config_iters = alg_kwargs.pop("iters", None)
        if alg_kwargs.pop("_rtn", False):
            iters = 0  # RTN has no iterations: iters given here does not turn it into SignRound
        elif iters is None:
            iters = config_iters
        if gradient_accumulate_steps is None:
            gradient_accumulate_steps = alg_kwargs.pop("gradient_accumulate_steps", None)
        alg_kwargs.pop("gradient_accumulate_steps", None)
        for key, value in alg_kwargs.items():
            kwargs.setdefault(key, value)
        if "device" in kwargs:
            _warn("`device` is deprecated, please use `device_map` instead")
            device_map = kwargs.pop("device")
        if isinstance(device_map, dict) or not isinstance(device_map, (int, str)) or isinstance(device_map, bool):
            raise TypeError("device_map must be a device string such as 'cpu', '0' or 'auto' (or an int), got %s"
                            % type(device_map).__name__)

        o = _java.QuantizeOptions()
        o.model = self._model_arg
        # "hf" keeps the environment's hub (AR_USE_MODELSCOPE=1 still selects ModelScope), as before.
        o.platform = "model_scope" if platform == "model_scope" else None
        o.dataset = _dataset_argument(dataset)
        o.seqlen = _check_type("seqlen", seqlen, int)
        o.nsamples = _check_type("nsamples", nsamples, int)
        o.batchSize = _check_type("batch_size", batch_size, int)
        o.iters = _check_type("iters", iters, int)
        o.gradientAccumulateSteps = _check_type("gradient_accumulate_steps", gradient_accumulate_steps, int)
        o.lowGpuMemUsage = bool(_check_type("low_gpu_mem_usage", low_gpu_mem_usage, bool))
        o.lowCpuMemUsage = bool(_check_type("low_cpu_mem_usage", low_cpu_mem_usage, bool))
        if seed is None:
            raise TypeError("seed must be an int, got None")
        o.seed = _check_type("seed", seed, int, bits=64)
        o.deviceMap = str(device_map)
        if _check_type("enable_torch_compile", enable_torch_compile, bool):
            _warn("enable_torch_compile=True has no effect: AutoRound for Java does not run torch.compile")
        # No torch.compile on the JVM, whatever was asked.
        self.enable_torch_compile = False

        preset, overrides = _scheme_overrides(scheme)
        o.scheme = preset
        if isinstance(scheme, AutoScheme):
            if scheme.dataset is not None:
                scheme.dataset = _dataset_argument(scheme.dataset)
            o.autoScheme = scheme.to_java(_java.jtype, _java.java_list)
        for key, value in overrides.items():
            kwargs.setdefault(key, value)
        for key, (field, expected) in list(_SCHEME_FIELDS.items()) + list(_TUNING_FIELDS.items()):
            if key in kwargs:
                value = _check_type(key, kwargs.pop(key), expected)
                if value is not None:
                    setattr(o, field, float(value) if expected is _NUMBER else value)
        if "amp" in kwargs:
            amp = _check_type("amp", kwargs.pop("amp"), bool)
            if amp is not None:
                o.amp = amp
        if "enable_opt_rtn" in kwargs:
            enable = _check_type("enable_opt_rtn", kwargs.pop("enable_opt_rtn"), bool)
            if enable is not None:
                o.disableOptRtn = not enable
        ignore = _join_names("ignore_layers", kwargs.pop("ignore_layers", None))
        fp_layers = _join_names("fp_layers", kwargs.pop("fp_layers", None))
        o.ignoreLayers = ",".join(x for x in (ignore, fp_layers) if x)
        o.toQuantBlockNames = _join_names("to_quant_block_names", kwargs.pop("to_quant_block_names", None))
        self.format = kwargs.pop("format", None)
        if self.format is not None:
            _formats(self.format)
        for key, default in _UNSUPPORTED.items():
            value = kwargs.pop(key, default)
            if value is not None and value != default:
                raise NotImplementedError("%s=%r is not supported by AutoRound for Java" % (key, value))
        for key in _NO_EFFECT:
            kwargs.pop(key, None)
        for key, value in _layer_config_argument(layer_config).items():
            o.layerConfig.put(key, _java.java_value(value))
        if kwargs:
            _warn("unrecognized keys %s were passed. Please check them." % list(kwargs.keys()))

        # The reference writes into existing folders, so overwrite is on; the Java side still replaces only a
        # checkpoint auto-round wrote (never the model, a foreign folder, cwd or home). quantize_and_save() sets
        # the real output folder.
        o.overwrite = True
        o.outputDir = _local_path("tmp_autoround")
        self._options = o
        self._java = _java.JavaAutoRound(o, _java.System.err)
        self._plan = _java.call(self._java.plan)
        self._quantized = None
        self.quantized = False
        self.scheme = scheme
        self.layer_config = None
        # The resolved global scheme (preset + overrides), as the reference's attributes after post_init.
        resolved = _scheme_dict(self._plan.scheme())
        for key in _SCHEME_KEYS:
            if key != "rotation_config":
                setattr(self, key, resolved.get(key))
        self.scale_dtype = _scale_dtype(self._plan)
        model_dir = str(self._plan.modelDir().toString())
        self.model = Model(self._model_arg, model_dir)
        self.tokenizer = Tokenizer(self._model_arg, model_dir)
        self.iters = o.itersOrDefault()
        # the reference's attributes: lr = minmax_lr = 1/iters unless given (5e-3 when iters is 0)
        self.lr = float(o.lr) if o.lr is not None else (1.0 / self.iters if self.iters else 5e-3)
        self.minmax_lr = float(o.minmaxLr) if o.minmaxLr is not None else self.lr
        self.seqlen, self.nsamples, self.batch_size = seqlen, nsamples, batch_size
        self.dataset = dataset if dataset is not None else "NeelNanda/pile-10k"
        self.seed = seed

    def _resolved_layer_config(self, plan):
        scale_dtype = _scale_dtype(plan)
        out = {}
        for e in plan.layerSchemes().entrySet():
            fields = _scheme_dict(e.getValue())
            fields["scale_dtype"] = scale_dtype
            out[str(e.getKey())] = fields
        return out

    def _model_object(self, plan, algorithm, seconds):
        return QuantizedModel(self._model_arg, self._resolved_layer_config(plan), str(algorithm.name()),
                              str(plan.presetName()), int(plan.quantizedLayers().size()), float(seconds),
                              str(plan.modelDir().toString()))

    def quantize(self):
        """Quantizes in memory; returns ``(model, layer_config)`` as the reference does."""
        q = _java.call(self._java.quantize)
        self._quantized = q
        self.quantized = True
        self.model_object = self._model_object(q.plan(), q.plan().algorithm(), q.seconds())
        self.layer_config = self.model_object.layer_config
        self.model = self.model_object
        return self.model_object, self.layer_config

    def save_quantized(self, output_dir=None, format=None, inplace=True, return_folders=False, **kwargs):
        """Writes the quantized model to ``output_dir`` itself; returns the model, or ``(model, folders)``."""
        if self._quantized is None:
            if self.quantized:
                raise RuntimeError("quantize_and_save() streamed the quantized layers to disk; call quantize() to keep "
                                   "them in memory for save_quantized()")
            raise RuntimeError("the model is not quantized yet: call quantize() first, or use quantize_and_save()")
        model, folders = self._save(output_dir if output_dir is not None else "tmp_autoround",
                                    format if format is not None else self.format, False, kwargs)
        return (model, folders) if return_folders else model

    def quantize_and_save(self, output_dir="tmp_autoround", format=None, inplace=True, **kwargs):
        """Quantizes and writes every format into ``output_dir/<model>-w<bits>g<group>``; returns ``(model, folders)``
        where ``folders`` is a str for one format and a list for several."""
        fmt = format if format is not None else self.format
        if self._quantized is not None:
            return self._save(output_dir, fmt, True, kwargs)
        formats = _formats(fmt)
        self._warn_unknown(kwargs)
        self._options.outputDir = _local_path(_check_type("output_dir", output_dir, (str, os.PathLike)))
        self._options.formats = _java.java_list(formats)
        plan = _java.call(self._java.plan)  # the format may keep layers in 16 bits: its plan names them
        self.iters = self._options.itersOrDefault()  # a GGUF format may have fallen back to iters=0
        _check_targets([t.outputDir() for t in plan.targets()])
        report = _java.call(self._java.quantizeAndSave)
        self.quantized = True
        # with an AutoScheme the searched plan holds the chosen per-layer schemes (and the format's 16-bit layers)
        model = self._model_object(self._java.lastPlan() or plan, report.algorithm(), report.seconds())
        self.layer_config = model.layer_config
        self.model = model
        return self._result(model, report, formats)

    def _save(self, output_dir, fmt, subfolder, kwargs):
        formats = _formats(fmt)
        self._warn_unknown(kwargs)
        _check_type("output_dir", output_dir, (str, os.PathLike))
        path = _java.to_path(_local_path(output_dir))
        plan = _java.call(self._quantized.plan().withOutputs, path, _java.java_list(formats), subfolder)
        _check_targets([t.outputDir() for t in plan.targets()])
        report = _java.call(self._java.save, self._quantized, path, _java.java_list(formats), subfolder)
        return self._result(self.model_object, report, formats)

    @staticmethod
    def _result(model, report, formats):
        folders = [str(p) for p in report.outputs()]
        model.saved_to = folders
        model.seconds = float(report.seconds())
        return model, folders[0] if len(formats) == 1 else folders

    @staticmethod
    def _warn_unknown(kwargs):
        for key in ("safe_serialization", "max_shard_size"):
            kwargs.pop(key, None)
        if kwargs:
            _warn("unrecognized keys %s were passed. Please check them." % list(kwargs.keys()))
