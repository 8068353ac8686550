package io.autoround.infer.gguf;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.autoround.export.gguf.GgmlBlockCodec;
import io.autoround.export.gguf.GgmlType;
import io.autoround.export.gguf.GgufFormatException;
import io.autoround.export.gguf.GgufValue;
import io.autoround.export.gguf.GgufWriter;
import io.autoround.infer.QuantizedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files the GGUF loader refuses, each with a message naming the file and the problem. */
class GgufLoadErrorsTest {
    @TempDir
    Path tmp;

    @Test
    void notAGgufFile() throws Exception {
        Path f = tmp.resolve("model.gguf");
        Files.writeString(f, "{\"model_type\": \"llama\"}");
        GgufFormatException e = assertThrows(GgufFormatException.class,
                () -> QuantizedModel.load(f, Device.cpu(), "auto", (Path) null));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("not a GGUF file"), e.getMessage());
    }

    @Test
    void unsupportedArchitectureAndMissingKeys() {
        Path f = tmp.resolve("gpt2.gguf");
        try (GgufWriter w = new GgufWriter(f)) {
            w.put("general.architecture", GgufValue.string("gpt2"));
            w.addTensor("token_embd.weight", new long[] {4, 32}, GgmlType.F32, GgmlBlockCodec.packFloats(GgmlType.F32, new float[128]));
            w.finish();
        }
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> GgufModelLoader.load(f, Device.cpu()));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("'gpt2'"), e.getMessage());
        e = assertThrows(UnsupportedOperationException.class, () -> GgufModelLoader.tokenizer(f, null));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("no vocabulary")
                && e.getMessage().contains("--tokenizer"), e.getMessage());

        Path g = tmp.resolve("qwen3.gguf");
        try (GgufWriter w = new GgufWriter(g)) {
            w.put("general.architecture", GgufValue.string("qwen3"));
            w.put("qwen3.embedding_length", GgufValue.uint32(32));
            w.addTensor("token_embd.weight", new long[] {4, 32}, GgmlType.F32, GgmlBlockCodec.packFloats(GgmlType.F32, new float[128]));
            w.finish();
        }
        GgufFormatException m = assertThrows(GgufFormatException.class, () -> GgufModelLoader.load(g, Device.cpu()));
        assertTrue(m.getMessage().contains(g.toString()) && m.getMessage().contains("qwen3.attention.head_count"),
                m.getMessage());
    }
}
