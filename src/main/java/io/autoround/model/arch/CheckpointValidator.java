package io.autoround.model.arch;

import io.autoround.model.safetensors.DType;
import io.autoround.model.safetensors.ElementCodec;
import io.autoround.model.safetensors.SafetensorsFormatException;
import io.autoround.model.safetensors.TensorInfo;
import io.autoround.model.safetensors.TensorSource;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a checkpoint's tensors against what config.json implies, before any weight is used: every tensor the model
 * needs is present with exactly the expected shape (a transposed weight has the right element count but not the
 * right shape) and a float dtype, no tensor belongs to a block past {@code num_hidden_layers}, and no tensor holds
 * NaN or infinity where it is read. Every path that reads a checkpoint goes through here: the fp model load, the
 * streaming RTN export, quantized and GGUF checkpoints loaded for evaluation.
 */
public final class CheckpointValidator {
    /** Dtypes a full-precision weight may be stored in. */
    public static final Set<DType> FLOAT_DTYPES = Set.of(DType.F32, DType.F16, DType.BF16, DType.F64);
    /** Elements one Java array can hold: a larger tensor cannot be read. */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;
    private static final Pattern BLOCK_INDEX = Pattern.compile(Pattern.quote(Architecture.BLOCK_PREFIX) + "\\.(\\d+)\\..*");

    private CheckpointValidator() {}

    /** The tensors the model reads, with their shapes, in model order. */
    public static Map<String, long[]> expectedTensors(Architecture arch) {
        var c = arch.config();
        Map<String, long[]> out = new LinkedHashMap<>();
        out.put(Architecture.EMBEDDINGS + ".weight", new long[] {c.vocabSize(), c.hiddenSize()});
        for (int b = 0; b < arch.numBlocks(); b++) {
            for (String norm : arch.normsOfBlock(b)) {
                boolean perHead = norm.endsWith("q_norm") || norm.endsWith("k_norm");
                out.put(norm + ".weight", new long[] {perHead ? c.headDim() : c.hiddenSize()});
            }
            for (LinearSpec l : arch.linearsOfBlock(b)) {
                out.put(l.weightName(), new long[] {l.outFeatures(), l.inFeatures()});
                if (l.hasBias()) {
                    out.put(l.biasName(), new long[] {l.outFeatures()});
                }
            }
        }
        out.put(Architecture.FINAL_NORM + ".weight", new long[] {c.hiddenSize()});
        out.put(Architecture.LM_HEAD + ".weight", new long[] {c.vocabSize(), c.hiddenSize()});
        return out;
    }

    /**
     * Fails on the first tensor that is missing, misshapen, not a float, too large, or of a block the config does not
     * have; {@code where} names the checkpoint (folder or file) in messages.
     */
    public static void validate(Architecture arch, TensorSource source, Object where) {
        String dtypeHint = expectedDtype(arch.config().dtype());
        for (Map.Entry<String, long[]> e : expectedTensors(arch).entrySet()) {
            String name = e.getKey();
            TensorInfo t = source.find(name).orElse(null);
            if (t == null) {
                if (name.equals(Architecture.LM_HEAD + ".weight") && arch.tiedLmHead()) {
                    continue; // tied: the embedding matrix is the head
                }
                throw bad(where, "tensor '" + name + "' is missing; config.json implies shape " + Arrays.toString(e.getValue()));
            }
            if (!Arrays.equals(t.shape(), e.getValue())) {
                throw bad(where, "tensor '" + name + "' has shape " + Arrays.toString(t.shape()) + " but config.json implies "
                        + Arrays.toString(e.getValue()) + (isTransposed(t.shape(), e.getValue()) ? " (it is transposed)" : ""));
            }
            if (!FLOAT_DTYPES.contains(t.dtype()) && !source.isPlaceholder(name)) {
                throw bad(where, "tensor '" + name + "' has dtype " + t.dtype() + "; expected " + dtypeHint);
            }
            if (t.numel() > MAX_ELEMENTS) {
                throw bad(where, "tensor '" + name + "' has " + t.numel() + " elements; at most " + MAX_ELEMENTS
                        + " fit one array here");
            }
        }
        for (TensorInfo t : source.tensors()) {
            Matcher m = BLOCK_INDEX.matcher(t.name());
            if (m.matches() && (m.group(1).length() > 6 || Integer.parseInt(m.group(1)) >= arch.numBlocks())) {
                throw bad(where, "tensor '" + t.name() + "' belongs to block " + m.group(1) + " but config.json"
                        + " num_hidden_layers is " + arch.numBlocks() + " (blocks 0.." + (arch.numBlocks() - 1) + ")");
            }
        }
    }

    /** Fails naming the tensor when its raw data holds NaN or infinity (bit tests on the stored dtype). */
    public static void requireFinite(TensorSource source, TensorInfo t, Object where) {
        requireFinite(t.name(), source.data(t.name()), t.dtype(), t.numel(), where);
    }

    /** Fails naming the tensor when its raw bytes {@code data} hold NaN or infinity. */
    public static void requireFinite(String tensor, java.lang.foreign.MemorySegment data,
            io.autoround.model.safetensors.DType dtype, long numel, Object where) {
        long i = ElementCodec.firstNonFinite(data, dtype, numel);
        if (i >= 0) {
            throw nonFinite(where, tensor, i, numel);
        }
    }

    /** Fails naming the tensor when {@code values} holds NaN or infinity. */
    public static void requireFinite(String tensor, float[] values, Object where) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw nonFinite(where, tensor, i, values.length);
            }
        }
    }

    private static SafetensorsFormatException nonFinite(Object where, String tensor, long index, long n) {
        return bad(where, "tensor '" + tensor + "' holds a NaN or infinite value (element " + index + " of " + n
                + "); expected finite weights (the checkpoint is damaged)");
    }

    private static String expectedDtype(String configDtype) {
        String declared = switch (configDtype == null ? "" : configDtype) {
            case "bfloat16" -> "BF16 (config.json dtype bfloat16)";
            case "float16", "half" -> "F16 (config.json dtype " + configDtype + ")";
            case "float32", "float" -> "F32 (config.json dtype " + configDtype + ")";
            default -> "a float dtype";
        };
        return declared + " or another float dtype: F32, F16, BF16, F64";
    }

    private static boolean isTransposed(long[] found, long[] expected) {
        return found.length == 2 && expected.length == 2 && found[0] == expected[1] && found[1] == expected[0];
    }

    private static SafetensorsFormatException bad(Object where, String problem) {
        return new SafetensorsFormatException(where + ": " + problem);
    }
}
