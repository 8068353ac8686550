package io.autoround.autoscheme;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autoround.quant.QuantScheme;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the search chose: one row per layer (candidates and pinned layers), the achieved average and the range.
 *
 * @param baseOption the option used as the run's global scheme (the cheapest one)
 */
public record AutoSchemeResult(double targetBits, double achievedBits, double minBits, double maxBits,
        List<String> options, String baseOption, List<Row> rows, double seconds) {

    /** One layer: the option (or "fixed" for a pinned layer), its scheme, bits per weight and score. */
    public record Row(String layer, String option, QuantScheme scheme, double bitsPerWeight, double score, boolean fixed) {
    }

    /** The per-layer schemes of the decided layers (what goes into the run's layer_config). */
    public Map<String, QuantScheme> chosenSchemes() {
        Map<String, QuantScheme> m = new LinkedHashMap<>();
        rows.stream().filter(r -> !r.fixed()).forEach(r -> m.put(r.layer(), r.scheme()));
        return m;
    }

    /** The chosen table and the achieved average, one line per layer. */
    public void print(PrintStream out) {
        out.printf("AutoScheme: target %.3f bits, range [%.3f, %.3f] over options %s%n", targetBits, minBits, maxBits,
                options);
        out.printf("  %-40s %-8s %6s %14s%n", "layer", "scheme", "bits", "score");
        for (Row r : rows) {
            out.printf("  %-40s %-8s %6.3f %14s%n", r.layer(), r.option(), r.bitsPerWeight(),
                    r.fixed() ? "(layer_config)" : String.format("%.6g", r.score()));
        }
        out.printf("AutoScheme: achieved average %.4f bits per weight (%.1f s)%n", achievedBits, seconds);
    }

    /** The table as JSON (written beside the checkpoint as auto_scheme.json). */
    public String toJson() {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("target_avg_bits", targetBits);
        root.put("achieved_avg_bits", achievedBits);
        root.put("min_avg_bits", minBits);
        root.put("max_avg_bits", maxBits);
        ArrayNode opts = root.putArray("options");
        options.forEach(opts::add);
        root.put("search_seconds", seconds);
        ArrayNode layers = root.putArray("layers");
        for (Row r : rows) {
            ObjectNode n = layers.addObject();
            n.put("layer", r.layer());
            n.put("scheme", r.option());
            n.put("bits", r.scheme().bits());
            n.put("group_size", r.scheme().groupSize());
            n.put("sym", r.scheme().sym());
            n.put("data_type", r.scheme().dataType());
            n.put("bits_per_weight", r.bitsPerWeight());
            if (r.fixed()) {
                n.put("fixed_by_user", true);
            } else {
                n.put("score", r.score());
            }
        }
        try {
            return mapper.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
