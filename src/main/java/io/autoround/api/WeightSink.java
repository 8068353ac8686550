package io.autoround.api;

import io.autoround.quant.QuantizedWeight;

/** Where quantized layers go as soon as they are final (the export sinks of every requested format). */
@FunctionalInterface
interface WeightSink {
    void accept(QuantizedWeight weight);
}
