package io.autoround.cli;

import io.autoround.api.QuantizeOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Option;

/** The reference's quantization flags (same names, aliases and defaults), mapped onto {@link QuantizeOptions}. */
final class QuantizeFlags {
    @Option(names = {"--model", "--model_name", "--model_name_or_path"}, paramLabel = "PATH|HUB_ID",
            description = "Model folder or hub id (default: the embedded demo model stories260K).")
    String model;

    @Option(names = "--platform", defaultValue = "hf", description = "Hub: hf or model_scope (model_scope needs AR_USE_MODELSCOPE=1) (default: ${DEFAULT-VALUE}).")
    String platform;

    @Option(names = "--model_dtype", description = "Load dtype: the checkpoint's own (fp32, fp16 or bf16); casting on load is not implemented and is refused.")
    String modelDtype;

    @Option(names = {"--scheme"}, defaultValue = "W4A16", description = "Preset scheme, e.g. W4A16, W2A16, W8A16, MXFP4, NVFP4 (default: ${DEFAULT-VALUE}).")
    String scheme;

    @Option(names = "--bits", description = "Weight bits (overrides the scheme).")
    Integer bits;

    @Option(names = "--group_size", description = "Group size: -1 per channel, 0 per tensor, or a positive size.")
    Integer groupSize;

    @Option(names = "--asym", description = "Asymmetric quantization.")
    boolean asym;

    @Option(names = {"--data_type", "--dtype"}, description = "Weight data type: int, mx_fp, nv_fp, fp, ...")
    String dataType;

    @Option(names = "--act_bits", description = "Activation bits.")
    Integer actBits;

    @Option(names = "--act_group_size", description = "Activation group size.")
    Integer actGroupSize;

    @Option(names = "--act_asym", description = "Asymmetric activation quantization.")
    boolean actAsym;

    @Option(names = {"--act_data_type", "--act_dtype"}, description = "Activation data type.")
    String actDataType;

    @Option(names = "--disable_act_dynamic", description = "Static activation quantization.")
    boolean disableActDynamic;

    @Option(names = "--super_bits", description = "GGUF super-block scale bits.")
    Integer superBits;

    @Option(names = "--super_group_size", description = "GGUF super-group size.")
    Integer superGroupSize;

    @Option(names = "--scale_dtype", description = "Scale dtype: the default only (fp16; fp32 for GGUF); bf16 and other fp32 scales are not implemented and are refused.")
    String scaleDtype;

    @Option(names = {"--ignore_layers", "--fp_layers"}, defaultValue = "", description = "Comma-separated layer name fragments to keep in full precision.")
    String ignoreLayers;

    @Option(names = "--quant_lm_head", negatable = true, description = "Also quantize lm_head.")
    boolean quantLmHead;

    @Option(names = "--to_quant_block_names", description = "Comma-separated regexes searched in the block names (model.layers.N): only matched blocks are quantized.")
    String toQuantBlockNames;

    @Option(names = "--layer_config", description = "Per-layer overrides as JSON, e.g. '{\"lm_head\":\"W8A16\", \".*down_proj\":{\"bits\":8}}'.")
    String layerConfig;

    @Option(names = {"--iters", "--iter"}, description = "Tuning iterations per block; 0 = round-to-nearest (default: recipe, 200).")
    Integer iters;

    @Option(names = "--lr", description = "Learning rate of the rounding offsets (default 1/iters).")
    Double lr;

    @Option(names = "--minmax_lr", description = "Learning rate of the clipping scales (default = lr).")
    Double minmaxLr;

    @Option(names = "--momentum", defaultValue = "0.0",
            description = "SignSGD momentum, ignored with --enable_adam (default: ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--nblocks", defaultValue = "1", description = "Blocks tuned together (default: ${DEFAULT-VALUE}).")
    int nblocks;

