package io.autoround.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.model.safetensors.SafetensorsCheckpoint;
import io.autoround.model.safetensors.SafetensorsWriter;
import io.autoround.model.safetensors.TensorData;
import io.autoround.model.safetensors.TensorInfo;
import io.autoround.quant.QuantScheme;
import io.autoround.quant.QuantizedWeight;
import io.autoround.testutil.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Clear errors naming the layer/folder for bad plans, folders and checkpoints; nothing partial left behind. */
class ExportBadInputTest {
    private static final String Q = "model.layers.0.self_attn.q_proj";
    private static final QuantScheme W4 = QuantScheme.weightOnlyInt(4, 128, true);

    @TempDir
    Path tmp;

    private ExportPlan plan(Path out, QuantScheme s, ExportOptions options) {
        return new ExportPlan(ExportTestSupport.source(), out, s,
                ExportTestSupport.layerSchemes(ExportTestSupport.source(), Set.of(Q), s), options);
    }

    private static List<QuantizedWeight> weights(QuantScheme s) {
        return List.of(RandomWeights.intWeight(Q, 256, 256, s, 1, 1));
    }

    private List<String> leftovers() throws Exception {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void existingNonEmptyOutputIsRefusedAndOverwriteReplacesOnlyOurCheckpoints() throws Exception {
        Path out = tmp.resolve("out");
        Files.createDirectories(out);
        Files.writeString(out.resolve("keep.txt"), "user data");
        ExportException e = assertThrows(ExportException.class,
                () -> ExporterRegistry.get("auto_round").export(plan(out, W4, ExportOptions.rtn()), weights(W4)));
        assertTrue(e.getMessage().contains(out.toString()) && e.getMessage().contains("not empty"), e.getMessage());
        // overwrite never deletes a folder that is not a checkpoint written by this tool
        ExportException e2 = assertThrows(ExportException.class, () -> ExporterRegistry.get("auto_round")
                .export(plan(out, W4, ExportOptions.rtn().withOverwrite(true)), weights(W4)));
        assertTrue(e2.getMessage().contains("not a checkpoint written by auto-round"), e2.getMessage());
        assertEquals("user data", Files.readString(out.resolve("keep.txt")));
        assertEquals(List.of("out"), leftovers());

        Path ours = tmp.resolve("ours");
        ExporterRegistry.get("auto_round").export(plan(ours, W4, ExportOptions.rtn()), weights(W4));
        assertTrue(CheckpointMarker.isPresent(ours));
        Files.writeString(ours.resolve("stale.txt"), "from the previous run");
        ExporterRegistry.get("auto_round").export(plan(ours, W4, ExportOptions.rtn().withOverwrite(true)), weights(W4));
        assertFalse(Files.exists(ours.resolve("stale.txt")), "our own checkpoint is replaced as a whole");
        assertTrue(Files.isRegularFile(ours.resolve("model.safetensors")));
        assertEquals(List.of("ours", "out"), leftovers());
    }

    @Test
    void emptyExistingOutputFolderIsAccepted() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("empty"));
        ExporterRegistry.get("auto_gptq").export(plan(out, W4, ExportOptions.rtn()), weights(W4));
        assertTrue(Files.isRegularFile(out.resolve("config.json")));
    }

    @Test
    void unwritableOutputFolderFailsClearly() throws Exception {
        Path blocker = Files.writeString(tmp.resolve("a-file"), "x");
        Path out = blocker.resolve("out");
        ExportException e = assertThrows(ExportException.class,
                () -> ExporterRegistry.get("auto_round").export(plan(out, W4, ExportOptions.rtn()), weights(W4)));
        assertTrue(e.getMessage().contains("cannot write output folder " + out), e.getMessage());
        Path fileTarget = Files.writeString(tmp.resolve("target-is-file"), "x");
        ExportException e2 = assertThrows(ExportException.class,
                () -> ExporterRegistry.get("auto_round").export(plan(fileTarget, W4, ExportOptions.rtn()), weights(W4)));
        assertTrue(e2.getMessage().contains("is an existing file, not a folder"), e2.getMessage());
        assertEquals(List.of("a-file", "target-is-file"), leftovers());
    }

    @Test
    void unknownFormatListsTheSupportedOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ExporterRegistry.get("gptq2"));
        assertTrue(e.getMessage().contains("unknown export format 'gptq2'"), e.getMessage());
        for (String f : List.of("auto_round", "auto_gptq", "auto_awq", "llm_compressor")) {
            assertTrue(e.getMessage().contains(f), e.getMessage());
        }
    }

    @Test
    void formatsRefuseSchemesTheyCannotHold() throws Exception {
        QuantScheme w3 = QuantScheme.weightOnlyInt(3, 128, true);
        UnsupportedSchemeException awq = assertThrows(UnsupportedSchemeException.class,
                () -> ExporterRegistry.get("auto_awq").export(plan(tmp.resolve("o1"), w3, ExportOptions.rtn()), weights(w3)));
        assertTrue(awq.getMessage().contains("auto_awq cannot store layer '" + Q + "'")
                && awq.getMessage().contains("3-bit"), awq.getMessage());
        UnsupportedSchemeException llmc = assertThrows(UnsupportedSchemeException.class,
                () -> ExporterRegistry.get("llm_compressor").export(plan(tmp.resolve("o2"), w3, ExportOptions.rtn()), weights(w3)));
        assertTrue(llmc.getMessage().contains(Q), llmc.getMessage());
        QuantScheme mx = new QuantScheme(4, 32, true, "mx_fp", 4, 32, true, "mx_fp", true, null, null);
        UnsupportedSchemeException gptq = assertThrows(UnsupportedSchemeException.class,
                () -> ExporterRegistry.get("auto_gptq").validate(plan(tmp.resolve("o3"), mx, ExportOptions.rtn())));
        assertTrue(gptq.getMessage().contains("data_type 'mx_fp' is not int"), gptq.getMessage());
        // GPTQ-style packing stores a partial last group (ceil(K/G) scale rows, as the reference); AWQ cannot
        ExporterRegistry.get("auto_round").validate(plan(tmp.resolve("o4"), QuantScheme.weightOnlyInt(4, 100, true), ExportOptions.rtn()));
        QuantScheme g100 = QuantScheme.weightOnlyInt(4, 100, false);
        UnsupportedSchemeException group = assertThrows(UnsupportedSchemeException.class,
                () -> ExporterRegistry.get("auto_awq").validate(plan(tmp.resolve("o4"), g100, ExportOptions.rtn())));
        assertTrue(group.getMessage().contains("not a multiple of group_size 100"), group.getMessage());
        ExportPlan unknownLayer = new ExportPlan(ExportTestSupport.source(), tmp.resolve("o5"), W4,
                java.util.Map.of("model.layers.9.mlp.up_proj", W4), ExportOptions.rtn());
        UnsupportedSchemeException missing = assertThrows(UnsupportedSchemeException.class,
                () -> ExporterRegistry.get("auto_round").validate(unknownLayer));
        assertTrue(missing.getMessage().contains("model.layers.9.mlp.up_proj"), missing.getMessage());
        assertEquals(List.of(), leftovers());
    }

    @Test
    void failuresDuringStreamingLeaveNothingBehind() throws Exception {
        Path out = tmp.resolve("out");
        ExportPlan p = plan(out, W4, ExportOptions.rtn());
        Exporter exporter = ExporterRegistry.get("auto_round");
        // the unquantized weight of a quantized layer is refused
        try (CheckpointSink sink = exporter.open(p)) {
            ExportException e = assertThrows(ExportException.class,
                    () -> sink.addRaw(new TensorData(Q + ".weight", io.autoround.model.safetensors.DType.BF16,
                            new long[] {2}, new byte[4])));
            assertTrue(e.getMessage().contains(Q), e.getMessage());
        }
        assertEquals(List.of(), leftovers());
        // finishing without every planned layer fails naming it
        try (CheckpointSink sink = exporter.open(p)) {
            ExportException e = assertThrows(ExportException.class, sink::finish);
            assertTrue(e.getMessage().contains("never added") && e.getMessage().contains(Q), e.getMessage());
        }
        assertEquals(List.of(), leftovers());
        // a weight quantized with another scheme than planned
        try (CheckpointSink sink = exporter.open(p)) {
            QuantScheme w8 = QuantScheme.weightOnlyInt(8, 128, true);
            ExportException e = assertThrows(ExportException.class, () -> sink.add(weights(w8).get(0)));
            assertTrue(e.getMessage().contains(Q), e.getMessage());
        }
        // closing an unfinished sink discards what was written
        try (CheckpointSink sink = exporter.open(p)) {
            sink.add(weights(W4).get(0));
        }
        assertEquals(List.of(), leftovers());
    }

    @Test
    void missingScalesInACheckpointNameTheLayer() throws Exception {
        Path golden = SharedData.golden("formats/W4A16-auto_gptq/source-qwen3-w4g128");
        Path broken = Files.createDirectories(tmp.resolve("broken"));
        Files.copy(golden.resolve("config.json"), broken.resolve("config.json"));
        String dropped = "model.layers.1.mlp.up_proj.scales";
        List<TensorData> kept = new ArrayList<>();
        try (SafetensorsCheckpoint src = SafetensorsCheckpoint.open(golden)) {
            for (TensorInfo t : src.tensors()) {
                if (!t.name().equals(dropped)) {
                    kept.add(new TensorData(t.name(), t.dtype(), t.shape(), src.readBytes(t.name())));
                }
            }
        }
        SafetensorsWriter.write(broken.resolve("model.safetensors"), null, kept);
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> QuantizedCheckpointReader.read(broken));
        assertTrue(e.getMessage().contains("layer 'model.layers.1.mlp.up_proj'")
                && e.getMessage().contains(dropped) && e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void checkpointsWithoutOrWithUnknownQuantizationConfigAreRefused() throws Exception {
        CheckpointFormatException none = assertThrows(CheckpointFormatException.class,
                () -> QuantizedCheckpointReader.read(ExportTestSupport.source()));
        assertTrue(none.getMessage().contains("no quantization_config"), none.getMessage());
        Path dir = Files.createDirectories(tmp.resolve("hqq"));
        Files.writeString(dir.resolve("config.json"), "{\"quantization_config\": {\"quant_method\": \"hqq\"}}");
        CheckpointFormatException unknown = assertThrows(CheckpointFormatException.class,
                () -> QuantizedCheckpointReader.read(dir));
        assertTrue(unknown.getMessage().contains("unsupported quant_method 'hqq'"), unknown.getMessage());
    }

    @Test
    void biasOfAQuantizedLayerIsStoredAsFp16() throws Exception {
        Path out = tmp.resolve("bias");
        float[] bias = {0.1f, -2.5f, 3.0e-3f, 7f};
        TensorData bf16 = TensorData.ofFloats(Q + ".bias", new long[] {4}, bias, io.autoround.model.safetensors.DType.BF16);
        Exporter exporter = ExporterRegistry.get("auto_round");
        ExportPlan p = plan(out, W4, ExportOptions.rtn());
        try (CheckpointSink sink = exporter.open(p); SafetensorsCheckpoint src = SafetensorsCheckpoint.open(p.sourceModelDir())) {
            sink.add(weights(W4).get(0));
            sink.addRaw(bf16);
            Exporter.copyUnquantized(src, p, sink);
            sink.finish();
        }
        try (SafetensorsCheckpoint written = SafetensorsCheckpoint.open(out)) {
            assertEquals(io.autoround.model.safetensors.DType.F16, written.info(Q + ".bias").dtype());
            float[] expected = new float[4];
            for (int i = 0; i < 4; i++) {
                expected[i] = Float.float16ToFloat(Float.floatToFloat16(
                        io.autoround.model.safetensors.ElementCodec.bf16ToFloat(TensorData.floatToBf16(bias[i]))));
            }
            assertArrayEquals(expected, written.readFloats(Q + ".bias"));
        }
    }
}
