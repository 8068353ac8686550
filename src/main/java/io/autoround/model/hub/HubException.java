package io.autoround.model.hub;

/**
 * A hub download or cache lookup failed. The {@link Kind} lets callers react (e.g. fall back to a local path)
 * without parsing messages; the message always names the repo or file and what the user can do.
 */
public final class HubException extends RuntimeException {

    /** Why the operation failed. */
    public enum Kind {
        /** 401/403: private or gated repo, or a bad token. */
        UNAUTHORIZED,
        /** 404: repo, revision or file does not exist. */
        NOT_FOUND,
        /** The endpoint could not be reached or the connection broke. */
        NETWORK,
        /** Downloaded bytes do not match the expected sha256 or size. */
        INTEGRITY,
        /** Offline mode and the requested snapshot is not in the cache. */
        NOT_CACHED,
        /** The server answered something this client does not understand. */
        PROTOCOL,
        /** The argument is not a valid repo id / model source. */
        INVALID_INPUT
    }

    private final Kind kind;

    /** Creates an exception of the given kind. */
    public HubException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    /** Creates an exception of the given kind wrapping a lower-level cause. */
    public HubException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    /** Why the operation failed. */
    public Kind kind() {
        return kind;
    }
}
