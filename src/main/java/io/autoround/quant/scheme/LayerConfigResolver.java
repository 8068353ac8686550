package io.autoround.quant.scheme;

import io.autoround.quant.QuantScheme;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-layer scheme resolution of {@code compressors/layer_config/resolver.py} (reference-spec 3.8) for non-GGUF
 * schemes: ignore_layers, user {@code layer_config} (exact names, or patterns applied with {@code re.search}
 * through {@link StandardRegex}; a later pattern overrides earlier entries), lm_head and tied-embedding rules,
 * shape rules (INT weight-only: N or K not a multiple of 32; MX/NV: K not a multiple of the group size), and the
 * default scheme for every Linear inside the quantised blocks. Embeddings are never quantised here.
 */
public final class LayerConfigResolver {

    private static final Logger LOG = LoggerFactory.getLogger(LayerConfigResolver.class);
    private static final Set<String> ENTRY_KEYS;

    static {
        Set<String> keys = new HashSet<>(SchemePresets.KEYS);
        keys.add("fixed_by_user");
        keys.add("scale_dtype");
        ENTRY_KEYS = keys;
    }

    private LayerConfigResolver() {
    }

    /**
     * Resolve every layer.
     *
     * @param linears the model's Linear layers in module order (lm_head included, with {@code inBlock=false})
     * @param lmHeadName the output projection's name, or null
     * @param embeddingNames embedding module names (reported as unquantised)
     * @param tiedEmbeddings whether lm_head shares the embedding weight
     * @param defaultScheme the resolved global scheme
     * @param layerConfig user entries in insertion order: value = preset name, {@link QuantScheme}, or a map of
     *     scheme keys (optionally with "scheme" naming a base preset)
     * @param quantLmHead the {@code quant_lm_head} flag
     * @param ignoreLayers comma-separated {@code ignore_layers} / {@code --fp_layers}, or null
     * @return one plan per linear (module order) followed by one per embedding
     */
    public static List<LayerPlan> resolve(List<LayerShape> linears, String lmHeadName, List<String> embeddingNames,
            boolean tiedEmbeddings, QuantScheme defaultScheme, Map<String, ?> layerConfig, boolean quantLmHead,
            String ignoreLayers) {
        return resolve(linears, lmHeadName, embeddingNames, tiedEmbeddings, defaultScheme, layerConfig, quantLmHead,
                ignoreLayers, false);
    }

