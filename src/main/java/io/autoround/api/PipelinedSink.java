package io.autoround.api;

import io.autoround.model.safetensors.TensorData;
import io.autoround.quant.QuantizedWeight;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Packs and writes one block's layers on a background thread while the next block tunes: the exporters' packing
 * and shard writes (seconds per block on an 8B model) then overlap the GPU work instead of following it. At most
 * one block is in flight, so host memory holds one finished block besides the one being tuned; writes keep their
 * order, and every call to the wrapped sink happens on the writer thread until {@link #close()} returns.
 */
final class PipelinedSink implements AutoCloseable {
    private final WeightSink target;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "autoround-block-writer");
        t.setDaemon(true);
        return t;
    });
    private Future<?> inFlight;

    PipelinedSink(WeightSink target) {
        this.target = target;
    }

    /**
     * Queues one block's outputs, after the previous block's have been written (a failure there is thrown here).
     */
    void submit(List<QuantizedWeight> weights, List<TensorData> tensors) {
        awaitPrevious();
        List<QuantizedWeight> w = List.copyOf(weights);
        List<TensorData> t = List.copyOf(tensors);
        inFlight = writer.submit(() -> {
            w.forEach(target::accept);
            t.forEach(target::acceptRaw);
        });
    }

    /** Waits until everything queued is written, rethrowing a failure of the writer. */
    void flush() {
        awaitPrevious();
    }

    private void awaitPrevious() {
        if (inFlight == null) {
            return;
        }
        Future<?> f = inFlight;
        inFlight = null;
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.CancellationException("interrupted while writing a block");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("writing a block failed: " + cause, cause);
        }
    }

    /**
     * Stops the writer after the block in flight (whose failure, if any, is dropped: this runs when the pass is
     * already failing, or after {@link #flush()}), so the caller may close the sinks safely.
     */
    @Override
    public void close() {
        writer.shutdown();
        try {
            if (inFlight != null) {
                inFlight.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // reported by flush() on the normal path; on the failure path the first error wins
        } finally {
            inFlight = null;
        }
    }
}
