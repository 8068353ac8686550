package io.autoround.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a user's text file (calibration or evaluation text) as strict UTF-8. Every failure is an
 * {@link IllegalArgumentException} naming the file, what it was for and what is wrong (missing, a folder,
 * unreadable, too large, or not UTF-8 text with the offset of the first bad byte), never a bare decoder message.
 */
public final class TextFiles {
    /** Java strings hold at most about 2^31 chars; larger files cannot be read whole. */
    static final long MAX_BYTES = Integer.MAX_VALUE - 16;

    private TextFiles() {}

    /**
     * @param what what the file is for, starting the message (e.g. "calibration file", "--eval_text file")
     */
    public static String readUtf8(Path file, String what) {
        if (!Files.exists(file)) {
            throw new IllegalArgumentException(what + " " + file + " not found");
        }
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(what + " " + file + " is a folder, not a text file");
        }
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new IllegalArgumentException(what + " " + file + " is " + Files.size(file) + " bytes; at most "
                        + MAX_BYTES + " can be read");
            }
            bytes = Files.readAllBytes(file);
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException(what + " " + file + " cannot be read: permission denied", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " " + file + " cannot be read: " + e.getMessage(), e);
        }
        return decode(bytes, file, what);
    }

    /**
     * Checks that {@code file} is readable UTF-8 text without holding it in memory (for a check before any work;
     * the text is read again when used).
     */
    public static void checkUtf8(Path file, String what) {
        if (!Files.exists(file)) {
            throw new IllegalArgumentException(what + " " + file + " not found");
        }
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(what + " " + file + " is a folder, not a text file");
        }
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.allocate(1 << 16);
        CharBuffer out = CharBuffer.allocate(1 << 16);
        long consumed = 0;
        try (var ch = Files.newByteChannel(file)) {
            boolean eof = false;
            while (!eof) {
                eof = ch.read(in) < 0;
                in.flip();
                int before = in.position();
                var result = d.decode(in, out, eof);
                consumed += in.position() - before;
                if (result.isError()) {
                    throw new IllegalArgumentException(what + " " + file + " is not UTF-8 text (byte 0x"
                            + String.format("%02x", in.get(in.position()) & 0xff) + " at offset " + consumed
                            + "); pass a plain text file");
                }
                out.clear();
                in.compact();
            }
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException(what + " " + file + " cannot be read: permission denied", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** Strict UTF-8 decoding, reporting the offset of the first byte that is not UTF-8. */
    static String decode(byte[] bytes, Path file, String what) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        var result = d.decode(in, out, true);
        if (!result.isError()) {
            result = d.flush(out);
        }
        if (result.isError()) {
            int at = in.position();
            throw new IllegalArgumentException(what + " " + file + " is not UTF-8 text (byte 0x"
                    + String.format("%02x", bytes[Math.min(at, bytes.length - 1)] & 0xff) + " at offset " + at
                    + "); pass a plain text file");
        }
        out.flip();
        String text = out.toString();
        return text.startsWith("\uFEFF") ? text.substring(1) : text; // a UTF-8 byte-order mark is not text
    }
}
