package io.autoround.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How the reference's flows write {@code config.json} (reference-spec 3.1, 8.5): the model-free path keeps the
 * source key order and appends {@code quantization_config}; transformers' {@code save_pretrained} sorts all keys
 * and ends with a newline; when the reference then rewrites the dtype it re-dumps that sorted file with
 * {@code dtype} changed in place, {@code torch_dtype} appended, and no trailing newline.
 */
public sealed interface ConfigJsonStyle {

    /** Renders {@code config.json} from the source config and the quantization config. */
    String render(ObjectNode sourceConfig, ObjectNode quantizationConfig);

    /** Model-free path: source order, quantization_config appended, no trailing newline. */
    record ModelFree() implements ConfigJsonStyle {
        @Override
        public String render(ObjectNode source, ObjectNode qc) {
            ObjectNode out = source.deepCopy();
            out.set("quantization_config", qc);
            return PythonJson.dumps(out, false);
        }
    }

    /** transformers save_pretrained: sorted keys at every level, trailing newline. */
    record Transformers() implements ConfigJsonStyle {
        @Override
        public String render(ObjectNode source, ObjectNode qc) {
            ObjectNode out = source.deepCopy();
            out.set("quantization_config", qc);
            return PythonJson.dumps(out, true) + "\n";
        }
    }

    /** save_pretrained, then the reference's dtype rewrite ({@code float16} for GPTQ/AWQ packing). */
    record TransformersWithDtype(String dtype) implements ConfigJsonStyle {
        @Override
        public String render(ObjectNode source, ObjectNode qc) {
            ObjectNode out = source.deepCopy();
            out.set("quantization_config", qc);
            ObjectNode sorted = sorted(out);
            if (sorted.has("dtype")) {
                sorted.put("dtype", dtype);
            }
            sorted.put("torch_dtype", dtype);
            return PythonJson.dumps(sorted, false);
        }

        private static ObjectNode sorted(ObjectNode node) {
            ObjectNode copy = PythonJson.MAPPER.createObjectNode();
            List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
            node.properties().forEach(entries::add);
            entries.sort(Map.Entry.comparingByKey());
            for (Map.Entry<String, JsonNode> e : entries) {
                JsonNode v = e.getValue();
                copy.set(e.getKey(), v instanceof ObjectNode o ? sorted(o) : v);
            }
            return copy;
        }
    }
}
