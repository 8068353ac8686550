package io.autoround.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.model.safetensors.SafetensorsCheckpoint;
import io.autoround.testutil.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NVFP4 end to end: calibrated static activation scales are written next to the packed weights. */
class NvFp4CalibratedExportTest {
    @TempDir
    Path tmp;

    private QuantizeOptions options() {
        QuantizeOptions o = new QuantizeOptions();
        o.model = SharedData.model("stories260k-hf").toString();
        o.scheme = "NVFP4";
        o.iters = 0;
        o.nsamples = 8;
        o.seqlen = 64;
        o.dataset = SharedData.text("tinystories_train_sample.txt").toString();
        o.formats = List.of("llm_compressor", "auto_round");
        o.outputDir = tmp.resolve("out").toString();
        return o;
    }

    @Test
    void staticActivationScalesAreCalibratedAndExported() {
        QuantizationReport r = new AutoRound(options(), new PrintStream(new ByteArrayOutputStream())).quantizeAndSave();
        assertEquals(2, r.outputs().size());
        for (Path out : r.outputs()) {
            try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(out)) {
                float q = c.readFloats("model.layers.0.self_attn.q_proj.input_global_scale")[0];
                float k = c.readFloats("model.layers.0.self_attn.k_proj.input_global_scale")[0];
                float o = c.readFloats("model.layers.0.self_attn.o_proj.input_global_scale")[0];
                assertTrue(q > 0 && Float.isFinite(q), out + ": " + q);
                assertEquals(q, k, 0f, "q and k see the same input, so the same act_max");
                assertTrue(o != q, "o_proj sees the attention output, another act_max");
            }
        }
        // compressed-tensors' NVFP4 preset, as the reference writes it: activations are "local" (dynamic per group under
        // the static input_global_scale), not dynamic: true
        com.fasterxml.jackson.databind.JsonNode g;
        try {
            g = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.outputs().get(0).resolve("config.json").toFile())
                    .path("quantization_config").path("config_groups").path("group_0");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        com.fasterxml.jackson.databind.JsonNode acts = g.path("input_activations");
        assertEquals("local", acts.path("dynamic").asText(), acts.toString());
        assertTrue(acts.path("dynamic").isTextual(), acts.toString());
        assertEquals("tensor_group", acts.path("strategy").asText());
        assertEquals(16, acts.path("group_size").asInt());
        assertEquals("minmax", acts.path("observer").asText());
        assertEquals("tensor_group", g.path("weights").path("strategy").asText());
        assertTrue(g.path("weights").path("dynamic").isBoolean() && !g.path("weights").path("dynamic").asBoolean());
        double fp = AutoRound.perplexity(SharedData.model("stories260k-hf"), SharedData.text("tinystories_valid_sample.txt").getParent()
                .resolve("tinystories_train_sample.txt"), 256, null).perplexity();
        double nv = AutoRound.perplexity(r.outputs().get(0), SharedData.text("tinystories_train_sample.txt"), 256, null).perplexity();
        assertTrue(nv > fp && nv < 1.5 * fp, "NVFP4 weights cost a little: " + nv + " vs fp " + fp);
    }

    @Test
    void pureRtnCannotCalibrateStaticScales() {
        QuantizeOptions o = options();
        o.disableOptRtn = true;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AutoRound(o, new PrintStream(new ByteArrayOutputStream())).quantizeAndSave());
        assertTrue(e.getMessage().contains("calibration"), e.getMessage());
    }
}
