package io.autoround.api;

import io.autoround.export.Exporter;
import java.nio.file.Path;

/**
 * One format to write and where.
 *
 * @param format the format name as the user gave it
 * @param exporter its exporter
 * @param outputDir the final folder of this format's checkpoint
 */
public record ExportTarget(String format, Exporter exporter, Path outputDir) {}
