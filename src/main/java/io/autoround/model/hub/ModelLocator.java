package io.autoround.model.hub;

import io.autoround.model.files.ModelFiles;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a model argument into a local folder: an existing folder is used as is; {@code org/name} or
 * {@code org/name@revision} is downloaded (config, safetensors and tokenizer files) through a {@link HubClient};
 * anything else is rejected with a message saying what was expected.
 */
public final class ModelLocator {

    /** Files a quantization run needs from a model repo: configs, weights, tokenizer files. */
    public static final List<String> DEFAULT_ALLOW_PATTERNS = List.of(
            "*.json", "*.safetensors", "*.txt", "*.model", "*.tiktoken", "tokenizer*");

    private static final Pattern HUB_ID = Pattern.compile("([\\w\\-.]+/[\\w\\-.]+)(?:@([^\\s@]+))?");

    private final HubClient client;
    private final List<String> allowPatterns;

    /** Locator downloading the default file set through {@code client}. */
    public ModelLocator(HubClient client) {
        this(client, DEFAULT_ALLOW_PATTERNS);
    }

    /** Locator downloading the files matching {@code allowPatterns}. */
    public ModelLocator(HubClient client, List<String> allowPatterns) {
        this.client = client;
        this.allowPatterns = List.copyOf(allowPatterns);
    }

    /** Locator configured from the environment (HF_ENDPOINT, HF_TOKEN, AR_USE_MODELSCOPE, ...). */
    public static ModelLocator fromSystem() {
        return new ModelLocator(HubClient.fromSystem());
    }

    /**
     * Locator for one hub: "hf" or "model_scope" (the reference's {@code platform} argument), null for the one the
     * environment selects. The rest of the settings (endpoints, tokens, caches, offline) come from the environment.
     */
    public static ModelLocator forPlatform(String platform) {
        return new ModelLocator(new HubClient(HubSettings.forPlatform(System.getenv(), platform)));
    }

    /** Local folder holding the model named by {@code modelOrPath}. */
    public Path resolve(String modelOrPath) {
        if (modelOrPath == null || modelOrPath.isBlank()) {
            throw new HubException(HubException.Kind.INVALID_INPUT,
                    "no model given: pass a local model folder or a hub id like 'org/name'");
        }
        String arg = modelOrPath.trim();
        Path local = toPath(arg);
        if (local != null && ModelFiles.isDirectory(local)) { // a folder we may not read is reported, not looked up
            return local.toAbsolutePath().normalize();
        }
        if (local != null && ModelFiles.exists(local)) {
            throw new HubException(HubException.Kind.INVALID_INPUT, "'" + arg + "' is a file; a model must be a"
                    + " folder (with config.json and *.safetensors) or a hub id like 'org/name'");
        }
        Matcher m = HUB_ID.matcher(arg);
        if (!m.matches()) {
            throw new HubException(HubException.Kind.INVALID_INPUT, "'" + arg + "' is no such folder and not a hub id"
                    + " (expected an existing model folder, 'org/name' or 'org/name@revision')");
        }
        try {
            return client.snapshot(m.group(1), RepoType.MODEL, m.group(2), allowPatterns);
        } catch (HubException e) {
            if (e.kind() == HubException.Kind.NOT_FOUND || e.kind() == HubException.Kind.INVALID_INPUT) {
                throw new HubException(e.kind(), "'" + arg + "' is no local folder, and as a hub id: "
                        + e.getMessage(), e);
            }
            throw e;
        }
    }

    private static Path toPath(String arg) {
        try {
            return Path.of(arg);
        } catch (InvalidPathException e) {
            return null;
        }
    }
}