    @Option(names = {"--disable_minmax_tuning", "--no-enable_minmax_tuning"}, description = "Do not tune clipping scales.")
    boolean disableMinmaxTuning;

    @Option(names = "--enable_minmax_tuning", hidden = true, description = "Tune clipping scales (default).")
    boolean enableMinmaxTuning;

    @Option(names = "--enable_norm_bias_tuning", description = "Also tune norms and biases (experimental).")
    boolean enableNormBiasTuning;

    @Option(names = "--gradient_accumulate_steps", description = "Gradient accumulation steps (default 1).")
    Integer gradientAccumulateSteps;

    @Option(names = "--enable_alg_ext", description = "SignRoundV2 algorithm extensions.")
    boolean enableAlgExt;

    @Option(names = "--not_use_best_mse", description = "Keep the last iterate instead of the best one.")
    boolean notUseBestMse;

    @Option(names = "--dynamic_max_gap", defaultValue = "-1", description = "Stop a block after this many iterations without improvement (-1 = off).")
    int dynamicMaxGap;

    @Option(names = "--disable_quanted_input", description = "Tune each block on fp inputs instead of the previous quantized block's outputs.")
    boolean disableQuantedInput;

    @Option(names = "--enable_quanted_input", hidden = true)
    boolean enableQuantedInput;

    @Option(names = "--enable_adam",
            description = "Tune with AdamW instead of SignSGD (usually worse, per the reference).")
    boolean enableAdam;

    @Option(names = "--disable_opt_rtn", description = "With --iters 0: pure round-to-nearest.")
    boolean disableOptRtn;

    @Option(names = "--enable_opt_rtn", description = "With --iters 0: optimized round-to-nearest.")
    boolean enableOptRtn;

    @Option(names = "--disable_model_free",
            description = "Pure RTN through the regular block-wise flow, never the model-free fast path.")
    boolean disableModelFree;

    @Option(names = "--opt_rtn_weighting", paramLabel = "uniform|imatrix",
            description = "Error weighting of the optimized-RTN scale search: uniform (default, needs no calibration) "
                    + "or imatrix (the reference's, from calibration activations).")
    String optRtnWeighting;

    @Option(names = {"--batch_size", "--train_bs", "--bs"}, description = "Calibration batch size (default: recipe, 8).")
    Integer batchSize;

    @Option(names = {"--seqlen", "--seq_len"}, description = "Calibration sequence length (default 2048, clamped to the model).")
    Integer seqlen;

    @Option(names = {"--nsamples", "--nsample"}, description = "Calibration samples (default: recipe, 128).")
    Integer nsamples;

