package io.autoround.export;

import io.autoround.export.gguf.GgufExporter;
import io.autoround.export.gguf.GgufFileType;
import io.autoround.quant.scheme.SchemePresets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Exporters by format name ({@code auto_round} is the default). */
public final class ExporterRegistry {
    /** The default format. */
    public static final String DEFAULT_FORMAT = "auto_round";

    private static final Map<String, Supplier<Exporter>> EXPORTERS = new LinkedHashMap<>();

    static {
        EXPORTERS.put("auto_round", () -> new AutoRoundExporter("auto_round", null));
        EXPORTERS.put("auto_round:auto_gptq", () -> new AutoRoundExporter("auto_round:auto_gptq", "auto_round:auto_gptq"));
        EXPORTERS.put("auto_round:auto_awq", () -> new AutoRoundExporter("auto_round:auto_awq", "auto_round:auto_awq"));
        EXPORTERS.put("auto_round:gptqmodel", () -> new AutoRoundExporter("auto_round:gptqmodel", "auto_round:gptqmodel"));
        EXPORTERS.put("auto_gptq", AutoGptqExporter::new);
        EXPORTERS.put("auto_awq", AutoAwqExporter::new);
        EXPORTERS.put("llm_compressor", LlmCompressorExporter::new);
        for (GgufFileType t : GgufFileType.all()) {
            EXPORTERS.put(t.format(), () -> new GgufExporter(t));
        }
    }

    private ExporterRegistry() {}

    /** Registered format names. */
    public static List<String> names() {
        return List.copyOf(EXPORTERS.keySet());
    }

    /** The exporter for {@code format} (case-insensitive); unknown names fail listing the supported ones. */
    public static Exporter get(String format) {
        String key = format == null ? DEFAULT_FORMAT : format.trim().toLowerCase(java.util.Locale.ROOT);
        Supplier<Exporter> s = EXPORTERS.get(key);
        if (s == null && key.startsWith("gguf:") && SchemePresets.isPreset("GGUF:" + key.substring(5))) {
            throw new UnsupportedOperationException("format '" + format + "' is not implemented yet (GGUF k-quants);"
                    + " implemented GGUF formats: " + String.join(", ", GgufFileType.all().stream()
                    .map(GgufFileType::format).toList()));
        }
        if (s == null) {
            throw new IllegalArgumentException("unknown export format '" + format + "'; supported formats: "
                    + String.join(", ", names()));
        }
        return s.get();
    }
}
