package io.autoround.model.nn;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.model.config.ConfigException;
import io.autoround.testutil.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading a model whose config and weights disagree, or whose folder is incomplete, fails with a clear message. */
class DecoderModelBadInputTest {
    @TempDir
    Path dir;

    private void copyLlamaWithConfig(String from, String to) throws IOException {
        Path src = SharedData.golden("parity/llama");
        Files.copy(src.resolve("model.safetensors"), dir.resolve("model.safetensors"), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(dir.resolve("config.json"), Files.readString(src.resolve("config.json")).replace(from, to));
    }

    @Test
    void shapeMismatchNamesTensorAndConfig() throws IOException {
        copyLlamaWithConfig("\"intermediate_size\": 384", "\"intermediate_size\": 256");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DecoderModel.load(dir));
        assertTrue(e.getMessage().contains("model.layers.0.mlp.gate_proj.weight") && e.getMessage().contains("[384, 128]")
                && e.getMessage().contains("config.json"), e.getMessage());
    }

    @Test
    void missingLmHeadWhenUntiedIsReported() throws IOException {
        // the parity qwen3 model is tied (no lm_head.weight); declaring it untied must fail on the missing tensor
        Path src = SharedData.golden("parity/qwen3");
        Files.copy(src.resolve("model.safetensors"), dir.resolve("model.safetensors"));
        Files.writeString(dir.resolve("config.json"), Files.readString(src.resolve("config.json"))
                .replace("\"tie_word_embeddings\": true", "\"tie_word_embeddings\": false"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DecoderModel.load(dir));
        assertTrue(e.getMessage().contains("lm_head.weight") && e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void missingConfigNamesTheFile() {
        ConfigException e = assertThrows(ConfigException.class, () -> DecoderModel.load(dir));
        assertTrue(e.getMessage().contains("config.json"), e.getMessage());
    }
}
