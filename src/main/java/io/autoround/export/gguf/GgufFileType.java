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

    private static final List<GgufFileType> LEGACY = List.of(
            new GgufFileType("gguf:q4_0", "GGUF:Q4_0", GgmlType.Q4_0, 2),
            new GgufFileType("gguf:q4_1", "GGUF:Q4_1", GgmlType.Q4_1, 3),
            new GgufFileType("gguf:q5_0", "GGUF:Q5_0", GgmlType.Q5_0, 8),
            new GgufFileType("gguf:q5_1", "GGUF:Q5_1", GgmlType.Q5_1, 9),
            new GgufFileType("gguf:q8_0", "GGUF:Q8_0", GgmlType.Q8_0, 7));

    /** The supported formats. */
    public static List<GgufFileType> all() {
        return LEGACY;
    }

    /** The file type of a format (case-insensitive), or null when it is not a supported GGUF format. */
    public static GgufFileType ofFormat(String format) {
        String f = format.strip().toLowerCase(Locale.ROOT);
        return LEGACY.stream().filter(t -> t.format.equals(f)).findFirst().orElse(null);
    }

    /** The upper-case type label used in file names, e.g. {@code Q4_0}. */
    public String label() {
        return baseType.name();
    }

    /**
     * Type of {@code output.weight} (and of a tied {@code token_embd}). The reference writes Q6_K unless the base
     * type is Q8_0; K-quants are not implemented yet, so the legacy formats use Q8_0 (the closest, more precise).
     */
    public GgmlType outputType() {
        return GgmlType.Q8_0;
    }

    /** Type of an untied {@code token_embd}: the preset's own family. */
    public GgmlType embeddingType() {
        return baseType;
    }
}
