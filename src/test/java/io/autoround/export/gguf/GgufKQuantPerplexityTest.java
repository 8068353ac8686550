package io.autoround.export.gguf;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.api.AutoRound;
import io.autoround.api.QuantizeOptions;
import io.autoround.model.safetensors.DType;
import io.autoround.model.safetensors.SafetensorsCheckpoint;
import io.autoround.model.safetensors.SafetensorsWriter;
import io.autoround.model.safetensors.TensorData;
import io.autoround.model.safetensors.TensorInfo;
import io.autoround.testutil.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Held-out perplexity of tiny-qwen3 rebuilt from GGUF files (every tensor dequantized from the file into an fp32
 * checkpoint): k-quant files stay close to the source model, and Q4_K_M is no worse than the legacy Q4_0.
 */
class GgufKQuantPerplexityTest {
    private static final Path MODEL = SharedData.model("tiny-qwen3-12m");
    private static final GgufArchitecture QWEN3 = new GgufArchitecture("qwen3", false);

    @TempDir
    Path tmp;

    private Path exportAndRebuild(String format, String label) throws IOException {
        QuantizeOptions o = new QuantizeOptions();
        o.model = MODEL.toString();
        o.iters = 0;
        o.disableOptRtn = true;
        o.formats = List.of(format);
        o.outputDir = tmp.resolve(label).toString();
        AutoRound ar = new AutoRound(o, new PrintStream(new ByteArrayOutputStream()));
        ar.save(ar.quantize(), tmp.resolve(label), List.of(format), true);
        Path file = tmp.resolve(label + "/tiny-qwen3-12m-gguf/tiny-qwen3-12m-" + label + ".gguf");
        Path out = tmp.resolve(label + "-dequantized");
        Files.createDirectories(out);
        List<TensorData> tensors = new ArrayList<>();
        try (GgufReader r = GgufReader.open(file); SafetensorsCheckpoint src = SafetensorsCheckpoint.open(MODEL)) {
            for (TensorInfo t : src.tensors()) {
                float[] v = r.dequantize(r.tensor(QWEN3.tensorName(t.name())));
                tensors.add(TensorData.ofFloats(t.name(), t.shape(), v, DType.F32));
            }
        }
        SafetensorsWriter.write(out.resolve("model.safetensors"), Map.of("format", "pt"), tensors);
        for (String f : List.of("config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json")) {
            Files.copy(MODEL.resolve(f), out.resolve(f));
        }
        return out;
    }

    @Test
    void kQuantFilesKeepPerplexityNearTheSource() throws IOException {
        Path text = tmp.resolve("heldout.txt");
        Files.writeString(text, Files.readString(MODEL.resolve("heldout.txt")).substring(0, 8_000));
        double base = AutoRound.perplexity(MODEL, text, 256, null).perplexity();
        double q4km = AutoRound.perplexity(exportAndRebuild("gguf:q4_k_m", "Q4_K_M"), text, 256, null).perplexity();
        double q4_0 = AutoRound.perplexity(exportAndRebuild("gguf:q4_0", "Q4_0"), text, 256, null).perplexity();
        System.out.printf("tiny-qwen3-12m held-out ppl (8k chars, seqlen 256): source %.4f, Q4_K_M %.4f, Q4_0 %.4f%n",
                base, q4km, q4_0);
        // 40k chars gave source 54.09, Q4_K_M 54.12, Q4_0 54.54, Q2_K_S 54.94 (only ffn_down is 256-divisible)
        assertTrue(q4km < base * 1.1, "Q4_K_M " + q4km + " vs source " + base);
        assertTrue(q4km <= q4_0 * 1.02, "Q4_K_M " + q4km + " vs Q4_0 " + q4_0);
    }
}
