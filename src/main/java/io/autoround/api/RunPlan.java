package io.autoround.api;

import io.autoround.export.ExportDirNaming;
import io.autoround.export.ExportOptions;
import io.autoround.export.ExportPlan;
import io.autoround.export.Exporter;
import io.autoround.export.ExporterRegistry;
import io.autoround.export.OutputSafety;
import io.autoround.export.StaleExportFolders;
import io.autoround.export.gguf.GgufFileType;
import io.autoround.export.gguf.GgufTypeRecipe;
import io.autoround.model.arch.Architecture;
import io.autoround.model.arch.ArchitectureRegistry;
import io.autoround.model.arch.CheckpointValidator;
import io.autoround.model.arch.LinearSpec;
import io.autoround.model.config.ModelConfig;
import io.autoround.model.hub.ModelLocator;
import io.autoround.model.safetensors.SafetensorsCheckpoint;
import io.autoround.quant.OptRtnPolicy;
import io.autoround.quant.Precision;
import io.autoround.quant.QuantScheme;
import io.autoround.quant.scheme.LayerConfigResolver;
import io.autoround.quant.scheme.LayerPlan;
import io.autoround.quant.ActivationQuant;
import io.autoround.quant.scheme.LayerShape;
import io.autoround.quant.scheme.SchemePresets;
import io.autoround.quant.scheme.SchemeResolver;
import io.autoround.tune.TunableDataType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything decided before any work starts: the model, the resolved scheme and per-layer plan, the algorithm,
 * the arithmetic regime and the export targets. Every bad input is reported here, before a weight is touched.
 */