    @Option(names = "--dataset", description = "Calibration data: hub name, .txt/.json/.jsonl file, combinations (default NeelNanda/pile-10k).")
    String dataset;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = {"--device_map", "--device", "--devices"}, defaultValue = "0", description = "Device: cpu, 0 (first GPU, else CPU), auto, 0,1 ...")
    String deviceMap;

    @Option(names = {"--format", "--formats"}, defaultValue = "auto_round", description = "Export format(s), comma separated: auto_round, auto_gptq, auto_awq, llm_compressor, gguf:q4_0, gguf:q4_1, gguf:q5_0, gguf:q5_1, gguf:q8_0, gguf:q2_k_s, gguf:q3_k_s|m|l, gguf:q4_k_s|m, gguf:q5_k_s|m, gguf:q6_k (a gguf format implies its GGUF scheme).")
    String format;

    @Option(names = {"--avg_bits", "--target_bits"}, paramLabel = "BITS", description = "AutoScheme: target average "
            + "bits per weight over the quantized layers (scales and zero points included); needs --options. Each layer "
            + "gets one of the options, chosen by a gradient-based sensitivity on the calibration set to meet the budget.")
    Double avgBits;

    @Option(names = "--options", arity = "1..*", paramLabel = "SCHEME", description = "AutoScheme candidate schemes, "
            + "space or comma separated, e.g. W2A16,W4A16,W8A16 (weight-only INT presets and BF16).")
    List<String> autoSchemeOptions;

    @Option(names = "--ignore_scale_zp_bits", description = "AutoScheme: count only weight bits (no scales or zero points).")
    boolean ignoreScaleZpBits;

    @Option(names = "--shared_layers", paramLabel = "NAMES", description = "AutoScheme: a group of layer names or "
            + "patterns (comma separated; patterns match inside each block) that must get the same scheme; repeatable.")
    List<String> sharedLayers;

    @Option(names = "--output_dir", defaultValue = "./tmp_autoround", description = "Output folder (default: ${DEFAULT-VALUE}).")
    String outputDir;

    @Option(names = "--overwrite", description = "Replace a checkpoint that auto-round wrote earlier in the output folder (other folders are never replaced).")
    boolean overwrite;

    @Option(names = "--low_gpu_mem_usage", description = "Keep block inputs/outputs off the device between uses.")
    boolean lowGpuMemUsage;

    @Option(names = "--low_cpu_mem_usage", description = "Read each block's weights from the checkpoint when its turn "
            + "comes and free them after (the default).")
    boolean lowCpuMemUsage;

    @Option(names = "--disable_low_cpu_mem_usage", description = "Load every block's weights in fp32 up front "
            + "(more host memory, same result).")
    boolean disableLowCpuMemUsage;

    @Option(names = "--enable_deterministic_algorithms", description = "Deterministic kernels (bitwise reproducible runs).")
    boolean enableDeterministicAlgorithms;

    @Option(names = "--disable_deterministic_algorithms", hidden = true)
    boolean disableDeterministicAlgorithms;

    @Option(names = "--disable_amp", description = "Tune in fp32 on the GPU too (default: fp16 block math, fp32 parameters).")
    boolean disableAmp;

    @Option(names = {"--enable_torch_compile", "--disable_torch_compile", "--disable_trust_remote_code"},
            hidden = true, description = "Accepted for compatibility; no effect on the JVM.")
    boolean compatibilityNoOp;

    @Option(names = "--eval", description = "Report perplexity of the exported model after quantizing.")
    boolean eval;

    @Option(names = "--eval_text", description = "Text file for --eval (default: the demo evaluation text).")
    String evalText;

    @Option(names = "--eval_seqlen", defaultValue = "256", description = "Window length for --eval (default: ${DEFAULT-VALUE}).")
    int evalSeqlen;

    /** The hub is chosen by the environment (AR_USE_MODELSCOPE), as in the reference; the flag must agree. */
    private void checkPlatform() {
        String p = platform.strip().toLowerCase(java.util.Locale.ROOT);
        if (!p.equals("hf") && !p.equals("model_scope")) {
            throw new IllegalArgumentException("--platform '" + platform + "' is not a hub; allowed: hf, model_scope");
        }
        String env = System.getenv("AR_USE_MODELSCOPE");
        boolean modelScope = env != null && (env.equals("1") || env.equalsIgnoreCase("true"));
        if (p.equals("model_scope") && !modelScope) {
            throw new IllegalArgumentException("--platform model_scope needs AR_USE_MODELSCOPE=1 in the environment "
                    + "(the hub client reads it when the model is downloaded)");
        }
    }

    /** Copies the flags into options; recipe defaults are applied afterwards for what is still null. */
    QuantizeOptions toOptions(LayerConfigParser parser) {
        checkPlatform();
        QuantizeOptions o = new QuantizeOptions();
        o.model = model;
        o.modelDtype = modelDtype;
        o.scheme = scheme;
        o.bits = bits;
        o.groupSize = groupSize;
        o.sym = asym ? Boolean.FALSE : null;
        o.dataType = dataType;
        o.actBits = actBits;
        o.actGroupSize = actGroupSize;
        o.actSym = actAsym ? Boolean.FALSE : null;
        o.actDataType = actDataType;
        o.actDynamic = disableActDynamic ? Boolean.FALSE : null;
        o.superBits = superBits;
        o.superGroupSize = superGroupSize;
        o.scaleDtype = scaleDtype;
        o.ignoreLayers = ignoreLayers;
        o.quantLmHead = quantLmHead;
        o.toQuantBlockNames = toQuantBlockNames;
        if (layerConfig != null) {
            o.layerConfig.putAll(parser.parse(layerConfig));
        }
        o.iters = iters;
        o.lr = lr;
        o.minmaxLr = minmaxLr;
        o.momentum = momentum;
        o.nblocks = nblocks;
        o.enableMinmaxTuning = !disableMinmaxTuning;
        o.enableNormBiasTuning = enableNormBiasTuning;
        o.gradientAccumulateSteps = gradientAccumulateSteps;
        o.enableAlgExt = enableAlgExt;
        o.notUseBestMse = notUseBestMse;
        o.dynamicMaxGap = dynamicMaxGap;
        o.enableQuantedInput = !disableQuantedInput;
        o.enableAdam = enableAdam;
        if (disableOptRtn && enableOptRtn) {
            throw new IllegalArgumentException("--disable_opt_rtn and --enable_opt_rtn contradict each other");
        }
        o.disableOptRtn = disableOptRtn ? Boolean.TRUE : enableOptRtn ? Boolean.FALSE : null;
        o.optRtnWeighting = optRtnWeighting;
        o.disableModelFree = disableModelFree;
        o.batchSize = batchSize;
        o.seqlen = seqlen;
        o.nsamples = nsamples;
        o.dataset = dataset;
        o.seed = seed;
        o.deviceMap = deviceMap;
        List<String> fs = new ArrayList<>();
        Arrays.stream(format.split(",")).map(String::strip).filter(s -> !s.isEmpty()).forEach(fs::add);
        o.formats = fs;
        o.outputDir = outputDir;
        o.overwrite = overwrite;
        o.lowGpuMemUsage = lowGpuMemUsage;
        o.amp = !disableAmp;
        if (lowCpuMemUsage && disableLowCpuMemUsage) {
            throw new IllegalArgumentException("--low_cpu_mem_usage and --disable_low_cpu_mem_usage contradict each other; give one");
        }
        o.lowCpuMemUsage = !disableLowCpuMemUsage;
        o.enableDeterministicAlgorithms = enableDeterministicAlgorithms && !disableDeterministicAlgorithms;
        o.evalText = evalText;
        o.evalSeqlen = evalSeqlen;
        o.autoScheme = autoScheme();
        return o;
    }

    /** --avg_bits and --options make an AutoScheme request; one without the other is an error. */
    private io.autoround.autoscheme.AutoSchemeConfig autoScheme() {
        boolean anyOption = autoSchemeOptions != null && !autoSchemeOptions.isEmpty();
        if (avgBits == null) {
            if (anyOption || ignoreScaleZpBits || sharedLayers != null) {
                throw new IllegalArgumentException("--options, --ignore_scale_zp_bits and --shared_layers belong to "
                        + "AutoScheme: give --avg_bits too");
            }
            return null;
        }
        if (!anyOption) {
            throw new IllegalArgumentException("--avg_bits needs --options, the candidate schemes (e.g. --options W2A16,W4A16)");
        }
        io.autoround.autoscheme.AutoSchemeConfig c = new io.autoround.autoscheme.AutoSchemeConfig(avgBits,
                io.autoround.autoscheme.AutoSchemeConfig.parseOptions(String.join(",", autoSchemeOptions)));
        c.ignoreScaleZpBits = ignoreScaleZpBits;
        if (sharedLayers != null) {
            for (String group : sharedLayers) {
                c.sharedLayers.add(Arrays.stream(group.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList());
            }
        }
        c.lowGpuMemUsage = true;
        return c;
    }
}
