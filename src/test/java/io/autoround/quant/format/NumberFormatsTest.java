package io.autoround.quant.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NumberFormatsTest {

    @Test
    void fp16RoundsHalfToEvenAndHandlesEdges() {
        assertEquals(1f, HalfFloats.roundToFp16(1f + 0x1p-11f), "tie to even (down)");
        assertEquals(1f + 0x1p-9f, HalfFloats.roundToFp16(1f + 3 * 0x1p-11f), "tie to even (up)");
        assertEquals(1.0013580322265625e-05f, HalfFloats.roundToFp16(1e-5f), "1e-5 is an fp16 subnormal");
        assertEquals(0x1p-24f, HalfFloats.roundToFp16(0x1p-24f), "smallest subnormal");
        assertEquals(0f, HalfFloats.roundToFp16(0x1p-26f));
        assertEquals(65504f, HalfFloats.roundToFp16(65519f), "max");
        assertEquals(Float.POSITIVE_INFINITY, HalfFloats.roundToFp16(65520f), "overflow at the tie above max");
        assertTrue(Float.isNaN(HalfFloats.roundToFp16(Float.NaN)));
        assertEquals((short) 0x7BFF, HalfFloats.toFp16Bits(65504f));
        assertEquals((short) 0x8000, HalfFloats.toFp16Bits(-0f));
    }

    @Test
    void bf16RoundsHalfToEvenAndHandlesEdges() {
        assertEquals(1f, HalfFloats.roundToBf16(1f + 0x1p-8f), "tie to even (down)");
        assertEquals(1f + 0x1p-6f, HalfFloats.roundToBf16(1f + 3 * 0x1p-8f), "tie to even (up)");
        assertEquals(1f + 0x1p-7f, HalfFloats.roundToBf16(1f + 0x1p-8f + 0x1p-20f), "above the tie");
        assertEquals(Float.POSITIVE_INFINITY, HalfFloats.roundToBf16(Float.MAX_VALUE), "rounds into infinity");
        assertEquals(Float.MIN_VALUE * 0, HalfFloats.roundToBf16(Float.MIN_VALUE), "fp32 subnormal tail drops");
        assertEquals(0x1p-133f, HalfFloats.roundToBf16(0x1p-133f), "bf16 subnormal kept");
        assertTrue(Float.isNaN(HalfFloats.roundToBf16(Float.intBitsToFloat(0x7F800001))), "signalling NaN stays NaN");
        assertEquals((short) 0x3F80, HalfFloats.toBf16Bits(1f));
        assertEquals(-2.5f, HalfFloats.bf16BitsToFloat(HalfFloats.toBf16Bits(-2.5f)));
    }

    @Test
    void e4m3EncodesWithTiesToEvenAndNoSaturation() {
        assertEquals(0x7E, Float8E4M3.encode(448f));
        assertEquals(0x7E, Float8E4M3.encode(456f), "tie between 448 and 480 goes to even 448");
        assertEquals(Float8E4M3.NAN, Float8E4M3.encode(464f), "464 rounds past the max: NaN like torch");
        assertEquals(0xFF, Float8E4M3.encode(-500f));
        assertEquals(0x01, Float8E4M3.encode(0x1p-9f), "smallest subnormal");
        assertEquals(0x00, Float8E4M3.encode(0x1p-10f), "tie to zero (even)");
        assertEquals(0x02, Float8E4M3.encode(3 * 0x1p-10f), "tie to even mantissa 2");
        assertEquals(0x08, Float8E4M3.encode(0x1p-6f), "smallest normal");
        assertEquals(0x08, Float8E4M3.encode(0x1p-6f - 0x1p-12f), "subnormal range carries into the first normal");
        assertEquals(0x58, Float8E4M3.encode(15.5f), "tie 15.5 rounds to 16 (carry into exponent)");
        assertEquals(0x56, Float8E4M3.encode(14.5f), "tie 14.5 rounds to 14");
        assertEquals(0x80, Float8E4M3.encode(-0f));
        assertEquals(Float8E4M3.NAN, Float8E4M3.encode(Float.NaN));
        assertTrue(Float.isNaN(Float8E4M3.decode(0x7F)));
        assertEquals(-448f, Float8E4M3.decode(0xFE));
        for (int b = 0; b < 256; b++) {
            float v = Float8E4M3.decode(b);
            if (!Float.isNaN(v) && b != 0x80) {
                assertEquals(b, Float8E4M3.encode(v), "round trip of byte " + b);
            }
        }
    }

    @Test
    void e2m1MatchesTheReferenceSelfTests() {
        float[] in = {0f, .25f, .4f, .75f, 1.25f, 1.4f, 1.75f, 2.5f, 2.9f, 3.5f, 5.0f, 5.1f, 6.0f, 6.2f, 8.9f};
        float[] out = {0f, 0f, .5f, 1f, 1f, 1.5f, 2f, 2f, 3f, 4f, 4f, 6f, 6f, 6f, 6f};
        for (int i = 0; i < in.length; i++) {
            assertEquals(out[i], Float4E2M1.round(in[i]), "fp4(" + in[i] + ")");
            assertEquals(-out[i], Float4E2M1.round(-in[i]), 0f, "fp4(-" + in[i] + ")");
        }
        assertEquals(7, Float4E2M1.encode(6f));
        assertEquals(0x9, Float4E2M1.encode(-0.5f));
        assertEquals(0x0, Float4E2M1.encode(-0.2f), "negative zero is stored as +0");
        for (int c = 0; c < 16; c++) {
            if (c != 8) {
                assertEquals(c, Float4E2M1.encode(Float4E2M1.decode(c)));
            }
        }
        assertEquals(-6f, Float4E2M1.decode(0xF));
    }

    @Test
    void e8m0EncodesPowersOfTwo() {
        assertEquals(127, ScaleE8M0.encodeScale(1f));
        assertEquals(125, ScaleE8M0.encodeScale(0.25f));
        assertEquals(0, ScaleE8M0.encodeScale(0x1p-127f), "2^-127 is an fp32 subnormal");
        assertEquals(254, ScaleE8M0.encodeScale(0x1p127f));
        assertEquals(0, ScaleE8M0.encodeExponent(-200));
        assertEquals(255, ScaleE8M0.encodeExponent(200));
        assertEquals(0x1p-127f, ScaleE8M0.decode(0));
        assertTrue(Float.isNaN(ScaleE8M0.decode(0xFF)));
        assertEquals(-3, ScaleE8M0.decodeExponent(124));
        assertThrows(IllegalArgumentException.class, () -> ScaleE8M0.encodeScale(0.3f));
        assertThrows(IllegalArgumentException.class, () -> ScaleE8M0.decodeExponent(0xFF));
    }

    @Test
    void miniFloatCodesRoundTripE2m3AndE4m3() {
        assertEquals(0x1F, MiniFloat.encodeExact(7.5f, 2, 5), "E2M3 max");
        assertEquals(0x01, MiniFloat.encodeExact(0.125f, 2, 5), "E2M3 smallest subnormal");
        assertEquals(Float8E4M3.encode(-0.01953125f), MiniFloat.encodeExact(-0.01953125f, 4, 5));
        for (int c = 0; c < 64; c++) { // every code, -0 (32) included
            assertEquals(c, MiniFloat.encodeExact(MiniFloat.decode(c, 2, 5), 2, 5));
        }
        // a negative weight rounded to zero keeps its sign bit, as in the reference's eager MXFP exports
        assertEquals(0x8, MiniFloat.encodeExact(-0f, 2, 3), "E2M1 -0");
        assertEquals(0x80, MiniFloat.encodeExact(-0f, 4, 5), "E4M3 -0");
        assertEquals(0x0, MiniFloat.encodeExact(0f, 2, 3), "E2M1 +0");
        assertThrows(IllegalArgumentException.class, () -> MiniFloat.encodeExact(0.3f, 2, 3));
    }
}
