package io.autoround.model;

import static io.autoround.model.CheckpointFixtures.assertNothingWritten;
import static io.autoround.model.CheckpointFixtures.cli;
import static io.autoround.model.CheckpointFixtures.copyModel;
import static io.autoround.model.CheckpointFixtures.editConfig;
import static io.autoround.model.CheckpointFixtures.editTensors;
import static io.autoround.model.CheckpointFixtures.hash;
import static io.autoround.model.CheckpointFixtures.replace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.djl.Device;
import io.autoround.api.QuantizeOptions;
import io.autoround.export.gguf.GgufReader;
import io.autoround.export.gguf.GgufTensorInfo;
import io.autoround.export.gguf.GgufValue;
import io.autoround.export.gguf.GgufWriter;
import io.autoround.infer.QuantizedModel;
import io.autoround.model.files.FileAccessException;
import io.autoround.model.safetensors.DType;
import io.autoround.model.safetensors.TensorData;
import io.autoround.testutil.SharedData;
import java.io.FileNotFoundException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bad checkpoints through the public entry points (the CLI in process, the Java API, the loaders used by eval and
 * generate): each is refused before work with a message naming the tensor, field or path, the model folder is left
 * byte for byte as it was and nothing (no output, no temp folder) is left in the output location.
 */
class CheckpointBadInputTest {
    static final String STORIES = "stories260k-hf";

    @TempDir
    Path tmp;
    Path model;
    Path out;
    Map<String, String> before;

    @BeforeEach
    void setUp() throws Exception {
        model = copyModel(SharedData.model(STORIES), tmp.resolve("models/stories"));
        out = tmp.resolve("out");
    }

    private void snapshot() throws Exception {
        before = hash(tmp.resolve("models"));
    }

    /** The model folder (and whatever lies beside it) is unchanged and nothing was written to the output. */
    private void assertUntouched() throws Exception {
        assertEquals(before, hash(tmp.resolve("models")), "the model folder changed");
        assertNothingWritten(out);
    }

    private String[] rtnArgs(Path modelDir) {
        return new String[] {"--model", modelDir.toString(), "--scheme", "W4A16", "--group_size", "32", "--iters", "0",
            "--disable_opt_rtn", "--format", "auto_round", "--output_dir", out.resolve("q").toString()};
    }

    /** The CLI RTN export of {@code modelDir} fails with exit 2 and one line naming every fragment. */
    private String rtnFails(Path modelDir, String... fragments) throws Exception {
        snapshot();
        CheckpointFixtures.Cli r = cli(rtnArgs(modelDir));
        assertEquals(2, r.code(), r.stderr());
        assertEquals(1, r.err().lines().count(), "one error line: " + r.stderr());
        assertNoStackTrace(r.stderr());
        for (String f : fragments) {
            assertTrue(r.err().contains(f), "'" + f + "' in: " + r.err());
        }
        assertUntouched();
        return r.err();
    }

