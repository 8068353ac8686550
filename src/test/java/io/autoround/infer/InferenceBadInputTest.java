package io.autoround.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.autoround.model.safetensors.SafetensorsCheckpoint;
import io.autoround.model.safetensors.SafetensorsWriter;
import io.autoround.model.safetensors.TensorData;
import io.autoround.model.safetensors.TensorInfo;
import io.autoround.quant.QuantScheme;
import io.autoround.testutil.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad checkpoints and impossible backend requests fail with messages naming the layer and the problem. */
class InferenceBadInputTest {
    static final String GPTQ = "W4A16-auto_gptq/source-qwen3-w4g128";
    static final String Q = "model.layers.0.self_attn.q_proj";

    @TempDir
    Path tmp;

    /** A copy of a golden export, optionally without one tensor and with a config edit. */
    private Path copy(String export, String dropTensor, String configFrom, String configTo) throws Exception {
        Path src = SharedData.golden("formats/" + export);
        Path out = Files.createDirectories(tmp.resolve("ckpt"));
        for (String f : new String[] {"config.json", "quantization_config.json", "generation_config.json"}) {
            if (Files.exists(src.resolve(f))) {
                String text = Files.readString(src.resolve(f));
                Files.writeString(out.resolve(f), configFrom == null ? text : text.replace(configFrom, configTo));
            }
        }
        List<TensorData> tensors = new ArrayList<>();
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(src)) {
            for (TensorInfo t : ckpt.tensors()) {
                if (!t.name().equals(dropTensor)) {
                    tensors.add(new TensorData(t.name(), t.dtype(), t.shape(), ckpt.readBytes(t.name())));
                }
            }
        }
        SafetensorsWriter.write(out.resolve("model.safetensors"), Map.of("format", "pt"), tensors);
        return out;
    }

    @Test
    void missingScalesNameTheLayer() throws Exception {
        Path dir = copy(GPTQ, Q + ".scales", null, null);
        RuntimeException e = assertThrows(RuntimeException.class, () -> QuantizedModel.load(dir));
        assertTrue(e.getMessage().contains(Q) && e.getMessage().contains("scales"), e.getMessage());
    }

    @Test
    void missingZerosNameTheLayer() throws Exception {
        Path dir = copy(GPTQ, Q + ".qzeros", null, null);
        RuntimeException e = assertThrows(RuntimeException.class, () -> QuantizedModel.load(dir));
        assertTrue(e.getMessage().contains(Q) && e.getMessage().contains("qzeros"), e.getMessage());
    }

    @Test
    void declaredFormatDisagreeingWithTensorsFails() throws Exception {
        // the config says 8-bit but the packed tensors hold 4-bit codes
        Path dir = copy(GPTQ, null, "\"bits\": 4", "\"bits\": 8");
        RuntimeException e = assertThrows(RuntimeException.class, () -> QuantizedModel.load(dir));
        assertTrue(e.getMessage().contains("model.layers.0"), e.getMessage());
    }

    @Test
    void forcedBackendThatCannotServeNamesLayerAndReason() {
        Path dir = SharedData.golden("formats/" + GPTQ);
        NoBackendException e = assertThrows(NoBackendException.class,
                () -> QuantizedModel.load(dir, Device.gpu(), PackedCpuBackend.NAME));
        assertTrue(e.getMessage().contains("backend 'packed-cpu' cannot serve layer 'model.layers.0.")
                && e.getMessage().contains("device gpu not in [cpu]"), e.getMessage());
        NoBackendException unknown = assertThrows(NoBackendException.class,
                () -> QuantizedModel.load(dir, Device.cpu(), "marlin"));
        assertTrue(unknown.getMessage().contains("unknown backend 'marlin'")
                && unknown.getMessage().contains("packed-cpu"), unknown.getMessage());
    }

    @Test
    void bitWidthNoBackendSupportsIsRefusedWithEveryReason() {
        LayerRequest r = new LayerRequest(Q, QuantScheme.weightOnlyInt(5, 128, true), "auto_round:auto_gptq",
                Device.cpu(), 256, 256);
        NoBackendException e = assertThrows(NoBackendException.class, () -> BackendRegistry.discover().select(r, "auto"));
        assertTrue(e.getMessage().startsWith("no inference backend can serve layer '" + Q + "'"), e.getMessage());
        for (String b : BackendRegistry.discover().names()) {
            assertTrue(e.getMessage().contains(b + ": bits 5 not in"), e.getMessage());
        }
    }

    @Test
    void autoSelectionPrefersPackedCpuAndExplainsTheOthers() {
        LayerRequest r = new LayerRequest(Q, QuantScheme.weightOnlyInt(4, 128, true), "auto_round:auto_gptq",
                Device.cpu(), 256, 256);
        BackendSelection s = BackendRegistry.discover().select(r, "auto");
        assertEquals(PackedCpuBackend.NAME, s.backend().name());
        assertTrue(s.betterIfInstalled().isEmpty());
        LayerRequest mx = new LayerRequest(Q, new QuantScheme(4, 32, true, "mx_fp", 16, 32, true, "float", true, null, null),
                "auto_round", Device.cpu(), 256, 256);
        BackendSelection m = BackendRegistry.discover().select(mx, "auto");
        assertEquals(DequantFp32Backend.NAME, m.backend().name());
        assertTrue(m.explain().contains("packed-cpu: data type mx_fp not in [int]"), m.explain());
    }

    @Test
    void missingBetterBackendGivesAnInstallHint() {
        // on a GPU request with no CUDA here, djl-packed fits but cannot run: dequant-fp32 serves, with a hint
        LayerRequest r = new LayerRequest(Q, QuantScheme.weightOnlyInt(4, 128, true), "auto_round:auto_gptq",
                Device.gpu(), 256, 256);
        BackendSelection s = BackendRegistry.discover().select(r, "auto");
        org.junit.jupiter.api.Assumptions.assumeTrue(!s.backend().name().equals(DevicePackedBackend.NAME),
                "a CUDA device is present");
        assertEquals(DequantFp32Backend.NAME, s.backend().name());
        assertTrue(s.betterIfInstalled().orElseThrow().startsWith("djl-packed (priority 4) would serve this layer"),
                s.explain());
    }
}
