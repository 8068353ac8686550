package io.autoround.model.tokenizer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A SentencePiece {@code tokenizer.model} (protobuf {@code ModelProto}): the pieces (field 1 = repeated
 * {@code SentencePiece {1: piece, 2: score, 3: type}}), the trainer settings a tokenizer needs (field 2:
 * {@code model_type} 3, {@code byte_fallback} 35, {@code unk_id} 40, {@code unk_piece} 45) and the normalizer's
 * (field 3: {@code precompiled_charsmap} 2, {@code add_dummy_prefix} 3, {@code remove_extra_whitespaces} 4); other
 * fields are skipped. Missing fields take the proto defaults. Piece types use SentencePiece's numbering, which is
 * also llama.cpp's token type numbering (NORMAL 1, UNKNOWN 2, CONTROL 3, USER_DEFINED 4, UNUSED 5, BYTE 6).
 *
 * @param pieces the pieces in id order
 * @param modelType UNIGRAM 1, BPE 2, WORD 3, CHAR 4
 * @param byteFallback whether unknown characters are spelled as {@code <0xXX>} byte pieces
 * @param unkId id of the unknown piece
 * @param unkPiece text of the unknown piece
 * @param precompiledCharsmap the normalizer's compiled rules (empty when the model has none, e.g. identity)
 * @param addDummyPrefix whether a {@code ▁} is put before the text
 * @param removeExtraWhitespaces whether runs of spaces collapse and outer spaces are dropped
 */
public record SentencePieceModel(List<Piece> pieces, int modelType, boolean byteFallback, int unkId, String unkPiece,
        byte[] precompiledCharsmap, boolean addDummyPrefix, boolean removeExtraWhitespaces) {
    public static final int UNIGRAM = 1;
    public static final int BPE = 2;
    public static final int NORMAL = 1;
    public static final int UNKNOWN = 2;
    public static final int CONTROL = 3;
    public static final int USER_DEFINED = 4;
    public static final int BYTE = 6;

    /** One vocabulary entry. */
    public record Piece(String text, float score, int type) {}

    /** Parses {@code file}; a missing file or malformed protobuf fails naming the file (and offset). */
    public static SentencePieceModel read(Path file) {
        return parse(file, io.autoround.model.files.ModelFiles.readAllBytes(file));
    }

    /** Parses the bytes of a tokenizer.model; {@code file} is only for messages. */
    public static SentencePieceModel parse(Path file, byte[] data) {
        ByteBuffer in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        List<Piece> pieces = new ArrayList<>();
        Builder b = new Builder();
        try {
            while (in.hasRemaining()) {
                long key = varint(in);
                int field = (int) (key >>> 3);
                int wire = (int) (key & 7);
                if (wire == 2 && field >= 1 && field <= 3) {
                    ByteBuffer msg = message(in);
                    switch (field) {
                        case 1 -> pieces.add(piece(msg));
                        case 2 -> trainer(msg, b);
                        default -> normalizer(msg, b);
                    }
                } else {
                    skip(in, wire);
                }
            }
        } catch (RuntimeException e) {
            throw new TokenizerException(file, "not a SentencePiece model (offset " + in.position() + ": "
                    + e.getMessage() + ")");
        }
        if (pieces.isEmpty()) {
            throw new TokenizerException(file, "SentencePiece model has no pieces");
        }
        if (b.unkId < 0 || b.unkId >= pieces.size()) {
            throw new TokenizerException(file, "unk_id " + b.unkId + " is outside the " + pieces.size() + " pieces");
        }
        return new SentencePieceModel(List.copyOf(pieces), b.modelType, b.byteFallback, b.unkId, b.unkPiece,
                b.charsmap, b.addDummyPrefix, b.removeExtraWhitespaces);
    }

    /** The proto defaults, overwritten by the fields present. */
    private static final class Builder {
        int modelType = UNIGRAM;
        boolean byteFallback;
        int unkId;
        String unkPiece = "<unk>";
        byte[] charsmap = new byte[0];
        boolean addDummyPrefix = true;
        boolean removeExtraWhitespaces = true;
    }

    private static void trainer(ByteBuffer in, Builder b) {
        while (in.hasRemaining()) {
            long key = varint(in);
            int field = (int) (key >>> 3);
            int wire = (int) (key & 7);
            if (field == 3 && wire == 0) {
                b.modelType = (int) varint(in);
            } else if (field == 35 && wire == 0) {
                b.byteFallback = varint(in) != 0;
            } else if (field == 40 && wire == 0) {
                b.unkId = (int) varint(in);
            } else if (field == 45 && wire == 2) {
                b.unkPiece = new String(bytes(in), StandardCharsets.UTF_8);
            } else {
                skip(in, wire);
            }
        }
    }

    private static void normalizer(ByteBuffer in, Builder b) {
        while (in.hasRemaining()) {
            long key = varint(in);
            int field = (int) (key >>> 3);
            int wire = (int) (key & 7);
            if (field == 2 && wire == 2) {
                b.charsmap = bytes(in);
            } else if (field == 3 && wire == 0) {
                b.addDummyPrefix = varint(in) != 0;
            } else if (field == 4 && wire == 0) {
                b.removeExtraWhitespaces = varint(in) != 0;
            } else {
                skip(in, wire);
            }
        }
    }

    private static Piece piece(ByteBuffer in) {
        String text = "";
        float score = 0;
        int type = NORMAL; // the proto default
        while (in.hasRemaining()) {
            long key = varint(in);
            int field = (int) (key >>> 3);
            int wire = (int) (key & 7);
            if (field == 1 && wire == 2) {
                text = new String(bytes(in), StandardCharsets.UTF_8);
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

    private static ByteBuffer message(ByteBuffer in) {
        int len = Math.toIntExact(varint(in));
        ByteBuffer msg = in.slice(in.position(), len).order(ByteOrder.LITTLE_ENDIAN);
        in.position(in.position() + len);
        return msg;
    }

    private static byte[] bytes(ByteBuffer in) {
        byte[] b = new byte[Math.toIntExact(varint(in))];
        in.get(b);
        return b;
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
