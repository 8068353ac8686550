package io.autoround.api;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;

/**
 * The reference's {@code logger.warning_once}: a plan is resolved several times per run (the facade plans at
 * construction and again when saving), and each decision should be reported once per process.
 */
final class WarnOnce {
    private static final int MAX_REMEMBERED = 10_000;
    private static final Set<String> SEEN = ConcurrentHashMap.newKeySet();

    private WarnOnce() {}

    static void warn(Logger log, String message) {
        if (SEEN.size() > MAX_REMEMBERED) {
            SEEN.clear(); // bounded memory in a long-lived service; a rare repeat is harmless
        }
        if (SEEN.add(message)) {
            log.warn(message);
        }
    }
}