    /**
     * As {@link #resolve(List, String, List, boolean, QuantScheme, Map, boolean, String)}; with {@code ggufShapes}
     * the shape rule is GGUF's (reference-spec 2.9): only the input width must split into groups, and a layer
     * that does not stays 16-bit (BF16 in the file).
     */
    public static List<LayerPlan> resolve(List<LayerShape> linears, String lmHeadName, List<String> embeddingNames,
            boolean tiedEmbeddings, QuantScheme defaultScheme, Map<String, ?> layerConfig, boolean quantLmHead,
            String ignoreLayers, boolean ggufShapes) {
        Map<String, Object> defaults = SchemeResolver.toFields(defaultScheme);
        Map<String, LayerShape> byName = new LinkedHashMap<>();
        linears.forEach(l -> byName.put(l.name(), l));
        Set<String> embeddings = new HashSet<>(embeddingNames == null ? List.of() : embeddingNames);

        // 1-4: ignore_layers first, then user entries normalised to full field maps.
        Map<String, Map<String, Object>> config = new LinkedHashMap<>();
        Map<String, String> source = new HashMap<>();
        for (String token : ignoreTokens(ignoreLayers)) {
            Map<String, Object> fp = new LinkedHashMap<>(Map.of("bits", 16, "act_bits", 16, "data_type", "float",
                    "act_data_type", "float"));
            config.put(token, fill(fp, defaults));
            source.put(token, "ignore_layers '" + token + "'");
        }
        if (layerConfig != null) {
            for (Map.Entry<String, ?> e : layerConfig.entrySet()) {
                config.put(e.getKey(), fill(normalise(e.getKey(), e.getValue()), defaults));
                source.put(e.getKey(), "layer_config '" + e.getKey() + "'");
            }
        }

        // 6: expand patterns onto the supported layers (exact names stay; patterns overwrite their matches).
        Map<String, Map<String, Object>> perLayer = new LinkedHashMap<>();
        Map<String, String> reason = new HashMap<>();
        List<String> unmatched = new ArrayList<>();
        List<String> notTargets = new ArrayList<>();
        for (Map.Entry<String, Map<String, Object>> e : config.entrySet()) {
            String key = e.getKey();
            if (byName.containsKey(key)) {
                perLayer.put(key, e.getValue());
                reason.put(key, source.get(key));
                continue;
            }
            if (embeddings.contains(key)) {
                notTargets.add(key);
                continue;
            }
            Pattern p;
            try {
                p = StandardRegex.compile(key);
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException(source.get(key) + ": " + ex.getMessage(), ex);
            }
            List<String> matched = byName.keySet().stream().filter(n -> p.matcher(n).find()).toList();
            if (matched.isEmpty()) {
                unmatched.add(key);
            }
            for (String m : matched) {
                perLayer.put(m, e.getValue());
                reason.put(m, source.get(key));
            }
        }

        // One summary line each, however many entries: a huge layer_config must not flood the log.
        warnSummary(notTargets, "exist in the model but are not supported quantization targets; their settings in "
                + "layer_config are ignored");
        warnSummary(unmatched, "in layer_config do not match any supported layer");

        // 7: lm_head rules.
        boolean quantHead = quantLmHead || (lmHeadName != null && perLayer.containsKey(lmHeadName));
        if (quantHead && tiedEmbeddings) {
            LOG.warn("reset quant_lm_head to false: quantizing lm_head with tied weights is not supported");
            quantHead = false;
        }
        if (lmHeadName != null && byName.containsKey(lmHeadName)) {
            if (quantHead && !perLayer.containsKey(lmHeadName)) {
                perLayer.put(lmHeadName, new LinkedHashMap<>(defaults));
                reason.put(lmHeadName, "default scheme (quant_lm_head)");
            }
            if (!quantHead) {
                perLayer.remove(lmHeadName);
                reason.put(lmHeadName, tiedEmbeddings && (quantLmHead || config.containsKey(lmHeadName))
                        ? "lm_head kept: tied word embeddings cannot be quantised"
                        : "lm_head not quantised (quant_lm_head=false)");
            }
        }
        Map<String, Boolean> fixed = new HashMap<>();
        perLayer.forEach((n, c) -> fixed.put(n, true));
        String dt = defaultScheme.dataType();
        boolean intWoq = dt.equals("int") && defaultScheme.actBits() >= 16;
        boolean mxOrNv = DataTypes.isMxFp(dt) || DataTypes.isNvFp(dt);
        for (LayerShape l : linears) {
            String why = null;
            if (ggufShapes) {
                if (defaultScheme.groupSize() > 0 && l.inFeatures() % defaultScheme.groupSize() != 0) {
                    why = "GGUF: in_features " + l.inFeatures() + " not a multiple of " + defaultScheme.groupSize()
                            + ", kept in BF16";
                }
            } else if (intWoq && (l.outFeatures() % 32 != 0 || l.inFeatures() % 32 != 0)) {
                why = "shape [" + l.outFeatures() + ", " + l.inFeatures() + "] not divisible by 32 (INT weight-only)";
            } else if (mxOrNv && defaultScheme.groupSize() > 0 && l.inFeatures() % defaultScheme.groupSize() != 0) {
                why = "skipped quantization (shape not divisible by " + defaultScheme.groupSize() + "): in_features "
                        + l.inFeatures();
            }
            if (why != null) {
                Map<String, Object> c = new LinkedHashMap<>(perLayer.getOrDefault(l.name(), defaults));
                c.put("bits", 16);
                c.put("data_type", "fp");
                if (mxOrNv) {
                    c.put("act_bits", 16);
                    c.put("act_data_type", "fp");
                }
                perLayer.put(l.name(), c);
                reason.put(l.name(), why);
                fixed.put(l.name(), true);
            }
        }
        for (LayerShape l : linears) {
            if (l.inBlock() && !perLayer.containsKey(l.name())) {
                perLayer.put(l.name(), new LinkedHashMap<>(defaults));
                reason.put(l.name(), "default scheme (in block)");
                fixed.put(l.name(), false);
            }
        }

        List<LayerPlan> out = new ArrayList<>();
        for (LayerShape l : linears) {
            Map<String, Object> c = perLayer.get(l.name());
            if (c == null) {
                String why = reason.getOrDefault(l.name(), "outside the quantised blocks");
                out.add(new LayerPlan(l.name(), null, why, false, l.inBlock()));
                continue;
            }
            int bits = ((Number) c.get("bits")).intValue(); // typed by normalise()
            boolean fx = fixed.getOrDefault(l.name(), false);
            if (bits >= 16) {
                try {
                    SchemeResolver.checkFullPrecisionBits("bits", bits, (String) c.get("data_type"));
                } catch (IllegalArgumentException ex) {
                    throw new IllegalArgumentException("layer " + l.name() + " (" + reason.get(l.name()) + "): "
                            + ex.getMessage(), ex);
                }
                out.add(new LayerPlan(l.name(), null, reason.get(l.name()) + " (bits " + bits + ")", fx,
                        l.inBlock()));
                continue;
            }
            QuantScheme s;
            try {
                s = SchemeResolver.resolveFields(c, Map.of());
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("layer " + l.name() + " (" + reason.get(l.name()) + "): "
                        + ex.getMessage(), ex);
            }
            out.add(new LayerPlan(l.name(), s, reason.get(l.name()), fx, l.inBlock()));
        }
        for (String e : embeddingNames == null ? List.<String>of() : embeddingNames) {
            out.add(new LayerPlan(e, null, "embedding: not a supported layer type (non-GGUF)", false, false));
        }
        return out;
    }

