package io.autoround.model.hub;

/** Which model hub a {@link HubClient} talks to; each has its own protocol and default revision. */
public enum HubPlatform {
    /** huggingface.co (or a mirror set with {@code HF_ENDPOINT}); default revision {@code main}. */
    HUGGING_FACE("main"),
    /** modelscope.cn, chosen with {@code AR_USE_MODELSCOPE=1}; default revision {@code master}. */
    MODELSCOPE("master");

    private final String defaultRevision;

    HubPlatform(String defaultRevision) {
        this.defaultRevision = defaultRevision;
    }

    /** Branch used when the caller gives no revision. */
    public String defaultRevision() {
        return defaultRevision;
    }
}
