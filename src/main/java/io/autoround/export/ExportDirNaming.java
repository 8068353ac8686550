package io.autoround.export;

import io.autoround.quant.QuantScheme;
import java.nio.file.Path;

/**
 * The sub-folder the reference's {@code quantize_and_save} appends to the output folder
 * ({@code compressors/base.py::_get_export_dir}, reference-spec 3.1): {@code <model name>} +
 * {@code -<data_type without '_'>} for non-int data types + {@code -w<bits>g<group>} (or {@code -w<bits>afp<act>} /
 * {@code -w<bits>a<act>} when group_size <= 0); GGUF uses {@code <model name>-gguf}. The model-free path and a
 * direct {@code save_quantized} call write into the output folder itself.
 */
public final class ExportDirNaming {
    private ExportDirNaming() {}

    /** The sub-folder name, e.g. {@code source-qwen3-w4g128} or {@code Qwen3-0.6B-mxfp-w4g32}. */
    public static String subfolder(String modelName, QuantScheme s, String format) {
        String base = lastComponent(modelName);
        if (format != null && format.startsWith("gguf")) {
            return base + "-gguf";
        }
        StringBuilder sb = new StringBuilder(base);
        if (!"int".equals(s.dataType())) {
            sb.append('-').append(s.dataType().replace("_", ""));
        }
        sb.append("-w").append(s.bits());
        if (s.groupSize() > 0) {
            sb.append('g').append(s.groupSize());
        } else {
            boolean fpActs = s.actDataType() != null && s.actDataType().contains("fp");
            sb.append(fpActs ? "afp" : "a").append(s.actBits());
        }
        return sb.toString();
    }

    /** {@code outputDir/<subfolder>} as quantize_and_save does. */
    public static Path exportDir(Path outputDir, String modelName, QuantScheme s, String format) {
        return outputDir.resolve(subfolder(modelName, s, format));
    }

    private static String lastComponent(String modelName) {
        String trimmed = modelName.replaceAll("[/\\\\]+$", "");
        int cut = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
        return trimmed.substring(cut + 1);
    }
}
