package io.autoround.infer;

import io.autoround.quant.QuantizedWeight;

/**
 * An int-quantized weight repacked for SIMD: per row and group, codes sit in int32 words laid out "lane-major", so
 * one vector of L words holds, in bit field f, the codes of L consecutive input channels
 * {@code j = (word * fieldsPerWord + f) * L + lane}. Unpacking a field is then one shift and one mask per vector,
 * with no cross-lane shuffles. Each group is padded to a multiple of L channels (padding codes are 0 and meet zero
 * activations). Holds only the packed words, fp32 scales and byte zero points.
 */
final class PackedIntWeights {
    final int rows;
    final int cols;
    final int bits;
    final int lanes;
    final int groups;
    final int groupWidth;
    /** groupWidth rounded up to a multiple of lanes. */
    final int paddedGroupWidth;
    final int fieldsPerWord;
    /** Word rows (of L words each) per group. */
    final int wordRowsPerGroup;
    final int[] words;
    final float[] scales;
    final byte[] zeros;

    PackedIntWeights(QuantizedWeight w, int lanes) {
        if (!"int".equals(w.scheme().dataType()) || w.scheme().bits() < 1 || w.scheme().bits() > 8) {
            throw new IllegalArgumentException(w.name() + ": packed int kernel needs an int scheme of 1..8 bits, got "
                    + w.scheme().dataType() + " " + w.scheme().bits() + "-bit");
        }
        if (w.zeros() == null) {
            throw new IllegalArgumentException(w.name() + ": int weight without zero points");
        }
        this.rows = w.rows();
        this.cols = w.cols();
        this.bits = w.scheme().bits();
        this.lanes = lanes;
        this.groups = w.groupsPerRow();
        this.groupWidth = w.groupWidth();
        this.paddedGroupWidth = (groupWidth + lanes - 1) / lanes * lanes;
        this.fieldsPerWord = 32 / bits;
        int columnsPerLane = paddedGroupWidth / lanes;
        this.wordRowsPerGroup = (columnsPerLane + fieldsPerWord - 1) / fieldsPerWord;
        this.words = new int[rows * groups * wordRowsPerGroup * lanes];
        this.scales = w.scales().clone();
        this.zeros = new byte[rows * groups];
        for (int i = 0; i < zeros.length; i++) {
            zeros[i] = (byte) w.zeros()[i];
        }
        pack(w.codes());
    }

    private void pack(int[] codes) {
        for (int r = 0; r < rows; r++) {
            for (int g = 0; g < groups; g++) {
                int base = wordIndex(r, g, 0);
                for (int j = 0; j < paddedGroupWidth; j++) {
                    int col = g * groupWidth + j;
                    if (j >= groupWidth || col >= cols) {
                        continue;
                    }
                    int lane = j % lanes;
                    int slot = j / lanes;
                    int word = slot / fieldsPerWord;
                    int field = slot % fieldsPerWord;
                    words[base + word * lanes + lane] |= codes[r * cols + col] << (field * bits);
                }
            }
        }
    }

    /** First word of (row, group, wordRow). */
    int wordIndex(int row, int group, int wordRow) {
        return ((row * groups + group) * wordRowsPerGroup + wordRow) * lanes;
    }

    int zero(int row, int group) {
        return zeros[row * groups + group] & 0xFF;
    }

    /** Bytes held: words, scales and zero points. */
    long residentBytes() {
        return 4L * words.length + 4L * scales.length + zeros.length;
    }
}
