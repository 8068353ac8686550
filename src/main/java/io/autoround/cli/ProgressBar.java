package io.autoround.cli;

import io.autoround.api.SignalCancellation;
import java.io.PrintStream;
import java.time.Duration;

/** A one-line terminal progress bar with elapsed and remaining time, redrawn in place on stderr. */
public final class ProgressBar {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final String label;
    private final long start = System.nanoTime();
    private int lastPercent = -1;

    public ProgressBar(PrintStream out, String label) {
        this.out = out;
        this.label = label;
    }

    /** Draws {@code done} of {@code total} with an optional note (e.g. a loss). */
    public synchronized void update(int done, int total, String note) {
        int percent = total == 0 ? 100 : (int) (100L * done / total);
        if (percent == lastPercent && done != total && note == null) {
            return;
        }
        lastPercent = percent;
        int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
        double elapsed = (System.nanoTime() - start) / 1e9;
        double remaining = done == 0 ? 0 : elapsed * (total - done) / done;
        out.printf("\r%s [%s%s] %d/%d %3d%% %s<%s%s", label, "#".repeat(filled), ".".repeat(WIDTH - filled), done, total,
                percent, format(elapsed), format(remaining), note == null ? "" : " " + note);
        if (done >= total) {
            out.println();
        }
        out.flush();
    }

    /** Perplexity progress on this bar that also stops the evaluation when a SIGINT/SIGTERM arrived. */
    io.autoround.eval.Perplexity.Progress interruptible() {
        return (done, total) -> {
            SignalCancellation.checkpoint();
            update(done, total, null);
        };
    }

    static String format(double seconds) {
        Duration d = Duration.ofMillis((long) (seconds * 1000));
        return d.toHours() > 0 ? String.format("%d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart())
                : String.format("%02d:%02d", d.toMinutesPart(), d.toSecondsPart());
    }
}
