package io.autoround.model.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where and how to download: hub platform, endpoint, token, cache folder and offline flag, read from the same
 * environment variables huggingface_hub and modelscope read.
 *
 * <p>Hugging Face: {@code HF_ENDPOINT} (default {@code https://huggingface.co}); token from {@code HF_TOKEN},
 * then {@code HUGGING_FACE_HUB_TOKEN}, then the file {@code HF_TOKEN_PATH} (default {@code $HF_HOME/token});
 * cache {@code HF_HUB_CACHE}, else {@code HUGGINGFACE_HUB_CACHE}, else {@code $HF_HOME/hub} with {@code HF_HOME}
 * defaulting to {@code $XDG_CACHE_HOME/huggingface} or {@code ~/.cache/huggingface}.
 *
 * <p>ModelScope ({@code AR_USE_MODELSCOPE=1|true}): endpoint {@code MODELSCOPE_ENDPOINT}, else
 * {@code https://} + {@code MODELSCOPE_DOMAIN} (default {@code www.modelscope.cn}); token
 * {@code MODELSCOPE_API_TOKEN}; cache {@code $MODELSCOPE_CACHE/hf-layout} (default root
 * {@code ~/.cache/modelscope}). The cache uses the Hugging Face layout, in its own sub-folder so the modelscope
 * SDK's own files (which carry pickled metadata this client cannot write) are never mixed with ours.
 *
 * <p>{@code HF_HUB_OFFLINE} (or {@code TRANSFORMERS_OFFLINE}) = 1/ON/YES/TRUE: only the cache is used.
 *
 * @param platform which hub protocol to speak
 * @param endpoint base URL without trailing slash
 * @param token bearer token, or null
 * @param cacheDir root of the hub cache ({@code .../hub})
 * @param offline never touch the network
 */
public record HubSettings(HubPlatform platform, String endpoint, String token, Path cacheDir, boolean offline) {

    /** Default Hugging Face endpoint. */
    public static final String HF_DEFAULT_ENDPOINT = "https://huggingface.co";
    /** Default ModelScope domain. */
    public static final String MODELSCOPE_DEFAULT_DOMAIN = "www.modelscope.cn";

    private static final Set<String> TRUE_VALUES = Set.of("1", "ON", "YES", "TRUE");

    /** Validates and normalises the endpoint (no trailing slash). */
    public HubSettings {
        if (platform == null || endpoint == null || endpoint.isBlank() || cacheDir == null) {
            throw new IllegalArgumentException("hub settings need a platform, an endpoint and a cache folder");
        }
        endpoint = stripTrailingSlashes(endpoint.trim());
        if (!endpoint.startsWith("http://") && !endpoint.startsWith("https://")) {
            throw new IllegalArgumentException("hub endpoint must be an http(s) URL, got '" + endpoint + "'");
        }
        token = token == null || token.isBlank() ? null : token.trim();
    }

    /** Settings from this process's environment. */
    public static HubSettings fromSystem() {
        return fromEnvironment(System.getenv());
    }

    /** Settings from an explicit environment map (tests inject their own values). */
    public static HubSettings fromEnvironment(Map<String, String> env) {
        boolean offline = isTrue(env.get("HF_HUB_OFFLINE")) || isTrue(env.get("TRANSFORMERS_OFFLINE"));
        Path home = Path.of(System.getProperty("user.home"));
        Path cacheHome = nonBlank(env.get("XDG_CACHE_HOME")) ? expand(env.get("XDG_CACHE_HOME"), home)
                : home.resolve(".cache");
        if (isTrue(env.get("AR_USE_MODELSCOPE"))) {
            String endpoint = nonBlank(env.get("MODELSCOPE_ENDPOINT")) ? env.get("MODELSCOPE_ENDPOINT")
                    : "https://" + (nonBlank(env.get("MODELSCOPE_DOMAIN")) ? env.get("MODELSCOPE_DOMAIN").trim()
                            : MODELSCOPE_DEFAULT_DOMAIN);
            Path root = nonBlank(env.get("MODELSCOPE_CACHE")) ? expand(env.get("MODELSCOPE_CACHE"), home)
                    : cacheHome.resolve("modelscope");
            return new HubSettings(HubPlatform.MODELSCOPE, endpoint, env.get("MODELSCOPE_API_TOKEN"),
                    root.resolve("hf-layout"), offline);
        }
        Path hfHome = nonBlank(env.get("HF_HOME")) ? expand(env.get("HF_HOME"), home) : cacheHome.resolve("huggingface");
        Path cache;
        if (nonBlank(env.get("HF_HUB_CACHE"))) {
            cache = expand(env.get("HF_HUB_CACHE"), home);
        } else if (nonBlank(env.get("HUGGINGFACE_HUB_CACHE"))) {
            cache = expand(env.get("HUGGINGFACE_HUB_CACHE"), home);
        } else {
            cache = hfHome.resolve("hub");
        }
        String endpoint = nonBlank(env.get("HF_ENDPOINT")) ? env.get("HF_ENDPOINT") : HF_DEFAULT_ENDPOINT;
        Path tokenFile = nonBlank(env.get("HF_TOKEN_PATH")) ? expand(env.get("HF_TOKEN_PATH"), home)
                : hfHome.resolve("token");
        return new HubSettings(HubPlatform.HUGGING_FACE, endpoint, hfToken(env, tokenFile), cache, offline);
    }

    /**
     * Settings for one hub: {@code "hf"} or {@code "model_scope"} (any case) overrides {@code AR_USE_MODELSCOPE};
     * null keeps the environment's choice.
     */
    public static HubSettings forPlatform(Map<String, String> env, String platform) {
        if (platform == null) {
            return fromEnvironment(env);
        }
        Map<String, String> copy = new java.util.HashMap<>(env);
        switch (platform.trim().toLowerCase(Locale.ROOT)) {
            case "hf" -> copy.remove("AR_USE_MODELSCOPE");
            case "model_scope", "modelscope" -> copy.put("AR_USE_MODELSCOPE", "1");
            default -> throw new IllegalArgumentException("platform must be 'hf' or 'model_scope', got '" + platform + "'");
        }
        return fromEnvironment(copy);
    }

    /** Same settings with another cache folder. */
    public HubSettings withCacheDir(Path dir) {
        return new HubSettings(platform, endpoint, token, dir, offline);
    }

    /** Same settings with the offline flag set as given. */
    public HubSettings withOffline(boolean value) {
        return new HubSettings(platform, endpoint, token, cacheDir, value);
    }

    /** Name of the variable that carries the token for this platform (for error messages). */
    public String tokenVariable() {
        return platform == HubPlatform.MODELSCOPE ? "MODELSCOPE_API_TOKEN" : "HF_TOKEN";
    }

    /** Never prints the token itself. */
    @Override
    public String toString() {
        return "HubSettings[platform=" + platform + ", endpoint=" + endpoint + ", token="
                + (token == null ? "none" : "***") + ", cacheDir=" + cacheDir + ", offline=" + offline + "]";
    }

    private static String hfToken(Map<String, String> env, Path tokenFile) {
        if (nonBlank(env.get("HF_TOKEN"))) {
            return env.get("HF_TOKEN");
        }
        if (nonBlank(env.get("HUGGING_FACE_HUB_TOKEN"))) {
            return env.get("HUGGING_FACE_HUB_TOKEN");
        }
        if (Files.isRegularFile(tokenFile)) {
            try {
                String text = Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
                return text.isEmpty() ? null : text;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read hub token file " + tokenFile, e);
            }
        }
        return null;
    }

    private static boolean isTrue(String value) {
        return value != null && TRUE_VALUES.contains(value.trim().toUpperCase(Locale.ROOT));
    }

    private static boolean nonBlank(String value) {
        return value != null && !value.isBlank();
    }

    /** Expands a leading {@code ~} like Python's expanduser. */
    private static Path expand(String value, Path home) {
        String v = value.trim();
        if (v.equals("~")) {
            return home;
        }
        if (v.startsWith("~/")) {
            return home.resolve(v.substring(2));
        }
        return Path.of(v);
    }

    private static String stripTrailingSlashes(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '/') {
            end--;
        }
        return s.substring(0, end);
    }
}
