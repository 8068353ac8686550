package io.autoround.model.safetensors;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.testutil.SharedData;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsBadInputTest {
    @TempDir
    Path tmp;

    private Path file(String header, int dataBytes) throws Exception {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
        b.write(h);
        b.write(new byte[dataBytes]);
        Path p = tmp.resolve("bad" + System.nanoTime() + ".safetensors");
        Files.write(p, b.toByteArray());
        return p;
    }

    private static void expect(Path p, String... fragments) {
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, () -> SafetensorsFile.open(p).close());
        assertTrue(e.getMessage().contains(p.toString()), "names the file: " + e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + f + "' in: " + e.getMessage());
        }
    }

    @Test
    void truncatedFile() throws Exception {
        byte[] good = Files.readAllBytes(SharedData.golden("formats/W4A16-auto_round/model.safetensors"));
        Path p = tmp.resolve("truncated.safetensors");
        Files.write(p, Arrays.copyOf(good, good.length - 100));
        expect(p, "truncated");
        Path tiny = tmp.resolve("tiny.safetensors");
        Files.write(tiny, new byte[] {1, 2, 3});
        expect(tiny, "too short");
    }

    @Test
    void headerLengthPastEnd() throws Exception {
        Path p = tmp.resolve("hl.safetensors");
        Files.write(p, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(5000).array());
        expect(p, "past the end");
    }

    @Test
    void overlappingOffsets() throws Exception {
        expect(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12), "overlaps");
    }

    @Test
    void gapBetweenTensorsAndLeftoverBytes() throws Exception {
        expect(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12), "'b'", "gap", "'a'");
        expect(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 12), "holds 12 bytes", "cover 4");
    }

    @Test
    void duplicateNamesAndNonIntegerShapes() throws Exception {
        expect(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "Duplicate field 'a'");
        expect(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[\"2\"],\"data_offsets\":[0,8]}}", 8), "'a'", "dimension");
        expect(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8.5]}}", 8), "'a'", "invalid data_offsets");
    }

    @Test
    void outOfRangeOffsets() throws Exception {
        expect(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8), "past the end of the data");
    }

    @Test
    void unknownDtype() throws Exception {
        expect(file("{\"a\":{\"dtype\":\"F12\",\"shape\":[1],\"data_offsets\":[0,2]}}", 2), "unknown dtype 'F12'", "'a'");
    }

    @Test
    void shapeDisagreesWithOffsets() throws Exception {
        expect(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8), "needs 12 bytes");
    }

    @Test
    void invalidJson() throws Exception {
        expect(file("{\"a\":{\"dtype\":", 0), "not valid JSON");
    }

    @Test
    void missingShard() throws Exception {
        Path dir = tmp.resolve("ckpt");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("model.safetensors.index.json"),
                "{\"metadata\":{},\"weight_map\":{\"a\":\"model-00001-of-00002.safetensors\",\"b\":\"model-00002-of-00002.safetensors\"}}");
        Files.copy(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), dir.resolve("model-00001-of-00002.safetensors"));
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, () -> SafetensorsCheckpoint.open(dir));
        assertTrue(e.getMessage().contains("model-00002-of-00002.safetensors") && e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void missingFolder() {
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class,
                () -> SafetensorsCheckpoint.open(tmp.resolve("nope")));
        assertTrue(e.getMessage().contains("nope"));
    }
}
