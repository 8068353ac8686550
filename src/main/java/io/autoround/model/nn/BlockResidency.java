package io.autoround.model.nn;

/**
 * A streamed decoder block's weights were read from the checkpoint ({@code loaded}) or freed: what block streaming
 * ({@code low_cpu_mem_usage}) holds at that moment.
 *
 * @param block the block index
 * @param loaded true when the block was just loaded, false when it was just released
 * @param blockBytes bytes of the block's fp32 weight arrays
 * @param residentBlocks blocks whose weights are held after this event
 * @param residentBytes bytes of all held block weights after this event
 */
public record BlockResidency(int block, boolean loaded, long blockBytes, int residentBlocks, long residentBytes) {}
