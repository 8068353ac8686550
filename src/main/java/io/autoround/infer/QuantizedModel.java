package io.autoround.infer;

import ai.djl.Device;
import io.autoround.api.ModelLoader;
import io.autoround.export.CheckpointFormatException;
import io.autoround.export.QuantizedCheckpoint;
import io.autoround.export.QuantizedCheckpointReader;
import io.autoround.infer.gguf.GgufModelFile;
import io.autoround.infer.gguf.GgufModelLoader;
import io.autoround.model.config.ModelConfig;
import io.autoround.model.nn.DecoderModel;
import io.autoround.model.nn.LinearLayer;
import io.autoround.model.safetensors.TensorInfo;
import io.autoround.model.tokenizer.TextTokenizer;
import io.autoround.quant.QuantizedWeight;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A model ready for inference: a quantized checkpoint (auto_round in every packing, auto_gptq, auto_awq,
 * llm_compressor) whose quantized Linears run on the backend chosen per layer, or a plain fp checkpoint. Quantized
 * weights are never materialized in the model: the Linear keeps a shape-only placeholder and delegates its
 * forward to the backend's module.
 */
public final class QuantizedModel implements AutoCloseable {
    private final Path dir;
    private final DecoderModel model;
    private final LoadPlan plan;
    private final long moduleBytes;
    private final long checkpointBytes;
    private final boolean gguf;
    private final Supplier<TextTokenizer> tokenizerLoader;
    private TextTokenizer tokenizer;

    private QuantizedModel(Path dir, DecoderModel model, LoadPlan plan, long moduleBytes, long checkpointBytes) {
        this(dir, model, plan, moduleBytes, checkpointBytes, false, () -> TextTokenizer.load(dir));
    }

    private QuantizedModel(Path dir, DecoderModel model, LoadPlan plan, long moduleBytes, long checkpointBytes,
            boolean gguf, Supplier<TextTokenizer> tokenizerLoader) {
        this.dir = dir;
        this.model = model;
        this.plan = plan;
        this.moduleBytes = moduleBytes;
        this.checkpointBytes = checkpointBytes;
        this.gguf = gguf;
        this.tokenizerLoader = tokenizerLoader;
    }

    /** Loads on the CPU choosing backends automatically. */
    public static QuantizedModel load(Path dir) {
        return load(dir, Device.cpu());
    }

    public static QuantizedModel load(Path dir, Device device) {
        return load(dir, device, BackendRegistry.AUTO);
    }

    /** Loads with {@code backend} = {@code auto} or a backend name forced for every quantized layer. */
    public static QuantizedModel load(Path dir, Device device, String backend) {
        return load(dir, device, backend, BackendRegistry.discover());
    }

    /**
     * Loads a model folder, or a GGUF file (or a folder holding one .gguf and no config.json; see
     * {@link GgufModelFile#find}) dequantized to fp32. {@code tokenizerDir}, when not null, is the folder whose
     * tokenizer.json is used instead of the model's own.
     */
    public static QuantizedModel load(Path dir, Device device, String backend, Path tokenizerDir) {
        Optional<Path> ggufFile = GgufModelFile.find(dir);
        if (ggufFile.isPresent()) {
            return loadGguf(ggufFile.get(), device, backend, tokenizerDir);
        }
        QuantizedModel q = load(dir, device, backend);
        if (tokenizerDir == null) {
            return q;
        }
        return new QuantizedModel(q.dir, q.model, q.plan, q.moduleBytes, q.checkpointBytes, false,
                () -> TextTokenizer.load(tokenizerDir));
    }

    /**
     * A GGUF file with every tensor dequantized once to fp32 ({@code backend} must be {@code auto} or
     * {@code dequant-fp32}); the tokenizer as {@link GgufModelLoader#tokenizer} finds it.
     */
    public static QuantizedModel loadGguf(Path file, Device device, String backend, Path tokenizerDir) {
        if (!backend.equals(BackendRegistry.AUTO) && !backend.equals(DequantFp32Backend.NAME)) {
            throw new IllegalArgumentException("GGUF file " + file + " is served " + GgufModelLoader.BACKEND_DESCRIPTION
                    + "; --backend " + backend + " is not available for GGUF (use auto or " + DequantFp32Backend.NAME + ")");
        }
        DecoderModel model = GgufModelLoader.load(file, device);
        return new QuantizedModel(file, model, null, 0, 0, true, () -> GgufModelLoader.tokenizer(file, tokenizerDir));
    }

