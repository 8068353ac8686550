package io.autoround.export;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Options of one export run.
 *
 * @param overwrite replace an existing output folder that holds a checkpoint this tool wrote ({@link OutputSafety})
 * @param modelFree the run took the reference's model-free path (its config layout: {@code iters},
 *     {@code model_free: true}, source key order in config.json)
 * @param autoroundVersion value of {@code autoround_version}
 * @param blockNames block prefixes ({@code block_name_to_quantize}); null = derived from the quantized layer names
 * @param maxShardBytes safetensors shard limit; 0 = automatic as the reference (see {@link #effectiveMaxShardBytes})
 * @param tuning serialised tuning values of the run ({@code iters}, {@code lr}, {@code enable_quanted_input},
 *     ...); values equal to the reference's defaults are dropped as the reference does
 * @param sideFiles extra UTF-8 files (name to content) written into the output folder before it is moved into
 *     place, e.g. the AutoScheme table {@code auto_scheme.json}
 */
public record ExportOptions(boolean overwrite, boolean modelFree, String autoroundVersion, List<String> blockNames,
        long maxShardBytes, Map<String, Object> tuning, Map<String, String> sideFiles) {

    /** The reference version these exports imitate. */
    public static final String AUTOROUND_VERSION = "0.15.0";
    /** The reference's default max shard size ("5GB"). */
    public static final long DEFAULT_MAX_SHARD_BYTES = 5_000_000_000L;
    /** Lower bound of the automatic shard size ("1GB"). */
    public static final long MIN_AUTO_SHARD_BYTES = 1_000_000_000L;

    public ExportOptions {
        tuning = tuning == null ? Map.of() : new LinkedHashMap<>(tuning);
        blockNames = blockNames == null ? null : List.copyOf(blockNames);
        sideFiles = sideFiles == null ? Map.of() : new LinkedHashMap<>(sideFiles);
        sideFiles.keySet().forEach(ExportOptions::checkSideFileName);
    }

    public ExportOptions(boolean overwrite, boolean modelFree, String autoroundVersion, List<String> blockNames,
            long maxShardBytes, Map<String, Object> tuning) {
        this(overwrite, modelFree, autoroundVersion, blockNames, maxShardBytes, tuning, Map.of());
    }

    /** A side file is a plain name inside the output folder. */
    private static void checkSideFileName(String name) {
        if (name.isBlank() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
            throw new IllegalArgumentException("side file name must be a plain file name, got '" + name + "'");
        }
    }

    public ExportOptions withSideFiles(Map<String, String> files) {
        return new ExportOptions(overwrite, modelFree, autoroundVersion, blockNames, maxShardBytes, tuning, files);
    }

    /** Writes the side files into {@code dir} (the export's temporary folder). */
    public void writeSideFiles(java.nio.file.Path dir) {
        sideFiles.forEach((name, text) -> {
            try {
                java.nio.file.Files.writeString(dir.resolve(name), text);
            } catch (java.io.IOException e) {
                throw new ExportException("cannot write " + name + " in " + dir + ": " + e.getMessage(), e);
            }
        });
    }

    /** Regular flow, no overwrite, no tuning keys. */
    public static ExportOptions defaults() {
        return new ExportOptions(false, false, AUTOROUND_VERSION, null, 0, Map.of());
    }

    /** Options of a pure-RTN run of the regular flow ({@code iters=0}: {@code enable_quanted_input} false). */
    public static ExportOptions rtn() {
        return defaults().withTuning("enable_quanted_input", false);
    }

    /** Options of the reference's model-free RTN path ({@code iters: 0, model_free: true}). */
    public static ExportOptions modelFreeRtn() {
        return new ExportOptions(false, true, AUTOROUND_VERSION, null, 0, Map.of("iters", 0));
    }

    public ExportOptions withOverwrite(boolean value) {
        return new ExportOptions(value, modelFree, autoroundVersion, blockNames, maxShardBytes, tuning, sideFiles);
    }

    public ExportOptions withBlockNames(List<String> value) {
        return new ExportOptions(overwrite, modelFree, autoroundVersion, value, maxShardBytes, tuning, sideFiles);
    }

    public ExportOptions withMaxShardBytes(long value) {
        return new ExportOptions(overwrite, modelFree, autoroundVersion, blockNames, value, tuning, sideFiles);
    }

    public ExportOptions withTuning(String key, Object value) {
        Map<String, Object> t = new LinkedHashMap<>(tuning);
        t.put(key, value);
        return new ExportOptions(overwrite, modelFree, autoroundVersion, blockNames, maxShardBytes, t, sideFiles);
    }

    /**
     * The shard limit in effect: the configured one, else the reference's immediate-saving rule (model size at
     * 8 bits / 10, clamped to [1 GB, 5 GB]) for a model of {@code totalParameters} elements.
     */
    public long effectiveMaxShardBytes(long totalParameters) {
        if (maxShardBytes > 0) {
            return maxShardBytes;
        }
        return Math.clamp(totalParameters / 10, MIN_AUTO_SHARD_BYTES, DEFAULT_MAX_SHARD_BYTES);
    }
}
