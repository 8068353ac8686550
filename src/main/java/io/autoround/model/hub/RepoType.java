package io.autoround.model.hub;

import java.util.Locale;

/**
 * Kind of hub repository. Each kind has its own API path segment, resolve-URL prefix and cache folder prefix,
 * exactly as huggingface_hub names them ({@code models--org--name}, {@code datasets--org--name}).
 */
public enum RepoType {
    /** A model repository (the default). */
    MODEL("models", ""),
    /** A dataset repository: resolve URLs carry a {@code datasets/} prefix. */
    DATASET("datasets", "datasets/");

    private final String plural;
    private final String urlPrefix;

    RepoType(String plural, String urlPrefix) {
        this.plural = plural;
        this.urlPrefix = urlPrefix;
    }

    /** Plural form used in API paths and cache folder names: {@code models} or {@code datasets}. */
    public String plural() {
        return plural;
    }

    /** Prefix before the repo id in resolve URLs: empty for models, {@code datasets/} for datasets. */
    public String urlPrefix() {
        return urlPrefix;
    }

    /** Singular lower-case name, as the hub writes it ({@code model}, {@code dataset}). */
    public String singular() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code model}/{@code models}/{@code dataset}/{@code datasets} (case-insensitive). */
    public static RepoType parse(String text) {
        for (RepoType type : values()) {
            if (type.singular().equalsIgnoreCase(text) || type.plural.equalsIgnoreCase(text)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown repo type '" + text + "' (expected model or dataset)");
    }
}