public record RunPlan(QuantizeOptions options, Path modelDir, String modelName, ModelConfig config, Architecture arch,
        String presetName, QuantScheme scheme, List<LayerPlan> layers, Map<String, QuantScheme> layerSchemes,
        Algorithm algorithm, boolean modelFree, Precision precision, List<ExportTarget> targets) {

    /** Resolves and validates {@code o}; {@code modelDir} is the local model folder. */
    public static RunPlan resolve(QuantizeOptions o, Path modelDir, String modelName) {
        OptionChecks.values(o);
        ModelConfig config = ModelConfig.load(modelDir);
        Architecture arch = ArchitectureRegistry.forConfig(config);
        OptionChecks.modelDtype(o, config);
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(modelDir)) {
            CheckpointValidator.validate(arch, ckpt, modelDir); // shapes and dtypes, before any work
        }
        String preset = SchemePresets.canonicalName(ggufPreset(o));
        QuantScheme scheme = SchemeResolver.resolve(preset, schemeOverrides(o));
        SchemeResolver.validate(scheme);
        OptionChecks.scaleDtype(o, SchemePresets.isGguf(preset));
        int iters = o.itersOrDefault();
        List<LayerShape> shapes = shapes(arch, QuantBlocks.select(o.toQuantBlockNames, arch));
        List<LayerPlan> layers = LayerConfigResolver.resolve(shapes, Architecture.LM_HEAD,
                List.of(Architecture.EMBEDDINGS), arch.tiedLmHead(), scheme, o.layerConfig, o.quantLmHead,
                ignoreLayers(o, arch), writesGguf(o));
        if (preset.equals("W4A16_MIXED")) {
            layers = mixedRecipe(layers);
        }
        if (writesGguf(o)) {
            layers = GgufTypeRecipe.apply(GgufFileType.ofFormat(o.formats.get(0)), config, shapes, layers);
        }
        Map<String, QuantScheme> layerSchemes = new LinkedHashMap<>();
        for (LayerPlan p : layers) {
            if (!p.name().equals(Architecture.EMBEDDINGS)) {
                layerSchemes.put(p.name(), p.quantized() ? p.scheme() : QuantScheme.fullPrecision());
            }
        }
        if (layerSchemes.values().stream().allMatch(QuantScheme::keepsFullPrecision)) {
            if (scheme.keepsFullPrecision()) {
                throw new IllegalArgumentException("bits " + scheme.bits() + " keeps every layer in full precision, so "
                        + "there is nothing to quantize: weight bits must be one of "
                        + io.autoround.quant.scheme.DataTypes.supportedBits(scheme.dataType()) + " for data_type '"
                        + scheme.dataType() + "' (16 is only for layers to keep, e.g. in layer_config)");
            }
            throw new IllegalArgumentException("no layer of " + modelName + " can be quantized with " + preset
                    + " (check the scheme, group_size, layer_config, ignore_layers and to_quant_block_names)");
        }
        OptionChecks.groupSizes(layerSchemes, shapes.stream().mapToInt(LayerShape::inFeatures).max().orElse(0));
        if (GgufItersFallback.applies(preset, iters, layerSchemes)) {
            GgufItersFallback.fallBack(o, preset, scheme, layerSchemes);
            iters = 0;
        }
        Algorithm algorithm = iters > 0 ? Algorithm.SIGN_ROUND
                : OptRtnPolicy.usesOptimizedRtn(preset, scheme, o.disableOptRtn, 0) ? Algorithm.OPT_RTN : Algorithm.RTN;
        io.autoround.quant.OptRtnWeighting.parse(o.optRtnWeighting);
        checkImplemented(o, algorithm, layerSchemes);
        if (o.formats == null || o.formats.isEmpty()) {
            throw new IllegalArgumentException("no export format given");
        }
        boolean modelFree = algorithm == Algorithm.RTN && Boolean.TRUE.equals(o.disableOptRtn) && !o.disableModelFree
                && o.formats.size() == 1 && modelFreeScheme(preset, scheme, o.formats.get(0));
        Precision precision = !modelFree && "bfloat16".equals(config.dtype()) ? Precision.BF16 : Precision.FP32;
        List<ExportTarget> targets = targets(Path.of(o.outputDir), o.formats, modelName, scheme, !modelFree);
        RunPlan plan = PackingFallback.apply(new RunPlan(o, modelDir, modelName, config, arch, preset, scheme, layers,
                layerSchemes, algorithm, modelFree, precision, targets));
        plan.validateTargets();
        return plan;
    }

    /**
     * The scheme of the run: a {@code gguf:<type>} format implies the {@code GGUF:<TYPE>} preset (replacing a
     * non-GGUF scheme); a different GGUF scheme, or a GGUF format mixed with other formats, is refused.
     */
    private static String ggufPreset(QuantizeOptions o) {
        if (o.formats == null) {
            return o.scheme;
        }
        resetFormatForGgufScheme(o);
        List<String> gguf = o.formats.stream().filter(f -> f.strip().toLowerCase(java.util.Locale.ROOT).startsWith("gguf")).toList();
        if (gguf.isEmpty()) {
            return o.scheme;
        }
        if (o.formats.size() > 1) {
            throw new IllegalArgumentException("a GGUF format cannot be combined with other formats: " + o.formats);
        }
        ExporterRegistry.get(gguf.get(0)); // unknown or not yet implemented GGUF formats fail here
        String implied = SchemePresets.canonicalName(gguf.get(0).strip().replaceFirst("(?i)^gguf:", "GGUF:"));
        if (o.scheme != null && SchemePresets.isGguf(o.scheme) && !SchemePresets.canonicalName(o.scheme).equals(implied)) {
            throw new IllegalArgumentException("scheme " + o.scheme + " does not match format " + gguf.get(0)
                    + " (which implies " + implied + ")");
        }
        return implied;
    }

    /**
     * A GGUF k-quant scheme (double-quantized {@code int_*_dq} data) can only be written as its GGUF file: other
     * formats (e.g. the default auto_round) are replaced by it with the reference's warning, as its
     * {@code _check_compatibility} does. GGUF schemes with plain int data (q4_0, q8_0...) keep the format asked for.
     */
    private static void resetFormatForGgufScheme(QuantizeOptions o) {
        if (o.scheme == null || !SchemePresets.isGguf(o.scheme)
                || o.formats.stream().anyMatch(f -> f.strip().toLowerCase(java.util.Locale.ROOT).startsWith("gguf"))
                || !SchemeResolver.resolve(SchemePresets.canonicalName(o.scheme), Map.of()).dataType().endsWith("_dq")) {
            return;
        }
        String name = SchemePresets.canonicalName(o.scheme).toLowerCase(java.util.Locale.ROOT).replace("_mixed", "_s");
        WarnOnce.warn(org.slf4j.LoggerFactory.getLogger(RunPlan.class), "reset format " + String.join(",", o.formats)
                + " to " + name + " since scheme " + name.toUpperCase(java.util.Locale.ROOT)
                + " can only be exported to format " + name);
        o.formats = List.of(name);
    }

    /**
     * The reference's W4A16_MIXED recipe (schemes.py {@code _handle_special_schemes}): routed MoE experts keep INT4,
     * every other quantized Linear (lm_head too, when quantized) gets INT8; layers set in layer_config are kept.
     * On a dense model that makes every layer INT8.
     */
    private static List<LayerPlan> mixedRecipe(List<LayerPlan> layers) {
        List<LayerPlan> out = new ArrayList<>();
        for (LayerPlan p : layers) {
            boolean routedExpert = p.name().contains("expert") && !p.name().contains("shared");
            if (!p.quantized() || p.fixedByUser() || routedExpert) {
                out.add(p);
                continue;
            }
            QuantScheme s = p.scheme();
            QuantScheme int8 = new QuantScheme(8, s.groupSize(), s.sym(), "int", s.actBits(), s.actGroupSize(), s.actSym(),
                    s.actDataType(), s.actDynamic(), s.superBits(), s.superGroupSize());
            out.add(new LayerPlan(p.name(), int8, "W4A16_MIXED recipe: INT8 outside routed experts", false, p.inBlock()));
        }
        return out;
    }

    /** True when the run writes a GGUF file (its shape rule then applies: only in_features must split into blocks). */
    private static boolean writesGguf(QuantizeOptions o) {
        return o.formats != null && o.formats.stream().anyMatch(f -> f.strip().toLowerCase(java.util.Locale.ROOT).startsWith("gguf:"));
    }

    /** Options of the reference this port does not implement yet fail before any work, naming the option. */
    private static void checkImplemented(QuantizeOptions o, Algorithm algorithm, Map<String, QuantScheme> layerSchemes) {
        List<String> missing = new ArrayList<>();
        if (o.enableAlgExt) {
            missing.add("enable_alg_ext (SignRoundV2)");
        }
        if (o.enableNormBiasTuning) {
            missing.add("enable_norm_bias_tuning");
        }
        if (algorithm == Algorithm.SIGN_ROUND) {
            layerSchemes.values().stream().filter(s -> !s.keepsFullPrecision() && TunableDataType.of(s) == null)
                    .map(s -> s.dataType() + "' (" + s.bits() + " bits").distinct()
                    .forEach(dt -> missing.add("SignRound tuning of data type '" + dt
                            + "; tunable: int, mx_fp, nv_fp, fp8 e4m3; use --iters 0)"));
            layerSchemes.values().stream().filter(s -> !s.keepsFullPrecision()
                    && !ActivationQuant.of(s).tunable())
                    .map(s -> s.actDataType() + "' (" + s.actBits() + " bits" + (s.actDynamic() ? "" : ", static")).distinct()
                    .forEach(dt -> missing.add("SignRound tuning with activation quantization '" + dt
                            + "; supported: dynamic mx_fp, static nv_fp4; use --iters 0 for FP8 activations)"));
        }
        if (io.autoround.quant.OptRtnWeighting.parse(o.optRtnWeighting) == io.autoround.quant.OptRtnWeighting.IMATRIX
                && layerSchemes.values().stream().anyMatch(s -> !s.keepsFullPrecision() && s.dataType().endsWith("_dq"))) {
            missing.add("GGUF k-quants with opt_rtn_weighting imatrix (the k-quant search runs without an importance"
                    + " matrix; drop --opt_rtn_weighting imatrix)");
        }
        if (!missing.isEmpty()) {
            throw new UnsupportedOperationException("not implemented yet: " + String.join(", ", missing));
        }
        if (algorithm == Algorithm.RTN && layerSchemes.values().stream().anyMatch(ActivationCalibration::needsStaticScale)) {
            throw new IllegalArgumentException("static activation scales (e.g. NVFP4, FP8_STATIC) need calibration data: "
                    + "drop --disable_opt_rtn");
        }
    }

    /** The optimized-RTN error weighting of this run (validated when the plan was built). */
    public io.autoround.quant.OptRtnWeighting optRtnWeighting() {
        return io.autoround.quant.OptRtnWeighting.parse(options.optRtnWeighting);
    }

    /**
     * Whether the run needs calibration data and a blockwise forward: SignRound always; optimized RTN for the
     * imatrix weighting or for static activation scales (NVFP4). Everything else streams from the checkpoint.
     */
    public boolean needsCalibration() {
        return switch (algorithm) {
            case SIGN_ROUND -> true;
            case OPT_RTN -> optRtnWeighting() == io.autoround.quant.OptRtnWeighting.IMATRIX
                    || layerSchemes.values().stream().anyMatch(ActivationCalibration::needsStaticScale);
            case RTN -> false;
        };
    }

    /**
     * The same run written elsewhere (the reference's {@code save_quantized}): {@code formats} under
     * {@code outputDir}, with the quantize_and_save model sub-folder only when {@code modelSubfolder} is set.
     */
    public RunPlan withOutputs(Path outputDir, List<String> formats, boolean modelSubfolder) {
        if (formats == null || formats.isEmpty()) {
            throw new IllegalArgumentException("no export format given");
        }
        List<ExportTarget> t = targets(outputDir, formats, modelName, scheme, modelSubfolder && !modelFree);
        RunPlan plan = PackingFallback.apply(new RunPlan(options, modelDir, modelName, config, arch, presetName, scheme,
                layers, layerSchemes, algorithm, modelFree, precision, t));
        plan.validateTargets();
        return plan;
    }

    private void validateTargets() {
        for (ExportTarget t : targets) {
            t.exporter().validate(exportPlan(t));
            checkOutputFolder(t.outputDir(), modelDir, options.overwrite);
        }
    }

    /** The exporter's view of this run for one target. */
    public ExportPlan exportPlan(ExportTarget t) {
        ExportOptions eo = modelFree ? ExportOptions.modelFreeRtn() : ExportOptions.defaults();
        if (!modelFree) {
            int iters = options.itersOrDefault();
            if (iters == 0) {
                eo = ExportOptions.rtn(); // the reference's RTN config serializes no iters, only enable_quanted_input
                // ... and its compressor's low_gpu_mem_usage (dropped when false, the default)
                eo = eo.withTuning("low_gpu_mem_usage", options.lowGpuMemUsage);
            } else {
                eo = eo.withTuning("iters", iters).withTuning("nsamples", options.nsamplesOrDefault())
                        .withTuning("seqlen", options.seqlenOrDefault()).withTuning("batch_size", options.batchSizeOrDefault())
                        .withTuning("enable_quanted_input", options.enableQuantedInput)
                        .withTuning("enable_minmax_tuning", options.enableMinmaxTuning)
                        .withTuning("gradient_accumulate_steps", options.gradientAccumulateStepsOrDefault())
                        .withTuning("low_gpu_mem_usage", options.lowGpuMemUsage);
                if (options.lr != null) {
                    eo = eo.withTuning("lr", options.lr);
                }
                if (options.minmaxLr != null) {
                    eo = eo.withTuning("minmax_lr", options.minmaxLr);
                }
            }
        }
        if (!modelFree && SchemePresets.isGguf(presetName)) {
            // the reference's scale_dtype defaults to fp32 for GGUF schemes and serializes what is not fp16
            eo = eo.withTuning("scale_dtype", "torch.float32");
        }
        if (!modelFree && !options.amp) {
            eo = eo.withTuning("amp", false); // the reference serializes its model context's amp (true is dropped)
        }
        eo = eo.withOverwrite(options.overwrite).withBlockNames(List.of(Architecture.BLOCK_PREFIX));
        if (options.sideFiles != null && !options.sideFiles.isEmpty()) {
            eo = eo.withSideFiles(options.sideFiles);
        }
        if (options.maxShardBytes > 0) {
            eo = eo.withMaxShardBytes(options.maxShardBytes);
        }
        return new ExportPlan(modelDir, t.outputDir(), scheme, layerSchemes, eo);
    }

    /** Quantized layers in model order (blocks first, then lm_head when quantized). */
    public List<LayerPlan> quantizedLayers() {
        return layers.stream().filter(LayerPlan::quantized).toList();
    }

    /** Scheme of a layer to quantize, or null when it stays in full precision. */
    public QuantScheme schemeOf(String layer) {
        QuantScheme s = layerSchemes.get(layer);
        return s == null || s.keepsFullPrecision() ? null : s;
    }

    private static Map<String, Object> schemeOverrides(QuantizeOptions o) {
        Map<String, Object> m = new LinkedHashMap<>();
        putIfSet(m, "bits", o.bits);
        putIfSet(m, "group_size", o.groupSize);
        putIfSet(m, "sym", o.sym);
        putIfSet(m, "data_type", o.dataType);
        putIfSet(m, "act_bits", o.actBits);
        putIfSet(m, "act_group_size", o.actGroupSize);
        putIfSet(m, "act_sym", o.actSym);
        putIfSet(m, "act_data_type", o.actDataType);
        putIfSet(m, "act_dynamic", o.actDynamic);
        putIfSet(m, "super_bits", o.superBits);
        putIfSet(m, "super_group_size", o.superGroupSize);
        return m;
    }

    private static void putIfSet(Map<String, Object> m, String k, Object v) {
        if (v != null) {
            m.put(k, v);
        }
    }

    /** The model's Linears; only those of the {@code quantBlocks} count as inside the quantized blocks. */
    private static List<LayerShape> shapes(Architecture arch, java.util.Set<Integer> quantBlocks) {
        List<LayerShape> out = new ArrayList<>();
        for (int b = 0; b < arch.numBlocks(); b++) {
            for (LinearSpec l : arch.linearsOfBlock(b)) {
                out.add(new LayerShape(l.name(), l.outFeatures(), l.inFeatures(), quantBlocks.contains(b)));
            }
        }
        LinearSpec head = arch.lmHead();
        out.add(new LayerShape(head.name(), head.outFeatures(), head.inFeatures(), false));
        return out;
    }

    /** The user's ignore_layers plus the layers the reference never quantizes by default (MoE routers). */
    private static String ignoreLayers(QuantizeOptions o, Architecture arch) {
        List<String> parts = new ArrayList<>();
        if (o.ignoreLayers != null && !o.ignoreLayers.isBlank()) {
            parts.add(o.ignoreLayers);
        }
        for (int b = 0; b < arch.numBlocks(); b++) {
            arch.linearsOfBlock(b).stream().filter(l -> !l.quantizedByDefault()).forEach(l -> parts.add(l.name()));
        }
        return String.join(",", parts);
    }

    /** The reference's model-free route: INT weight-only presets to auto_round, MXFP to llm_compressor. */
    private static boolean modelFreeScheme(String preset, QuantScheme s, String format) {
        boolean intWoq = "int".equals(s.dataType()) && s.actBits() >= 16 && (s.bits() == 2 || s.bits() == 4 || s.bits() == 8);
        boolean mx = "mx_fp".equals(s.dataType()) && (s.bits() == 4 || s.bits() == 8);
        return (intWoq && format.equals("auto_round")) || (mx && format.equals("llm_compressor"));
    }

    /** The reference's quantize_and_save appends a model sub-folder; its model-free path writes to output_dir itself. */
    private static List<ExportTarget> targets(Path base, List<String> formats, String modelName, QuantScheme scheme,
            boolean modelSubfolder) {
        List<ExportTarget> out = new ArrayList<>();
        boolean several = formats.size() > 1;
        for (String f : formats) {
            Exporter e = ExporterRegistry.get(f);
            Path root = several ? base.resolve(f.replace(':', '-').replace('_', '-')) : base;
            out.add(new ExportTarget(f, e, modelSubfolder ? ExportDirNaming.exportDir(root, modelName, scheme, f) : root));
        }
        return out;
    }

    /**
     * The output folder rules of {@link OutputSafety} (never the model, cwd or home; a non-empty folder only when
     * overwriting a checkpoint of ours), after removing stale temporary folders of killed exports beside it;
     * an unwritable parent is reported now.
     */
    private static void checkOutputFolder(Path dir, Path modelDir, boolean overwrite) {
        Path abs = dir.toAbsolutePath().normalize();
        if (abs.getParent() != null) {
            StaleExportFolders.clean(abs.getParent());
        }
        String problem = OutputSafety.problem(abs, modelDir, overwrite, "--overwrite");
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        Path parent = abs.getParent();
        while (parent != null && !Files.exists(parent)) {
            parent = parent.getParent();
        }
        if (parent == null || !Files.isWritable(parent) || !Files.isDirectory(parent)) {
            throw new IllegalArgumentException("output folder " + dir + " cannot be created: " + parent + " is not a writable folder");
        }
    }

    /** Model name as the reference uses it for sub-folders: the last path component. */
    static String modelNameOf(String model, Path dir) {
        String n = model == null ? dir.getFileName().toString() : model.replaceAll("[/\\\\]+$", "");
        int slash = Math.max(n.lastIndexOf('/'), n.lastIndexOf('\\'));
        return slash >= 0 ? n.substring(slash + 1) : n;
    }

    static Path resolveModel(String model) {
        return resolveModel(model, null);
    }

    /** The model's local folder; a hub id is downloaded from {@code platform} ("hf", "model_scope", null: env). */
    static Path resolveModel(String model, String platform) {
        return model == null || model.isBlank() ? DemoAssets.model() : ModelLocator.forPlatform(platform).resolve(model);
    }
}
