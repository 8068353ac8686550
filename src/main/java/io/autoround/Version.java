package io.autoround;

/** The library version, shown by the CLI and the service. */
public final class Version {
    public static final String VERSION = "0.1.0-SNAPSHOT";

    private Version() {}
}
