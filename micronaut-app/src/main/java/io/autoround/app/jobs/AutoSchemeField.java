package io.autoround.app.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.autoround.api.QuantizeOptions;
import io.autoround.app.web.JsonBody;
import io.autoround.autoscheme.AutoSchemeConfig;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code auto_scheme} field: {@code {"avg_bits": 3, "options": "W2A16,W4A16", "ignore_scale_zp_bits": false,
 * "shared_layers": [["k_proj", "v_proj"]], "nsamples": 16, "seqlen": 256, "batch_size": 8, "dataset": "..."}}.
 * Types and ranges are checked here; the option names and the reachable range are checked by the core's plan().
 */
final class AutoSchemeField {
    private static final Set<String> KEYS = Set.of("avg_bits", "options", "ignore_scale_zp_bits", "shared_layers",
            "nsamples", "seqlen", "batch_size", "dataset");
    private final int maxNsamples;
    private final int maxSeqlen;

    AutoSchemeField(int maxNsamples, int maxSeqlen) {
        this.maxNsamples = maxNsamples;
        this.maxSeqlen = maxSeqlen;
    }

    void apply(QuantizeOptions o, String name, JsonNode v) {
        if (v.isNull()) {
            o.autoScheme = null;
            return;
        }
        if (!v.isObject()) {
            throw new IllegalArgumentException("must be an object such as {\"avg_bits\": 3, \"options\": \"W2A16,W4A16\"}, got "
                    + JsonBody.kind(v) + " " + JsonBody.show(v));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            String key = it.next().getKey();
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown key '" + key + "'; allowed: " + new java.util.TreeSet<>(KEYS));
            }
        }
        JsonNode bits = v.get("avg_bits");
        if (bits == null || !bits.isNumber() || !(bits.doubleValue() > 0) || !Double.isFinite(bits.doubleValue())) {
            throw new IllegalArgumentException("avg_bits must be a positive number");
        }
        AutoSchemeConfig c = new AutoSchemeConfig(bits.doubleValue(), options(v.get("options")));
        JsonNode ignore = v.get("ignore_scale_zp_bits");
        if (ignore != null) {
            if (!ignore.isBoolean()) {
                throw new IllegalArgumentException("ignore_scale_zp_bits must be true or false");
            }
            c.ignoreScaleZpBits = ignore.booleanValue();
        }
        JsonNode shared = v.get("shared_layers");
        if (shared != null) {
            if (!shared.isArray()) {
                throw new IllegalArgumentException("shared_layers must be an array of arrays of layer names or patterns");
            }
            for (JsonNode group : shared) {
                c.sharedLayers.add(strings("shared_layers", group));
            }
        }
        c.nsamples = optionalInt(v, "nsamples", maxNsamples);
        c.seqlen = optionalInt(v, "seqlen", maxSeqlen);
        c.batchSize = optionalInt(v, "batch_size", 4096);
        JsonNode ds = v.get("dataset");
        if (ds != null && !ds.isNull()) {
            c.dataset = OptionField.text("dataset", ds);
        }
        o.autoScheme = c;
    }

    private static List<String> options(JsonNode v) {
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("options are required, e.g. \"W2A16,W4A16\"");
        }
        if (v.isTextual()) {
            return AutoSchemeConfig.parseOptions(v.asText());
        }
        return strings("options", v);
    }

    private static List<String> strings(String what, JsonNode v) {
        if (!v.isArray()) {
            throw new IllegalArgumentException(what + " must be an array of strings, got " + JsonBody.kind(v));
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual() || e.asText().isBlank()) {
                throw new IllegalArgumentException(what + " must hold non-empty strings, got " + JsonBody.show(e));
            }
            out.add(e.asText().strip());
        }
        return out;
    }

    private static Integer optionalInt(JsonNode v, String key, int max) {
        JsonNode n = v.get(key);
        if (n == null || n.isNull()) {
            return null;
        }
        try {
            return (int) OptionField.longIn(key, n, 1, max);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " " + e.getMessage());
        }
    }
}