    /** ignore_layers tokens: spaces removed, split on commas, a trailing digit gets a '.' appended. */
    static List<String> ignoreTokens(String ignoreLayers) {
        List<String> out = new ArrayList<>();
        if (ignoreLayers == null || ignoreLayers.isBlank()) {
            return out;
        }
        for (String t : ignoreLayers.replace(" ", "").split(",")) {
            if (!t.isEmpty()) {
                out.add(Character.isDigit(t.charAt(t.length() - 1)) ? t + "." : t);
            }
        }
        return out;
    }

    /** A user entry as a field map (preset name, QuantScheme, or partial map with optional base "scheme"). */
    static Map<String, Object> normalise(String layer, Object value) {
        Map<String, Object> cfg = new LinkedHashMap<>();
        if (value instanceof String preset) {
            cfg.putAll(SchemePresets.raw(preset));
        } else if (value instanceof QuantScheme qs) {
            cfg.putAll(SchemeResolver.toFields(qs));
        } else if (value instanceof Map<?, ?> m) {
            Object base = m.get("scheme");
            if (base != null) {
                cfg.putAll(SchemePresets.raw(base.toString()));
            }
            Set<String> invalid = new java.util.TreeSet<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String k = String.valueOf(e.getKey());
                if (k.equals("scheme") || k.equals("in_blocks")) {
                    continue;
                }
                if (!ENTRY_KEYS.contains(k)) {
                    invalid.add(k);
                } else if (e.getValue() != null && !k.equals("fixed_by_user") && !k.equals("scale_dtype")) {
                    cfg.put(k, e.getValue());
                }
            }
            if (!invalid.isEmpty()) {
                throw new IllegalArgumentException("Invalid keys " + invalid + " in layer_config for '" + layer
                        + "'. Allowed keys: " + SchemePresets.KEYS);
            }
        } else {
            throw new IllegalArgumentException("Unsupported type for layer_config[" + layer + "]: "
                    + (value == null ? "null" : value.getClass().getSimpleName())
                    + ". Expected a preset name, a map of scheme keys, or a QuantScheme.");
        }
        cfg = SchemeResolver.typed(cfg, "layer_config['" + layer + "']");
        for (String k : new String[] {"bits", "act_bits"}) {
            if (cfg.get(k) instanceof Integer b) {
                try {
                    SchemeResolver.checkFullPrecisionBits(k, b, (String) cfg.get(k.equals("bits") ? "data_type" : "act_data_type"));
                } catch (IllegalArgumentException ex) {
                    throw new IllegalArgumentException("layer_config['" + layer + "']: " + ex.getMessage(), ex);
                }
            }
        }
        if (cfg.containsKey("data_type") && !cfg.containsKey("bits")) {
            Integer b = DataTypes.inferBits((String) cfg.get("data_type"));
            if (b != null) {
                cfg.put("bits", b);
            }
        }
        if (cfg.containsKey("act_data_type") && !cfg.containsKey("act_bits")) {
            Integer b = DataTypes.inferBits((String) cfg.get("act_data_type"));
            if (b != null) {
                cfg.put("act_bits", b);
            }
        }
        return cfg;
    }

    /** Logs one warning naming how many entries and the first few. */
    private static void warnSummary(List<String> keys, String what) {
        if (keys.isEmpty()) {
            return;
        }
        int shown = Math.min(5, keys.size());
        LOG.warn("{} name(s) or regex(es) {}: {}{}", keys.size(), what, keys.subList(0, shown),
                keys.size() > shown ? " and " + (keys.size() - shown) + " more" : "");
    }

    private static Map<String, Object> fill(Map<String, Object> cfg, Map<String, Object> defaults) {
        Map<String, Object> out = new LinkedHashMap<>(cfg);
        defaults.forEach(out::putIfAbsent);
        return out;
    }
}
