package io.autoround.autoscheme;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.autoround.quant.QuantScheme;
import io.autoround.quant.scheme.SchemePresets;
import org.junit.jupiter.api.Test;

/** Bits per weight of every option kind, against values worked out by hand from reference-spec 4.2. */
class LayerBitsTest {
    private static final int ROWS = 256;
    private static final int COLS = 1024;

    private static double perWeight(String preset) {
        return (double) LayerBits.total(SchemePresets.get(preset), ROWS, COLS, false) / (ROWS * COLS);
    }

    @Test
    void intGroupsChargeAnFp16ScaleAndAZeroPointEvenWhenSymmetric() {
        assertEquals(4 + (16 + 4) / 128.0, perWeight("W4A16"), 0); // 4.15625
        assertEquals(2 + (16 + 2) / 128.0, perWeight("W2A16"), 0); // 2.140625
        assertEquals(2 + (16 + 2) / 64.0, perWeight("W2A16G64"), 0); // 2.28125
        assertEquals(3 + (16 + 3) / 128.0, perWeight("W3A16"), 0);
        assertEquals(8 + (16 + 8) / 128.0, perWeight("W8A16"), 0); // 8.1875
    }

    @Test
    void perChannelAndPerTensorGroups() {
        // INT8 (W8A8) has group_size -1: one scale and zero point per output row
        assertEquals(8L * ROWS * COLS + ROWS * (16 + 8), LayerBits.total(SchemePresets.get("INT8"), ROWS, COLS, false));
        QuantScheme perTensor = QuantScheme.weightOnlyInt(4, 0, false);
        assertEquals(4L * ROWS * COLS + (16 + 4), LayerBits.total(perTensor, ROWS, COLS, false));
    }

    @Test
    void aPartialLastGroupStillCostsAWholeScale() {
        // 200 columns in groups of 128: 2 groups per row
        assertEquals(4L * 10 * 200 + 10 * 2 * (16 + 4), LayerBits.total(SchemePresets.get("W4A16"), 10, 200, false));
    }

    @Test
    void floatFamiliesUseEightBitScalesAndNoZeroPoint() {
        assertEquals(4.25, perWeight("MXFP4"), 0);
        assertEquals(8.25, perWeight("MXFP8"), 0);
        assertEquals(4.5, perWeight("NVFP4"), 0);
    }

    @Test
    void ggufSuperGroupsCountDoubleQuantizedScalesAndA64BitPair() {
        assertEquals(4.625, perWeight("GGUF:Q4_K_M"), 0); // 4 + 2*6/32 + 64/(32*8)
        assertEquals(2.75, perWeight("GGUF:Q2_K_S"), 0); // 2 + 2*4/16 + 64/(16*16)
        assertEquals(4.0, perWeight("GGUF:Q3_K_M"), 0);
        assertEquals(5.625, perWeight("GGUF:Q5_K_M"), 0);
        assertEquals(7.25, perWeight("GGUF:Q6_K"), 0);
    }

    @Test
    void sixteenBitLayersAndIgnoredOverheadCountOnlyWeights() {
        assertEquals(16.0, perWeight("BF16"), 0);
        assertEquals(16L * ROWS * COLS, LayerBits.total(QuantScheme.fullPrecision(), ROWS, COLS, false));
        assertEquals(4L * ROWS * COLS, LayerBits.total(SchemePresets.get("W4A16"), ROWS, COLS, true));
        assertEquals(2L * ROWS * COLS, LayerBits.total(SchemePresets.get("GGUF:Q2_K_S"), ROWS, COLS, true));
    }
}
