package io.autoround.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.testutil.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CalibrationBuilderTest {
    @TempDir
    Path tmp;

    /** Byte-level encoder with BOS=1000 and EOS=1001: enough to test sampling logic independently of a model. */
    static final TokenEncoder BYTES = new TokenEncoder() {
        @Override
        public int[] encode(String text) {
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            int[] ids = new int[b.length + 1];
            ids[0] = 1000;
            for (int i = 0; i < b.length; i++) ids[i + 1] = b[i] & 0xFF;
            return ids;
        }

        @Override
        public int bosId() {
            return 1000;
        }

        @Override
        public int eosId() {
            return 1001;
        }
    };

    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);
    private final HubDatasetLoader offline = (name, splits) -> {
        throw new HubDatasetLoader.HubUnavailableException("offline in this test", null);
    };

    @Test
    void textFileGivesSeededWindowsOfTheText() {
        Path txt = SharedData.text("tinyshakespeare.txt");
        CalibrationBuilder b = new CalibrationBuilder(BYTES, offline, log);
        CalibrationSet a = b.build(txt.toString(), 16, 64, 42);
        CalibrationSet again = b.build(txt.toString(), 16, 64, 42);
        CalibrationSet other = b.build(txt.toString(), 16, 64, 7);
        assertEquals(16, a.size());
        for (int i = 0; i < 16; i++) {
            assertArrayEquals(a.samples().get(i), again.samples().get(i), "same seed, same samples");
        }
        assertTrue(!java.util.Arrays.equals(a.samples().get(0), other.samples().get(0)), "another seed differs");
        int[] all = BYTES.encode(TextCorpus.readText(txt));
        int[] w = a.samples().get(3);
        boolean found = false;
        for (int off = 0; off + w.length <= all.length && !found; off++) {
            found = java.util.Arrays.equals(all, off, off + w.length, w, 0, w.length);
        }
        assertTrue(found, "a window is a slice of the tokenized text");
        assertEquals(List.of(6, 6, 4), a.batches(6).stream().map(List::size).toList());
    }

    @Test
    void jsonlRecordsAreFilteredAndMixedWithNum() throws Exception {
        Path jl = tmp.resolve("c.jsonl");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            sb.append("{\"text\": \"record number ").append(i).append(" with enough characters to pass the length filter\"}\n");
        }
        sb.append("{\"text\": \"short\"}\n");
        sb.append("{\"text\": \"").append("x".repeat(80)).append("\"}\n"); // padding-like: last token repeats
        Files.writeString(jl, sb);
        CalibrationBuilder b = new CalibrationBuilder(BYTES, offline, log);
        CalibrationSet s = b.build(jl + ":num=5", 100, 32, 1);
        assertEquals(5, s.size());
        for (int[] x : s.samples()) {
            assertEquals(1000, x[0], "BOS kept");
            assertTrue(new String(toBytes(x, 1), StandardCharsets.UTF_8).startsWith("record number"));
        }
        CalibrationSet all = b.build(jl.toString(), 100, 32, 1);
        assertEquals(20, all.size(), "short and padding-like records dropped");
        assertTrue(logBytes.toString().contains("only 20 samples"), logBytes.toString());
    }

    @Test
    void concatPacksRecordsIntoChunksWithBos() throws Exception {
        Path js = tmp.resolve("c.json");
        Files.writeString(js, "[\"abcdefghij\", \"klmnopqrst\", {\"text\": \"uvwxyz0123\"}]");
        CalibrationSet s = new CalibrationBuilder(BYTES, offline, log).build(js + ":concat=true", 10, 8, 3);
        assertEquals(4, s.size(), "30 body tokens in chunks of 7");
        for (int[] x : s.samples()) assertEquals(1000, x[0]);
    }

    @Test
    void unreachableHubFallsBackToEmbeddedCorpusLoudly() {
        CalibrationSet s = new CalibrationBuilder(BYTES, offline, log).build(null, 8, 128, 42);
        assertEquals(8, s.size());
        assertTrue(logBytes.toString().contains("falling back to the embedded public-domain corpus"), logBytes.toString());
    }

    @Test
    void badInputsFailClearly() throws Exception {
        CalibrationBuilder b = new CalibrationBuilder(BYTES, offline, log);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.build(tmp.resolve("none.txt").toString(), 4, 16, 0))
                .getMessage().contains("not found"));
        Path tiny = tmp.resolve("tiny.txt");
        Files.writeString(tiny, "too short");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.build(tiny.toString(), 4, 64, 0))
                .getMessage().contains("fewer than seqlen 64"));
        Path empty = tmp.resolve("empty.jsonl");
        Files.writeString(empty, "{\"text\": \"tiny\"}\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.build(empty.toString(), 4, 64, 0))
                .getMessage().contains("gave no sample"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.build("x.txt:nmu=3", 4, 64, 0))
                .getMessage().contains("unknown option 'nmu'"));
        assertThrows(IllegalArgumentException.class, () -> b.build(tiny.toString(), 0, 64, 0));
    }

    private static byte[] toBytes(int[] ids, int from) {
        byte[] b = new byte[ids.length - from];
        for (int i = from; i < ids.length; i++) b[i - from] = (byte) ids[i];
        return b;
    }
}
