package io.autoround.api;

import io.autoround.model.safetensors.TensorData;
import io.autoround.quant.QuantizedWeight;

/** Where quantized layers (and tensors computed with them) go as soon as they are final: every format's sink. */
interface WeightSink {
    void accept(QuantizedWeight weight);

    /** A tensor the quantizer computed besides the weights, e.g. a calibrated {@code input_global_scale}. */
    void acceptRaw(TensorData tensor);
}
