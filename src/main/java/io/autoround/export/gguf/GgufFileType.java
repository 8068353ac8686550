package io.autoround.export.gguf;

import java.util.List;
import java.util.Locale;

/**
 * The GGUF export formats this project writes ({@code gguf:q4_0} ...): the preset they imply, the base tensor
 * type and llama.cpp's {@code LlamaFileType} id written to {@code general.file_type} (reference-spec 3.7).
 *
 * @param format the format name, e.g. {@code gguf:q4_0}
 * @param preset the scheme preset it implies, e.g. {@code GGUF:Q4_0}
 * @param baseType the tensor type of the quantized Linear layers
 * @param fileTypeId {@code general.file_type}
 */
public record GgufFileType(String format, String preset, GgmlType baseType, int fileTypeId) {

    private static final List<GgufFileType> ALL = List.of(
            new GgufFileType("gguf:q4_0", "GGUF:Q4_0", GgmlType.Q4_0, 2),
            new GgufFileType("gguf:q4_1", "GGUF:Q4_1", GgmlType.Q4_1, 3),
            new GgufFileType("gguf:q5_0", "GGUF:Q5_0", GgmlType.Q5_0, 8),
            new GgufFileType("gguf:q5_1", "GGUF:Q5_1", GgmlType.Q5_1, 9),
            new GgufFileType("gguf:q8_0", "GGUF:Q8_0", GgmlType.Q8_0, 7),
            new GgufFileType("gguf:q4_k_s", "GGUF:Q4_K_S", GgmlType.Q4_K, 14),
            new GgufFileType("gguf:q4_k_m", "GGUF:Q4_K_M", GgmlType.Q4_K, 15),
            new GgufFileType("gguf:q5_k_s", "GGUF:Q5_K_S", GgmlType.Q5_K, 16),
            new GgufFileType("gguf:q5_k_m", "GGUF:Q5_K_M", GgmlType.Q5_K, 17),
            new GgufFileType("gguf:q6_k", "GGUF:Q6_K", GgmlType.Q6_K, 18),
            new GgufFileType("gguf:q2_k_s", "GGUF:Q2_K_S", GgmlType.Q2_K, 21),
            new GgufFileType("gguf:q3_k_s", "GGUF:Q3_K_S", GgmlType.Q3_K, 11),
            new GgufFileType("gguf:q3_k_m", "GGUF:Q3_K_M", GgmlType.Q3_K, 12),
            new GgufFileType("gguf:q3_k_l", "GGUF:Q3_K_L", GgmlType.Q3_K, 13));

    /** The supported formats. */
    public static List<GgufFileType> all() {
        return ALL;
    }

    /** The file type of a format (case-insensitive), or null when it is not a supported GGUF format. */
    public static GgufFileType ofFormat(String format) {
        String f = format.strip().toLowerCase(Locale.ROOT);
        return ALL.stream().filter(t -> t.format.equals(f)).findFirst().orElse(null);
    }

    /** The upper-case file type label used in file names, e.g. {@code Q4_0}, {@code Q4_K_M}. */
    public String label() {
        return preset.substring("GGUF:".length());
    }

    /**
     * Type of {@code output.weight} (and of a tied {@code token_embd}) before the shape fallback: Q6_K unless the
     * base type is Q8_0 (reference-spec 2.9).
     */
    public GgmlType outputType() {
        return baseType == GgmlType.Q8_0 ? GgmlType.Q8_0 : GgmlType.Q6_K;
    }

    /** Type of an untied {@code token_embd}: the preset's own family. */
    public GgmlType embeddingType() {
        return baseType;
    }
}
