package io.autoround.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.model.safetensors.SafetensorsFile;
import io.autoround.model.safetensors.TensorInfo;
import io.autoround.quant.QuantizedWeight;
import io.autoround.testutil.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Reads each golden reference export, re-exports its unpacked weights (with the unquantized tensors copied from
 * the source model) and requires byte-identical weights and configs.
 */
class GoldenReexportTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({
        "W4A16-auto_round, auto_round, true, auto_round:auto_gptq, 4",
        "W4A16-auto_gptq/source-qwen3-w4g128, auto_gptq, false, auto_gptq, 4",
        "W4A16-auto_awq/source-qwen3-w4g128, auto_awq, false, auto_awq, 4",
        "W3A16-auto_round/source-qwen3-w3g128, auto_round, false, auto_round:auto_gptq, 3",
    })
    void reexportIsByteIdentical(String golden, String format, boolean modelFree, String detected, int bits)
            throws Exception {
        Path goldenDir = SharedData.golden("formats/" + golden);
        Path out = tmp.resolve("out");
        try (QuantizedCheckpoint cp = QuantizedCheckpointReader.read(goldenDir)) {
            assertEquals(detected, cp.format());
            assertEquals(14, cp.weights().size());
            assertEquals(bits, cp.scheme().bits());
            ExportOptions options = modelFree ? ExportOptions.modelFreeRtn() : ExportOptions.rtn();
            ExportPlan plan = new ExportPlan(ExportTestSupport.source(), out, cp.scheme(),
                    ExportTestSupport.layerSchemes(ExportTestSupport.source(), cp.weights().keySet(), cp.scheme()),
                    options);
            List<QuantizedWeight> weights = List.copyOf(cp.weights().values());
            Path written = ExporterRegistry.get(format).export(plan, weights);
            assertEquals(out.toAbsolutePath().normalize(), written);
        }
        assertHeadersEqual(goldenDir.resolve("model.safetensors"), out.resolve("model.safetensors"));
        assertArrayEquals(Files.readAllBytes(goldenDir.resolve("model.safetensors")),
                Files.readAllBytes(out.resolve("model.safetensors")), "model.safetensors bytes");
        assertEquals(Files.readString(goldenDir.resolve("quantization_config.json")),
                Files.readString(out.resolve("quantization_config.json")));
        assertEquals(Files.readString(goldenDir.resolve("config.json")), Files.readString(out.resolve("config.json")));
        // generation_config.json is copied from the source (the reference's regular flow re-saves it via transformers)
        assertArrayEquals(Files.readAllBytes(ExportTestSupport.source().resolve("generation_config.json")),
                Files.readAllBytes(out.resolve("generation_config.json")));
        try (var files = Files.list(tmp)) {
            assertEquals(List.of(out), files.toList(), "no temporary folder left behind");
        }
    }

    private static void assertHeadersEqual(Path expected, Path actual) {
        try (SafetensorsFile e = SafetensorsFile.open(expected); SafetensorsFile a = SafetensorsFile.open(actual)) {
            List<TensorInfo> et = e.tensors();
            List<TensorInfo> at = a.tensors();
            assertEquals(et.stream().map(TensorInfo::name).toList(), at.stream().map(TensorInfo::name).toList());
            for (int i = 0; i < et.size(); i++) {
                assertEquals(et.get(i), at.get(i), "tensor entry " + et.get(i).name());
            }
            assertTrue(a.metadata() == null || a.metadata().isEmpty(), "no __metadata__");
        }
    }
}
