package io.autoround.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * This process's resident host memory as the kernel counts it ({@code /proc/self/status}): {@code VmHWM}, the peak
 * resident set since start (Java heap, native libtorch memory and mapped file pages alike), and {@code VmRSS}, the
 * current one. Empty where the file does not exist (not Linux).
 */
public final class HostMemory {
    private static final Path STATUS = Path.of("/proc/self/status");

    private HostMemory() {}

    /** Peak resident set size in bytes (VmHWM). */
    public static OptionalLong peakRssBytes() {
        return field(STATUS, "VmHWM");
    }

    /** Current resident set size in bytes (VmRSS). */
    public static OptionalLong rssBytes() {
        return field(STATUS, "VmRSS");
    }

    /** e.g. {@code "peak RSS 1.23 GiB"}, or {@code "peak RSS unknown"} off Linux. */
    public static String peakRssSummary() {
        OptionalLong peak = peakRssBytes();
        return peak.isPresent() ? String.format(Locale.ROOT, "peak RSS %.2f GiB", peak.getAsLong() / (double) (1L << 30))
                : "peak RSS unknown";
    }

    /** A {@code Name:   123 kB} line of a status file, in bytes. */
    static OptionalLong field(Path status, String name) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith(name + ":")) {
                    String[] parts = line.substring(name.length() + 1).trim().split("\\s+");
                    long kb = Long.parseLong(parts[0]);
                    return OptionalLong.of(parts.length > 1 && parts[1].equalsIgnoreCase("kB") ? kb * 1024 : kb);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or an unexpected format: the figure is simply unknown
        }
        return OptionalLong.empty();
    }
}
