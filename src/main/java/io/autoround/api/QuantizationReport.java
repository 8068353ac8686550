package io.autoround.api;

import java.nio.file.Path;
import java.util.List;

/**
 * Result of {@link AutoRound#quantizeAndSave()}.
 *
 * @param model the model as given
 * @param algorithm how weights were chosen
 * @param scheme the preset name
 * @param quantizedLayers number of quantized Linear layers
 * @param outputs one checkpoint folder per format, in the order given
 * @param blocks per-block report
 * @param seconds total wall time
 */
public record QuantizationReport(String model, Algorithm algorithm, String scheme, int quantizedLayers,
        List<Path> outputs, List<BlockReport> blocks, double seconds) {}
