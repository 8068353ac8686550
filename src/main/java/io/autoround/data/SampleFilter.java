package io.autoround.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The reference's per-sample rules: truncate to seqlen, drop short samples and padding-like samples, concat. */
final class SampleFilter {
    private SampleFilter() {}

    /** Truncated sample, or null when it is shorter than seqlen or its last token repeats more than seqlen/2 times. */
    static int[] accept(int[] ids, int seqlen) {
        if (ids.length < seqlen) {
            return null;
        }
        int[] s = ids.length == seqlen ? ids : Arrays.copyOf(ids, seqlen);
        int last = s[seqlen - 1];
        int count = 0;
        for (int t : s) {
            if (t == last) {
                count++;
            }
        }
        return count > seqlen / 2 ? null : s;
    }

    /**
     * Concatenation: strip a leading BOS and trailing EOS from each text's ids, stream tokens into chunks of
     * seqlen, re-adding BOS (and EOS) per chunk when the tokenizer adds them.
     */
    static List<int[]> concat(List<int[]> texts, int seqlen, int bos, int eos) {
        int body = seqlen - (bos >= 0 ? 1 : 0);
        List<int[]> out = new ArrayList<>();
        int[] buf = new int[body];
        int fill = 0;
        for (int[] ids : texts) {
            int from = bos >= 0 && ids.length > 0 && ids[0] == bos ? 1 : 0;
            int to = eos >= 0 && ids.length > from && ids[ids.length - 1] == eos ? ids.length - 1 : ids.length;
            for (int i = from; i < to; i++) {
                buf[fill++] = ids[i];
                if (fill == body) {
                    int[] chunk = new int[seqlen];
                    int off = 0;
                    if (bos >= 0) {
                        chunk[off++] = bos;
                    }
                    System.arraycopy(buf, 0, chunk, off, body);
                    out.add(chunk);
                    fill = 0;
                }
            }
        }
        return out;
    }
}
