package io.autoround.engine;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;

/**
 * The dtype in which a block's forward and backward run during tuning (the reference's AMP, reference-spec 1.2):
 * on a GPU with amp on, half precision; everywhere else fp32. The tuned parameters (V, min/max scales), the optimizer
 * state and the loss stay fp32 either way. The reference autocasts to bf16 on CUDA; DJL 0.36 cannot hold a bf16
 * array (see DESIGN.md), so the half-precision dtype here is fp16, whose narrower range the tuner covers with a
 * dynamic loss scale. Activation quantization keeps fp32: the reference forces bf16 there, which is not available.
 *
 * @param dtype FLOAT32 or FLOAT16
 * @param reason one line for the run log
 */
public record TuningPrecision(DataType dtype, String reason) {

    /** fp32 everywhere (CPU runs, amp off). */
    public static final TuningPrecision FP32 = new TuningPrecision(DataType.FLOAT32, "fp32");

    /**
     * @param device the tuning device
     * @param amp the reference's {@code amp} option (true by default; {@code --disable_amp} turns it off)
     * @param quantizesActivations whether any tuned layer quantizes its inputs
     */
    public static TuningPrecision resolve(Device device, boolean amp, boolean quantizesActivations) {
        if (!device.isGpu()) {
            return new TuningPrecision(DataType.FLOAT32, "fp32 (CPU: half-precision matmuls are far slower there)");
        }
        if (!amp) {
            return new TuningPrecision(DataType.FLOAT32, "fp32 (--disable_amp)");
        }
        if (quantizesActivations) {
            return new TuningPrecision(DataType.FLOAT32,
                    "fp32 (activation quantization needs bf16 in the reference, which DJL cannot hold)");
        }
        return new TuningPrecision(DataType.FLOAT16,
                "fp16 forward/backward with fp32 parameters, optimizer and loss (amp; bf16 is not available in DJL)");
    }

    public boolean isHalf() {
        return dtype == DataType.FLOAT16;
    }
}
