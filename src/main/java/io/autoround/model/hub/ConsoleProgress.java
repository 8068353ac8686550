package io.autoround.model.hub;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Prints one line per 10% of each download, so logs stay short even for multi-GB files. */
final class ConsoleProgress implements DownloadProgress {

    private final PrintStream out;
    private final Map<String, Integer> lastDecile = new HashMap<>();

    ConsoleProgress(PrintStream out) {
        this.out = out;
    }

    @Override
    public synchronized void started(String file, long total, long already) {
        lastDecile.put(file, total > 0 ? (int) (already * 10 / total) : 0);
        String resume = already > 0 ? " (resuming at " + bytes(already) + ")" : "";
        out.println("Downloading " + file + ": " + (total >= 0 ? bytes(total) : "unknown size") + resume);
    }

    @Override
    public synchronized void advanced(String file, long done, long total) {
        if (total <= 0) {
            return;
        }
        int decile = (int) (done * 10 / total);
        if (decile > lastDecile.getOrDefault(file, 0) && decile < 10) {
            lastDecile.put(file, decile);
            out.println("  " + file + ": " + bytes(done) + " / " + bytes(total) + " (" + decile * 10 + "%)");
        }
    }

    @Override
    public synchronized void finished(String file, long size) {
        lastDecile.remove(file);
        out.println("  " + file + ": " + bytes(size) + " (100%) done");
    }

    @Override
    public synchronized void notice(String text) {
        out.println(text);
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        double v = n;
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