    public static QuantizedModel load(Path dir, Device device, String backend, BackendRegistry registry) {
        Optional<Path> ggufFile = GgufModelFile.find(dir);
        if (ggufFile.isPresent()) {
            return loadGguf(ggufFile.get(), device, backend, null);
        }
        if (!ModelLoader.isQuantized(dir)) {
            return new QuantizedModel(dir, DecoderModel.load(dir, device), null, 0, 0);
        }
        ModelConfig config = ModelConfig.load(dir);
        try (QuantizedCheckpoint ckpt = QuantizedCheckpointReader.read(dir)) {
            LoadPlan plan = LoadPlan.of(ckpt, device, backend, registry);
            DecoderModel model = DecoderModel.load(config, new DequantizedTensorSource(ckpt, true), device);
            try {
                Map<String, LinearLayer> linears = linears(model);
                long bytes = 0;
                for (Map.Entry<String, BackendSelection> e : plan.selections().entrySet()) {
                    LinearLayer layer = linears.get(e.getKey());
                    if (layer == null) {
                        throw new CheckpointFormatException(ckpt.format() + " layer '" + e.getKey() + "' in " + dir
                                + " is not a Linear of the " + config.modelType() + " model");
                    }
                    QuantizedWeight w = ckpt.weights().get(e.getKey());
                    QuantizedLinear module = e.getValue().backend().create(w, inputGlobalScale(ckpt, w),
                            model.manager());
                    layer.setForwardOverride(module::forward);
                    bytes += module.residentBytes();
                }
                return new QuantizedModel(dir, model, plan, bytes, quantizedTensorBytes(ckpt));
            } catch (RuntimeException e) {
                model.close();
                throw e;
            }
        }
    }

    /** The layer's static activation scale (NVFP4 input_global_scale, FP8 input_scale), NaN when its scheme has none. */
    private static float inputGlobalScale(QuantizedCheckpoint ckpt, QuantizedWeight w) {
        if (!ActivationFakeQuant.needsInputGlobalScale(w.scheme())) {
            return Float.NaN;
        }
        String name = w.name() + "." + ActivationFakeQuant.staticScaleTensor(w.scheme());
        if (ckpt.tensors().find(name).isEmpty()) {
            throw new CheckpointFormatException(ckpt.format() + " layer '" + w.name() + "' in " + ckpt.dir()
                    + " quantizes activations with a static scale but has no tensor '" + name + "'");
        }
        float[] v = ckpt.tensors().readFloats(name);
        if (v.length != 1) {
            throw new CheckpointFormatException(ckpt.dir() + ": '" + name + "' has " + v.length + " values, expected 1");
        }
        return v[0];
    }

    private static Map<String, LinearLayer> linears(DecoderModel model) {
        Map<String, LinearLayer> out = new LinkedHashMap<>();
        for (int i = 0; i < model.numBlocks(); i++) {
            out.putAll(model.block(i).linears());
        }
        out.put(model.lmHead().name(), model.lmHead());
        return out;
    }

    /** Bytes the checkpoint stores for its quantized layers (packed codes, scales, zeros, g_idx; not biases). */
    private static long quantizedTensorBytes(QuantizedCheckpoint ckpt) {
        long total = 0;
        for (TensorInfo t : ckpt.tensors().tensors()) {
            int dot = t.name().lastIndexOf('.');
            if (dot > 0 && ckpt.weights().containsKey(t.name().substring(0, dot)) && !t.name().endsWith(".bias")) {
                total += t.byteLength();
            }
        }
        return total;
    }

    public DecoderModel model() {
        return model;
    }

    /** The model folder, or the GGUF file. */
    public Path dir() {
        return dir;
    }

    /** True when the model was loaded from a GGUF file (dequantized to fp32, no backend plan). */
    public boolean isGguf() {
        return gguf;
    }

    /** The per-layer backend choice; empty for an fp checkpoint. */
    public Optional<LoadPlan> plan() {
        return Optional.ofNullable(plan);
    }

    /** Bytes the backend modules hold for the quantized layers' weights. */
    public long quantizedModuleBytes() {
        return moduleBytes;
    }

    /** Bytes of the quantized layers' tensors in the checkpoint files. */
    public long checkpointQuantizedBytes() {
        return checkpointBytes;
    }

    /** The checkpoint's tokenizer, loaded on first use and closed with the model. */
    public synchronized TextTokenizer tokenizer() {
        if (tokenizer == null) {
            tokenizer = tokenizerLoader.get();
        }
        return tokenizer;
    }

    /** Generates token ids after {@code prompt}, calling {@code onToken} with each new id as it is produced. */
    public long[] generate(long[] prompt, GenerationOptions options, TokenListener onToken) {
        return new TextGenerator(model).generate(prompt, options, onToken);
    }

    /** Generates text after {@code prompt}, streaming decoded text pieces to {@code onText}; returns the new text. */
    public String generate(String prompt, GenerationOptions options, Consumer<String> onText) {
        TextTokenizer tok = tokenizer();
        GenerationOptions o = options.stopIds().isEmpty() && tok.eosTokenId() != null
                ? options.withStopIds(java.util.Set.of((long) tok.eosTokenId())) : options;
        TextStreamer streamer = new TextStreamer(tok, onText);
        generate(tok.encode(prompt), o, streamer);
        return streamer.text();
    }

    @Override
    public void close() {
        if (tokenizer != null) {
            tokenizer.close();
        }
        model.close();
    }
}
