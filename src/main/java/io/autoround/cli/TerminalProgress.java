package io.autoround.cli;

import io.autoround.api.BlockReport;
import io.autoround.api.ProgressListener;
import java.io.PrintStream;

/** Progress on the terminal: a bar over the iterations of the current block and one line per finished block. */
final class TerminalProgress implements ProgressListener {
    private final PrintStream out;
    private final long start = System.nanoTime();
    private ProgressBar bar;
    private int barBlock = -1;

    TerminalProgress(PrintStream out) {
        this.out = out;
    }

    @Override
    public void phase(String name) {
        out.println("== " + name);
    }

    @Override
    public void iteration(int block, int it, int iters) {
        if (block != barBlock) {
            bar = new ProgressBar(out, "block " + block);
            barBlock = block;
        }
        bar.update(it + 1, iters, null);
    }

    @Override
    public void blockDone(BlockReport r, int blocks) {
        double elapsed = (System.nanoTime() - start) / 1e9;
        double remaining = r.index() + 1 >= blocks ? 0 : elapsed / (r.index() + 1) * (blocks - r.index() - 1);
        String loss = Double.isNaN(r.rtnLoss()) ? ""
                : String.format(" loss %.6g (RTN) -> %.6g (tuned)", r.rtnLoss(), r.tunedLoss());
        out.printf("[%d/%d] %s: %d layers%s, %.1f s (elapsed %s, remaining ~%s)%n", Math.min(r.index() + 1, blocks), blocks,
                r.name(), r.layers(), loss, r.seconds(), ProgressBar.format(elapsed), ProgressBar.format(remaining));
    }
}
