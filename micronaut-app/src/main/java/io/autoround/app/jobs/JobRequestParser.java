package io.autoround.app.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.autoround.api.QuantizeOptions;
import io.autoround.api.Recipe;
import io.autoround.app.ServiceConfig;
import io.autoround.app.files.ModelPaths;
import io.autoround.app.web.ApiException;
import io.autoround.app.web.FieldError;
import io.autoround.app.web.JsonBody;
import io.autoround.export.ExporterRegistry;
import io.autoround.quant.scheme.SchemePresets;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a job submission (JSON with the CLI's option names in snake_case) into {@link QuantizeOptions}, collecting
 * every bad field instead of stopping at the first: malformed JSON, unknown fields, wrong types, out-of-range
 * numbers, unknown schemes/formats/recipes, and model or dataset paths outside the models root.
 */
@Singleton
public class JobRequestParser {
    private final ObjectMapper json = JsonMapper.builder().build();
    private final ServiceConfig config;
    private final ModelPaths paths;
    private final Map<String, OptionField> fields;

    public JobRequestParser(ServiceConfig config, ModelPaths paths) {
        this.config = config;
        this.paths = paths;
        this.fields = OptionField.table(config);
    }

    /** Options of a submission body; throws a 400 {@link ApiException} listing every problem. */
    public QuantizeOptions parse(String body) {
        JsonNode root = readObject(body);
        QuantizeOptions o = new QuantizeOptions();
        List<FieldError> errors = new ArrayList<>();
        Map<String, JsonNode> given = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            given.put(e.getKey(), e.getValue());
        }
        String recipe = "default";
        for (Map.Entry<String, JsonNode> e : given.entrySet()) {
            String name = e.getKey();
            JsonNode v = e.getValue();
            try {
                switch (name) {
                    case "model" -> o.model = paths.model(name, OptionField.text(name, v));
                    case "dataset" -> o.dataset = paths.dataset(name, OptionField.text(name, v));
                    case "recipe" -> recipe = checkRecipe(OptionField.text(name, v));
                    case "output_dir", "overwrite" -> throw new IllegalArgumentException(
                            "is chosen by the service: every job writes to its own folder under the output root");
                    default -> {
                        OptionField f = fields.get(name);
                        if (f == null) {
                            throw new IllegalArgumentException("unknown field (known: " + knownFields() + ")");
                        }
                        f.apply(o, name, v);
                    }
                }
            } catch (ApiException ex) {
                errors.addAll(ex.errors());
            } catch (IllegalArgumentException ex) {
                errors.add(new FieldError(name, ex.getMessage()));
            }
        }
        checkConflicts(given, errors);
        checkNames(o, errors);
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors);
        }
        Recipe.parse(recipe).applyTo(o);
        if (o.nsamples != null && o.nsamples > config.getMaxNsamples()) {
            throw ApiException.badField("recipe", "the recipe's nsamples " + o.nsamples + " exceeds this service's limit "
                    + config.getMaxNsamples() + "; set nsamples explicitly");
        }
        return o;
    }

    /** The submitted fields as a map (stored with the job and re-parsed when it runs). */
    @SuppressWarnings("unchecked")
    public Map<String, Object> toMap(String body) {
        return json.convertValue(readObject(body), LinkedHashMap.class);
    }

    /** JSON text of a stored options map. */
    public String toJson(Map<String, Object> options) {
        try {
            return json.writeValueAsString(options);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write options as JSON: " + e.getMessage(), e);
        }
    }

    private JsonNode readObject(String body) {
        return JsonBody.readObject(body, config.getMaxJsonDepth(),
                "send a JSON object of options (an empty object {} quantizes the demo model)");
    }

    /** Two spellings of one option in one request: the second would silently win, so refuse both. */
    private static void checkConflicts(Map<String, JsonNode> given, List<FieldError> errors) {
        if (given.containsKey("format") && given.containsKey("formats")) {
            errors.add(new FieldError("format", "give either format or formats, not both (got format "
                    + JsonBody.show(given.get("format")) + " and formats " + JsonBody.show(given.get("formats")) + ")"));
        }
        JsonNode sym = given.get("sym");
        JsonNode asym = given.get("asym");
        if (sym != null && asym != null && sym.isBoolean() && asym.isBoolean() && sym.booleanValue() == asym.booleanValue()) {
            errors.add(new FieldError("asym", "contradicts sym: got sym " + sym + " and asym " + asym
                    + " (give one of them)"));
        }
    }

    private static String checkRecipe(String name) {
        Recipe.parse(name);
        return name;
    }

    private static void checkNames(QuantizeOptions o, List<FieldError> errors) {
        if (o.scheme != null && !SchemePresets.isPreset(o.scheme)) {
            errors.add(new FieldError("scheme", "unknown scheme '" + o.scheme + "' (known: " + String.join(", ", SchemePresets.names()) + ")"));
        }
        if (o.formats != null) {
            for (String f : o.formats) {
                try {
                    ExporterRegistry.get(f);
                } catch (IllegalArgumentException e) {
                    errors.add(new FieldError("formats", e.getMessage()));
                }
            }
        }
    }

    private String knownFields() {
        List<String> names = new ArrayList<>(List.of("model", "dataset", "recipe"));
        names.addAll(fields.keySet());
        return String.join(", ", names);
    }
}
