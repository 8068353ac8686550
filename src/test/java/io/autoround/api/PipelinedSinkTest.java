package io.autoround.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.autoround.model.safetensors.TensorData;
import io.autoround.quant.QuantScheme;
import io.autoround.quant.QuantizedWeight;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The block writer keeps the order of writes, runs them off the caller's thread, and reports its failures. */
class PipelinedSinkTest {

    private static QuantizedWeight weight(String name) {
        return new QuantizedWeight(name, 1, 2, QuantScheme.weightOnlyInt(4, -1, true), new int[2], new float[1],
                new int[1], Float.NaN);
    }

    @Test
    void writesInOrderOnTheWriterThread() {
        List<String> seen = new CopyOnWriteArrayList<>();
        List<String> threads = Collections.synchronizedList(new ArrayList<>());
        WeightSink target = new WeightSink() {
            @Override
            public void accept(QuantizedWeight w) {
                seen.add(w.name());
                threads.add(Thread.currentThread().getName());
            }

            @Override
            public void acceptRaw(TensorData t) {
                seen.add("raw");
            }
        };
        try (PipelinedSink sink = new PipelinedSink(target)) {
            for (int b = 0; b < 5; b++) {
                sink.submit(List.of(weight("b" + b + ".q"), weight("b" + b + ".k")), List.of());
            }
            sink.flush();
        }
        assertEquals(List.of("b0.q", "b0.k", "b1.q", "b1.k", "b2.q", "b2.k", "b3.q", "b3.k", "b4.q", "b4.k"), seen);
        threads.forEach(t -> assertNotEquals(Thread.currentThread().getName(), t));
    }

    @Test
    void aFailedWriteIsThrownAtTheNextSubmitOrFlush() {
        WeightSink failing = new WeightSink() {
            @Override
            public void accept(QuantizedWeight w) {
                throw new UncheckedIOException(new java.io.IOException("disk full writing " + w.name()));
            }

            @Override
            public void acceptRaw(TensorData t) {}
        };
        try (PipelinedSink sink = new PipelinedSink(failing)) {
            sink.submit(List.of(weight("b0.q")), List.of());
            UncheckedIOException e = assertThrows(UncheckedIOException.class,
                    () -> sink.submit(List.of(weight("b1.q")), List.of()));
            assertEquals("disk full writing b0.q", e.getCause().getMessage());
            sink.submit(List.of(weight("b2.q")), List.of());
            assertThrows(UncheckedIOException.class, sink::flush);
        }
    }
}
