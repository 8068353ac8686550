package io.autoround.infer;

/**
 * Whether a backend can run on this machine for a device: its libraries load and the device exists.
 *
 * @param available true when it can run here
 * @param reason why not (empty when available)
 * @param installHint what to install or enable to make it available (empty when available)
 */
public record Availability(boolean available, String reason, String installHint) {

    public static Availability yes() {
        return new Availability(true, "", "");
    }

    public static Availability no(String reason, String installHint) {
        return new Availability(false, reason, installHint);
    }
}
