package io.autoround.quant;

/**
 * Output of a quant-dequant: the stored form for the exporters and the fake-quantised weight the model continues
 * with (row-major [rows * cols], in fp32; values already rounded to the layer dtype when the precision is bf16).
 *
 * @param weight codes, scales, zero points, global scale
 * @param dequantized the fake-quantised weight
 */
public record QuantResult(QuantizedWeight weight, float[] dequantized) {
}
