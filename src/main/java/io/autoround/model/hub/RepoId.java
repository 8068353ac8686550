package io.autoround.model.hub;

import java.util.regex.Pattern;

/**
 * A validated hub repository id ({@code name} or {@code org/name}), with the rules huggingface_hub enforces:
 * word characters, '-', '.' only, at most 96 characters per part, no {@code --} or {@code ..}.
 *
 * @param value the id as written on the hub, e.g. {@code Intel/stories260k}
 */
public record RepoId(String value) {

    private static final Pattern VALID = Pattern.compile("([\\w\\-.]+/)?[\\w\\-.]{1,96}");

    /** Rejects ids the hub would reject, naming the id and the rule. */
    public RepoId {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new HubException(HubException.Kind.INVALID_INPUT,
                    "'" + value + "' is not a valid hub repo id (expected 'name' or 'org/name' with letters, digits,"
                            + " '-', '_', '.')");
        }
        if (value.contains("--") || value.contains("..") || value.startsWith("-") || value.startsWith(".")
                || value.endsWith("-") || value.endsWith(".")) {
            throw new HubException(HubException.Kind.INVALID_INPUT,
                    "'" + value + "' is not a valid hub repo id ('--' and '..' are forbidden, and it cannot start or"
                            + " end with '-' or '.')");
        }
    }

    /** Cache folder name as huggingface_hub writes it: {@code models--org--name}. */
    public String cacheFolderName(RepoType type) {
        return type.plural() + "--" + value.replace("/", "--");
    }

    /** Owner part ({@code org}), or empty when the id has no owner. */
    public String owner() {
        int slash = value.indexOf('/');
        return slash < 0 ? "" : value.substring(0, slash);
    }

    /** Name part after the slash. */
    public String name() {
        return value.substring(value.indexOf('/') + 1);
    }

    @Override
    public String toString() {
        return value;
    }
}
