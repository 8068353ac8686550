package io.autoround.export.gguf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The pieces of a SentencePiece {@code tokenizer.model} (protobuf {@code ModelProto}, field 1 = repeated
 * {@code SentencePiece {1: piece, 2: score, 3: type}}); every other field is skipped. Piece types use
 * SentencePiece's numbering, which is also llama.cpp's token type numbering (NORMAL 1, UNKNOWN 2, CONTROL 3,
 * USER_DEFINED 4, UNUSED 5, BYTE 6).
 *
 * @param pieces the pieces in id order
 */
public record SentencePieceModel(List<Piece> pieces) {

    /** One vocabulary entry. */
    public record Piece(String text, float score, int type) {}

    /** Parses {@code file}; malformed protobuf fails naming the file and offset. */
    public static SentencePieceModel read(Path file) {
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        ByteBuffer in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        List<Piece> pieces = new ArrayList<>();
        try {
            while (in.hasRemaining()) {
                long key = varint(in);
                if (key == ((1 << 3) | 2)) {
                    int len = Math.toIntExact(varint(in));
                    pieces.add(piece(in.slice(in.position(), len).order(ByteOrder.LITTLE_ENDIAN)));
                    in.position(in.position() + len);
                } else {
                    skip(in, (int) (key & 7));
                }
            }
        } catch (RuntimeException e) {
            throw new GgufFormatException(file + ": not a SentencePiece model (offset " + in.position() + ": "
                    + e.getMessage() + ")");
        }
        if (pieces.isEmpty()) {
            throw new GgufFormatException(file + ": SentencePiece model has no pieces");
        }
        return new SentencePieceModel(List.copyOf(pieces));
    }

    private static Piece piece(ByteBuffer in) {
        String text = "";
        float score = 0;
        int type = 1; // NORMAL is the proto default
        while (in.hasRemaining()) {
            long key = varint(in);
            int field = (int) (key >>> 3);
            int wire = (int) (key & 7);
            if (field == 1 && wire == 2) {
                byte[] b = new byte[Math.toIntExact(varint(in))];
                in.get(b);
                text = new String(b, StandardCharsets.UTF_8);
            } else if (field == 2 && wire == 5) {
                score = in.getFloat();
            } else if (field == 3 && wire == 0) {
                type = (int) varint(in);
            } else {
                skip(in, wire);
            }
        }
        return new Piece(text, score, type);
    }

    private static long varint(ByteBuffer in) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in.get();
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return v;
            }
        }
        throw new IllegalArgumentException("varint too long");
    }

    private static void skip(ByteBuffer in, int wire) {
        switch (wire) {
            case 0 -> varint(in);
            case 1 -> in.position(in.position() + 8);
            case 2 -> {
                int len = Math.toIntExact(varint(in)); // read before taking the position
                in.position(in.position() + len);
            }
            case 5 -> in.position(in.position() + 4);
            default -> throw new IllegalArgumentException("unsupported wire type " + wire);
        }
    }
}