    /** The Java API RTN export fails with an IllegalArgumentException naming every fragment. */
    private String apiFails(Path modelDir, String... fragments) throws Exception {
        snapshot();
        QuantizeOptions o = io.autoround.testutil.RtnRuns.pureW4g32(modelDir, out.resolve("q"));
        o.formats = List.of("auto_gptq");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> io.autoround.testutil.RtnRuns.quiet(o));
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + f + "' in: " + e.getMessage());
        }
        assertUntouched();
        return e.getMessage();
    }

    /** Loading for eval/generate fails with an IllegalArgumentException naming every fragment. */
    private String loadFails(Path modelDir, String... fragments) throws Exception {
        snapshot();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> QuantizedModel.load(modelDir).close());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + f + "' in: " + e.getMessage());
        }
        assertUntouched();
        return e.getMessage();
    }

    /** {@code auto-round eval} fails with exit 2 naming every fragment. */
    private void evalFails(Path modelDir, String... fragments) throws Exception {
        snapshot();
        CheckpointFixtures.Cli r = cli("eval", "--model", modelDir.toString(), "--text",
                SharedData.text("tinystories_valid_sample.txt").toString(), "--seqlen", "32");
        assertEquals(2, r.code(), r.stderr());
        assertEquals(1, r.err().lines().count(), "one error line: " + r.stderr());
        assertNoStackTrace(r.stderr());
        assertFalse(r.stderr().contains("perplexity"), r.stderr());
        for (String f : fragments) {
            assertTrue(r.err().contains(f), "'" + f + "' in: " + r.err());
        }
        assertUntouched();
    }

    private static void assertNoStackTrace(String err) {
        assertFalse(err.contains("\tat ") || err.contains("Exception"), "no stack trace or exception name: " + err);
    }

    // ---- class 5: tensors and config.json checked against each other, and the config's numbers for sanity ----

    @Test
    void integerWeightIsRefusedByRtnExportNamingTensorAndDtypes() throws Exception {
        String t = "model.layers.2.mlp.up_proj.weight";
        editTensors(model, ts -> replace(ts, t, d -> new TensorData(t, DType.I16, d.shape(),
                Arrays.copyOf(d.bytes(), d.bytes().length / 2))));
        rtnFails(model, t, "I16", "F32 (config.json dtype float32)");
    }

    @Test
    void moreBlocksThanTheConfigSaysAreRefused() throws Exception {
        editConfig(model, "num_hidden_layers", "4");
        apiFails(model, "model.layers.4.", "num_hidden_layers is 4");
    }

    @Test
    void normOfTheWrongLengthIsRefusedWhenLoadingForEval() throws Exception {
        String t = "model.norm.weight";
        editTensors(model, ts -> replace(ts, t, d -> new TensorData(t, d.dtype(), new long[] {63},
                Arrays.copyOf(d.bytes(), 63 * 4))));
        loadFails(model, t, "[63]", "[64]");
    }

    @Test
    void untiedConfigWithoutAnOutputHeadIsRefusedByEval() throws Exception {
        editConfig(model, "tie_word_embeddings", "false");
        evalFails(model, "lm_head.weight", "missing", "[512, 64]");
    }

    @Test
    void transposedProjectionIsNamedAsTransposedOnEveryPath() throws Exception {
        String t = "model.layers.0.mlp.down_proj.weight"; // [64, 172] stored as [172, 64]
        editTensors(model, ts -> replace(ts, t, d -> new TensorData(t, d.dtype(), new long[] {172, 64}, d.bytes())));
        apiFails(model, t, "[172, 64]", "[64, 172]", "transposed");
        loadFails(model, t, "transposed");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "intermediate_size|50000000|50000000",
        "rope_theta|-5.0|-5.0",
        "bos_token_id|600|0..511",
        "torch_dtype|\"float7\"|'float7'",
        "num_hidden_layers|5000|1..1024",
        "rms_norm_eps|2.0|(0, 1)",
        "sliding_window|-4|-4",
        "num_attention_heads|6|num_key_value_heads"})
    void insaneConfigNumbersAreRefusedBeforeAnyWork(String field, String value, String expected) throws Exception {
        editConfig(model, field, value);
        String msg = rtnFails(model, "config.json", field, expected);
        assertTrue(msg.contains(model.resolve("config.json").toString()), msg);
    }

    @Test
    void nanInANormIsAClearErrorNotANanPerplexity() throws Exception {
        String t = "model.layers.3.post_attention_layernorm.weight";
        editTensors(model, ts -> replace(ts, t, d -> withFloat(d, 17, Float.NaN)));
        evalFails(model, t, "NaN", "element 17");
    }

    @Test
    void infiniteNormIsRefusedByTheExportAndItsTempFolderRemoved() throws Exception {
        String t = "model.layers.1.input_layernorm.weight"; // copied as is by the export, after quantization
        editTensors(model, ts -> replace(ts, t, d -> withFloat(d, 5, Float.NEGATIVE_INFINITY)));
        rtnFails(model, t, "infinite", "element 5");
    }

    @Test
    void nanInAProjectionToQuantizeIsBadInputNotACrash() throws Exception {
        String t = "model.layers.4.self_attn.v_proj.weight";
        editTensors(model, ts -> replace(ts, t, d -> withFloat(d, 100, Float.NaN)));
        rtnFails(model, t, "NaN", "element 100");
    }

    @Test
    void infiniteScaleInAQuantizedCheckpointIsRefusedNamingTheLayer() throws Exception {
        Path q = copyModel(SharedData.golden("formats/W4A16-auto_gptq/source-qwen3-w4g128"), tmp.resolve("models/gptq"));
        String layer = "model.layers.1.self_attn.o_proj";
        editTensors(q, ts -> replace(ts, layer + ".scales", d -> {
            byte[] b = d.bytes().clone();
            b[6] = 0;
            b[7] = 0x7C; // element 3 becomes fp16 +Inf
            return new TensorData(d.name(), d.dtype(), d.shape(), b);
        }));
        loadFails(q, layer, "infinite");
    }

    @Test
    void trailingBytesAfterTheTensorsAreRefused() throws Exception {
        Files.write(model.resolve("model.safetensors"), new byte[64], StandardOpenOption.APPEND);
        evalFails(model, "model.safetensors", "header and the data disagree");
    }

    @Test
    void duplicateTensorNamesInTheHeaderAreRefused() throws Exception {
        rewriteHeader(model.resolve("model.safetensors"), h -> {
            int at = h.indexOf("\"model.norm.weight\"");
            int end = h.indexOf('}', at) + 1;
            return h.substring(0, end) + "," + h.substring(at, end) + h.substring(end);
        });
        rtnFails(model, "model.safetensors", "model.norm.weight", "Duplicate");
    }

    @Test
    void fractionalDimensionAndAbsurdHeaderLengthAreRefused() throws Exception {
        rewriteHeader(model.resolve("model.safetensors"), h -> h.replaceFirst("\"shape\":\\[64\\]", "\"shape\":[64.5]"));
        loadFails(model, "model.safetensors", "dimension", "64.5");
        byte[] bytes = Files.readAllBytes(model.resolve("model.safetensors"));
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 40);
        Files.write(model.resolve("model.safetensors"), bytes);
        loadFails(model, "model.safetensors", "invalid header length 1099511627776");
    }

    @Test
    void ggufWithZeroEpsilonOrATransposedTensorIsRefused() throws Exception {
        Path gguf = exportGguf();
        Path zeroEps = tmp.resolve("models/zero-eps.gguf");
        rewriteGguf(gguf, zeroEps, "llama.attention.layer_norm_rms_epsilon", GgufValue.float32(0f), null);
        loadFails(zeroEps, "zero-eps.gguf", "llama.attention.layer_norm_rms_epsilon", "(0, 1)");
        Path transposed = tmp.resolve("models/transposed.gguf");
        rewriteGguf(gguf, transposed, null, null, "blk.1.ffn_down.weight");
        loadFails(transposed, "transposed.gguf", "model.layers.1.mlp.down_proj.weight", "transposed");
    }

    // ---- class 6: every path read from a file, and every link in the model folder, stays inside the model's root ----

    @Test
    void indexNamingAnAbsoluteShardOutsideTheFolderIsRefused() throws Exception {
        Path elsewhere = Files.createDirectories(tmp.resolve("models/elsewhere"));
        Files.move(model.resolve("model.safetensors"), elsewhere.resolve("weights.safetensors"));
        writeIndex(model, elsewhere.resolve("weights.safetensors").toString());
        rtnFails(model, "model.safetensors.index.json", elsewhere.resolve("weights.safetensors").toString(),
                "outside the model folder");
    }

    @Test
    void indexShardReachedThroughALinkedSubfolderIsRefused() throws Exception {
        Path elsewhere = Files.createDirectories(tmp.resolve("models/elsewhere"));
        Files.move(model.resolve("model.safetensors"), elsewhere.resolve("model.safetensors"));
        Files.createSymbolicLink(model.resolve("shards"), Path.of("../elsewhere"));
        writeIndex(model, "shards/model.safetensors");
        loadFails(model, "shards/model.safetensors", "outside the model folder", elsewhere.toRealPath().toString());
    }

    @Test
    void sideFileLinkedOutsideIsNeverCopiedIntoTheOutput() throws Exception {
        Path secret = Files.writeString(tmp.resolve("models/secret.json"), "{\"token\": \"do-not-copy\"}");
        Files.delete(model.resolve("generation_config.json"));
        Files.createSymbolicLink(model.resolve("generation_config.json"), secret);
        apiFails(model, "generation_config.json", secret.toRealPath().toString(), "outside the model folder");
    }

    @Test
    void weightsFileLinkedOutsideIsRefusedByEval() throws Exception {
        Path elsewhere = Files.createDirectories(tmp.resolve("models/elsewhere"));
        Files.move(model.resolve("model.safetensors"), elsewhere.resolve("model.safetensors"));
        Files.createSymbolicLink(model.resolve("model.safetensors"), elsewhere.resolve("model.safetensors"));
        evalFails(model, "model.safetensors", "outside the model folder");
    }

    @Test
    void tokenizerLinkedOutsideIsRefusedEvenForAGgufFile() throws Exception {
        Path gguf = exportGguf();
        Path dir = Files.createDirectories(tmp.resolve("models/gguf-dir"));
        rewriteGguf(gguf, dir.resolve("model.gguf"), "tokenizer.ggml.scores", null, null); // not rebuildable
        Files.createSymbolicLink(dir.resolve("tokenizer.json"), model.resolve("tokenizer.json"));
        snapshot();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
            try (QuantizedModel m = QuantizedModel.load(dir.resolve("model.gguf"), Device.cpu(), "auto", (Path) null)) {
                m.tokenizer();
            }
        });
        // without scores the SentencePiece vocabulary cannot be rebuilt: the loader turns to the sibling tokenizer.json
        assertTrue(e.getMessage().contains("tokenizer.json") && e.getMessage().contains("outside the model folder"),
                e.getMessage());
        assertUntouched();
    }

    @Test
    void hubCacheSnapshotLinkingIntoItsBlobsStillWorks() throws Exception {
        Path repo = tmp.resolve("models/hub/models--tiny--stories");
        Path blobs = Files.createDirectories(repo.resolve("blobs"));
        Path snap = Files.createDirectories(repo.resolve("snapshots/0123456789abcdef0123456789abcdef01234567"));
        try (var files = Files.list(model)) {
            int i = 0;
            for (Path p : files.toList()) {
                Path blob = Files.copy(p, blobs.resolve("blob" + i++));
                Files.createSymbolicLink(snap.resolve(p.getFileName()), snap.relativize(blob));
            }
        }
        snapshot();
        CheckpointFixtures.Cli r = cli(rtnArgs(snap));
        assertEquals(0, r.code(), r.stderr());
        Path q = out.resolve("q");
        assertTrue(Files.isRegularFile(q.resolve("model.safetensors")), "exported");
        assertTrue(Files.isRegularFile(q.resolve("tokenizer.json")) && !Files.isSymbolicLink(q.resolve("tokenizer.json")),
                "side files are copied as files");
        assertEquals(before, hash(tmp.resolve("models")), "the cache is unchanged");
    }

    // ---- class 7 (part): a permission problem is reported as one, not as a missing file ----

    @Test
    void permissionErrorsAreNamedAsSuch() {
        Path p = tmp.resolve("config.json");
        assertEquals("permission denied: " + p, FileAccessException.of(p, new AccessDeniedException(p.toString())).getMessage());
        assertEquals("permission denied: " + p, FileAccessException.of(p,
                new FileNotFoundException(p + " (Permission denied)")).getMessage());
        assertEquals("file not found: " + p, FileAccessException.of(p,
                new java.nio.file.NoSuchFileException(p.toString())).getMessage());
        assertTrue(FileAccessException.of(p, new AccessDeniedException(p.toString())) instanceof FileAccessException.PermissionDenied);
        assertTrue(FileAccessException.of(p, new java.nio.file.NoSuchFileException(p.toString())) instanceof FileAccessException.NotFound);
    }

    @Test
    void unreadableConfigIsPermissionDeniedNotMissing() throws Exception {
        assumeFalse(CheckpointFixtures.runningAsRoot(), "root reads files whatever their mode");
        Files.setPosixFilePermissions(model.resolve("config.json"), PosixFilePermissions.fromString("---------"));
        rtnFails(model, "permission denied: " + model.resolve("config.json"));
    }

    @Test
    void unreadableWeightsArePermissionDenied() throws Exception {
        assumeFalse(CheckpointFixtures.runningAsRoot(), "root reads files whatever their mode");
        Files.setPosixFilePermissions(model.resolve("model.safetensors"), PosixFilePermissions.fromString("-w-------"));
        loadFails(model, "permission denied: " + model.resolve("model.safetensors"));
    }

    @Test
    void unenterableModelFolderIsPermissionDenied() throws Exception {
        assumeFalse(CheckpointFixtures.runningAsRoot(), "root reads files whatever their mode");
        Files.setPosixFilePermissions(model, PosixFilePermissions.fromString("---------"));
        try {
            evalFails(model, "permission denied: " + model);
        } finally {
            Files.setPosixFilePermissions(model, PosixFilePermissions.fromString("rwx------"));
        }
    }

    // ---- helpers ----

    private static TensorData withFloat(TensorData d, int index, float value) {
        byte[] b = d.bytes().clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putFloat(index * 4, value);
        return new TensorData(d.name(), d.dtype(), d.shape(), b);
    }

    /** Rewrites the JSON header of a safetensors file, keeping its data bytes. */
    private static void rewriteHeader(Path file, UnaryOperator<String> edit) throws Exception {
        byte[] all = Files.readAllBytes(file);
        int len = (int) ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        String header = new String(all, 8, len, StandardCharsets.UTF_8);
        byte[] h = edit.apply(header).getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + all.length - 8 - len).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(all, 8 + len, all.length - 8 - len);
        Files.write(file, b.array());
    }

    private static void writeIndex(Path dir, String shard) throws Exception {
        StringBuilder map = new StringBuilder();
        try (var f = io.autoround.model.safetensors.SafetensorsFile.open(SharedData.model(STORIES).resolve("model.safetensors"))) {
            for (var t : f.tensors()) {
                map.append(map.isEmpty() ? "" : ",").append(CheckpointFixtures.JSON.writeValueAsString(t.name())).append(':')
                        .append(CheckpointFixtures.JSON.writeValueAsString(shard));
            }
        }
        Files.writeString(dir.resolve("model.safetensors.index.json"), "{\"metadata\":{},\"weight_map\":{" + map + "}}");
    }

    /** The stories model exported to GGUF q8_0 through the CLI (outside the checked folders). */
    private Path exportGguf() throws Exception {
        Path dir = tmp.resolve("gguf-export");
        CheckpointFixtures.Cli r = cli("--model", SharedData.model(STORIES).toString(), "--iters", "0",
                "--disable_opt_rtn", "--format", "gguf:q8_0", "--output_dir", dir.toString());
        assertEquals(0, r.code(), r.stderr());
        try (var s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".gguf")).findFirst().orElseThrow();
        }
    }

    /** A copy of a GGUF file with one metadata value replaced (dropped when null), or one 2-D tensor's dimensions swapped. */
    private static void rewriteGguf(Path from, Path to, String key, GgufValue value, String transposeTensor) {
        try (GgufReader r = GgufReader.open(from); GgufWriter w = new GgufWriter(to)) {
            r.metadata().forEach((k, v) -> {
                if (!k.equals("general.alignment") && !(k.equals(key) && value == null)) {
                    w.put(k, k.equals(key) ? value : v);
                }
            });
            for (GgufTensorInfo t : r.tensors()) {
                long[] rowMajor = new long[t.dims().length];
                for (int i = 0; i < rowMajor.length; i++) {
                    rowMajor[i] = t.dims()[rowMajor.length - 1 - i];
                }
                if (t.name().equals(transposeTensor)) {
                    rowMajor = new long[] {rowMajor[1], rowMajor[0]};
                }
                w.addTensor(t.name(), rowMajor, t.type(), r.bytes(t));
            }
            w.finish();
        }
    }
}
