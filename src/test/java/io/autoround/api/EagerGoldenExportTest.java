package io.autoround.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.autoround.export.CheckpointMarker;
import io.autoround.model.safetensors.SafetensorsFile;
import io.autoround.model.safetensors.TensorInfo;
import io.autoround.testutil.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pure RTN byte for byte against the reference's eager exports ({@code golden/formats-eager}: iters=0,
 * disable_opt_rtn, torch.compile off, model-free path off). Eager arithmetic is IEEE, so unlike
 * {@link RtnGoldenPipelineTest} (compiled GPU goldens, tie flips tolerated) nothing may differ: the same
 * sub-folder and file set (besides our {@link CheckpointMarker}), identical safetensors headers and tensor bytes,
 * and identical JSON files apart from the keys in {@link #TOOL_VERSION_KEYS}.
 */
class EagerGoldenExportTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SOURCE = SharedData.golden("formats/source-qwen3");

    /**
     * Keys whose values only name the writing tool's version, per JSON file (config.json also masks those of
     * quantization_config.json inside its quantization_config). Nothing else is exempt.
     */
    private static final Map<String, List<String>> TOOL_VERSION_KEYS = Map.of(
            "config.json", List.of("transformers_version"),
            "generation_config.json", List.of("transformers_version"),
            "quantization_config.json", List.of("autoround_version"));

    /** Most differences listed per folder, so that one systematic error does not bury the others. */
    private static final int MAX_REPORTED = 40;

    @TempDir
    Path tmp;

    /**
     * One golden export: its folder under formats-eager, the reference sub-folder it holds, and the options
     * that reproduce it (null = the scheme preset's value).
     */
    record Case(String folder, String subFolder, String scheme, String format, Integer groupSize, Boolean sym) {
        @Override
        public String toString() {
            return folder;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("W4A16-auto_round", "source-qwen3-w4g128", "W4A16", "auto_round", null, null),
                new Case("W4A16-auto_gptq", "source-qwen3-w4g128", "W4A16", "auto_gptq", null, null),
                new Case("W4A16-asym-auto_awq", "source-qwen3-w4g128", "W4A16", "auto_awq", null, false),
                new Case("W4A16-asym-auto_round", "source-qwen3-w4g128", "W4A16", "auto_round", null, false),
                new Case("W3A16-auto_round", "source-qwen3-w3g128", "W3A16", "auto_round", null, null),
                new Case("W2A16-auto_round", "source-qwen3-w2g128", "W2A16", "auto_round", null, null),
                new Case("W2A16-asym-g64-auto_round", "source-qwen3-w2g64", "W2A16", "auto_round", 64, false),
                new Case("W8A16-auto_round", "source-qwen3-w8g128", "W8A16", "auto_round", null, null),
                new Case("W4A16-g32-auto_round", "source-qwen3-w4g32", "W4A16", "auto_round", 32, null),
                new Case("W4A16-gm1-auto_round", "source-qwen3-w4a16", "W4A16", "auto_round", -1, null),
                new Case("MXFP4-auto_round", "source-qwen3-mxfp-w4g32", "MXFP4", "auto_round", null, null),
                new Case("MXFP8-auto_round", "source-qwen3-mxfp-w8g32", "MXFP8", "auto_round", null, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void exportMatchesEagerGoldenByteForByte(Case c) throws Exception {
        Path golden = SharedData.golden("formats-eager/" + c.folder() + "/" + c.subFolder());
        assertTrue(Files.isDirectory(golden), "golden folder missing: " + golden);
        Path out = export(c);
        assertEquals(c.subFolder(), out.getFileName().toString(), c.folder() + ": output sub-folder name");

        List<String> diffs = new ArrayList<>();
        Set<String> ourFiles = fileNames(out);
        // Our overwrite-safety marker names this tool as the writer; the reference has no such file.
        assertTrue(ourFiles.remove(CheckpointMarker.FILE), c.folder() + ": checkpoint marker written");
        assertEquals(fileNames(golden), ourFiles, c.folder() + ": files in the export folder");
        for (String file : fileNames(golden)) {
            if (file.endsWith(".safetensors")) {
                compareSafetensors(golden.resolve(file), out.resolve(file), file, diffs);
            } else if (file.endsWith(".json")) {
                compareJson(golden.resolve(file), out.resolve(file), file, diffs);
            } else {
                fail(c.folder() + ": unexpected golden file " + file + " (extend the comparison)");
            }
        }
        if (!diffs.isEmpty()) {
            List<String> shown = diffs.subList(0, Math.min(MAX_REPORTED, diffs.size()));
            fail(c.folder() + ": " + diffs.size() + " difference(s) from the eager golden:\n  " + String.join("\n  ", shown)
                    + (diffs.size() > shown.size() ? "\n  ..." : ""));
        }
    }

    private Path export(Case c) {
        QuantizeOptions o = new QuantizeOptions();
        o.model = SOURCE.toString();
        o.scheme = c.scheme();
        o.groupSize = c.groupSize();
        o.sym = c.sym();
        o.iters = 0;
        o.disableOptRtn = true;
        o.disableModelFree = true; // the goldens took the reference's regular (block-wise) flow
        o.formats = List.of(c.format());
        o.outputDir = tmp.resolve(c.folder()).toString();
        QuantizationReport r = new AutoRound(o, new PrintStream(new ByteArrayOutputStream())).quantizeAndSave();
        assertEquals(Algorithm.RTN, r.algorithm(), c.folder());
        assertEquals(1, r.outputs().size(), c.folder());
        return r.outputs().get(0);
    }

    private static Set<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return new TreeSet<>(s.map(p -> p.getFileName().toString()).toList());
        }
    }

    /**
     * Tensor table (names, dtypes, shapes, offsets, order), every tensor's bytes, the file size, then the raw
     * header (which also covers metadata and JSON layout); each difference names the tensor and its first
     * differing byte (element = index into the stored tensor, e.g. a packed word).
     */
    private static void compareSafetensors(Path golden, Path ours, String file, List<String> diffs) throws IOException {
        List<TensorInfo> gt;
        List<TensorInfo> ot;
        try (SafetensorsFile g = SafetensorsFile.open(golden); SafetensorsFile o = SafetensorsFile.open(ours)) {
            gt = g.tensors();
            ot = o.tensors();
        }
        if (!gt.equals(ot)) {
            int i = firstDifference(gt, ot);
            diffs.add(file + ": tensor table differs, first at index " + i + ": golden "
                    + (i < gt.size() ? gt.get(i) : "<end>") + " vs ours " + (i < ot.size() ? ot.get(i) : "<end>"));
        }
        byte[] gb = Files.readAllBytes(golden);
        byte[] ob = Files.readAllBytes(ours);
        long gData = 8 + ByteBuffer.wrap(gb, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        long oData = 8 + ByteBuffer.wrap(ob, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        Map<String, TensorInfo> oursByName = new HashMap<>();
        ot.forEach(t -> oursByName.put(t.name(), t));
        for (TensorInfo t : gt) {
            TensorInfo o = oursByName.get(t.name());
            if (o == null || o.byteLength() != t.byteLength()) {
                continue; // already reported by the tensor table
            }
            byte[] a = Arrays.copyOfRange(gb, (int) (gData + t.begin()), (int) (gData + t.end()));
            byte[] b = Arrays.copyOfRange(ob, (int) (oData + o.begin()), (int) (oData + o.end()));
            int i = Arrays.mismatch(a, b);
            if (i >= 0) {
                int count = 0;
                for (int k = i; k < a.length; k++) {
                    count += a[k] != b[k] ? 1 : 0;
                }
                diffs.add(String.format("%s: tensor %s (%s) differs in %d of %d bytes, first at byte %d (element %d):"
                        + " golden 0x%02x, ours 0x%02x", file, t.name(), t.dtype(), count, a.length, i,
                        i / Math.max(1, t.byteLength() / Math.max(1, t.numel())), a[i] & 0xff, b[i] & 0xff));
            }
        }
        if (gb.length != ob.length) {
            diffs.add(file + ": file size " + ob.length + " bytes, golden " + gb.length);
        }
        String gh = new String(gb, 8, (int) (gData - 8), StandardCharsets.UTF_8);
        String oh = new String(ob, 8, (int) (oData - 8), StandardCharsets.UTF_8);
        int h = firstDifference(gh, oh);
        if (h >= 0) {
            diffs.add(file + ": header differs at char " + h + ": golden \"" + around(gh, h) + "\" vs ours \""
                    + around(oh, h) + "\"");
        }
    }

    /**
     * The JSON files as text (key order, layout and trailing newline included) with the values of the keys in
     * {@link #TOOL_VERSION_KEYS} masked; the files must still parse and carry those keys on both sides.
     */
    private static void compareJson(Path golden, Path ours, String file, List<String> diffs) throws IOException {
        JSON.readTree(ours.toFile()); // valid JSON
        String g = masked(Files.readString(golden), file);
        String o = masked(Files.readString(ours), file);
        int i = firstDifference(g, o);
        if (i >= 0) {
            diffs.add(file + " differs at char " + i + " (tool/version values masked): golden \"" + around(g, i)
                    + "\" vs ours \"" + around(o, i) + "\"");
        }
    }

    private static String masked(String json, String file) {
        List<String> keys = new ArrayList<>(TOOL_VERSION_KEYS.getOrDefault(file, List.of()));
        if (file.equals("config.json")) {
            keys.addAll(TOOL_VERSION_KEYS.get("quantization_config.json")); // its embedded quantization_config
        }
        for (String k : keys) {
            json = json.replaceAll("(\"" + k + "\"\\s*:\\s*)\"[^\"]*\"", "$1\"<tool version>\"");
        }
        return json;
    }

    private static int firstDifference(List<?> a, List<?> b) {
        int n = Math.min(a.size(), b.size());
        for (int i = 0; i < n; i++) {
            if (!a.get(i).equals(b.get(i))) {
                return i;
            }
        }
        return n;
    }

    /** Index of the first differing char, or -1 when equal. */
    private static int firstDifference(String a, String b) {
        if (a.equals(b)) {
            return -1;
        }
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            if (a.charAt(i) != b.charAt(i)) {
                return i;
            }
        }
        return n;
    }

    private static String around(String s, int i) {
        return s.substring(Math.max(0, i - 40), Math.min(s.length(), i + 40)).replace("\n", "\\n");
    }
}
