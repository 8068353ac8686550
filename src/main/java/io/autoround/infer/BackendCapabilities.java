package io.autoround.infer;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a backend declares it can serve (the shape of the reference's {@code BackendInfo}). An empty set means "any".
 *
 * @param devices device families ({@code cpu}, {@code gpu})
 * @param bits weight bit widths
 * @param groupSizes group sizes (-1 per row, 0 per tensor)
 * @param sym symmetric and/or asymmetric ({@code true}, {@code false})
 * @param dataTypes weight data type families ({@code int}, {@code mx_fp}, {@code nv_fp}, {@code fp})
 * @param packingFormats checkpoint packing formats
 * @param maxActBits schemes whose act_bits are below this are refused (16: weight-only schemes only; 0: the backend
 *     checks activation schemes itself in {@link InferenceBackend#shapeProblems})
 * @param priority higher wins among the backends that fit
 */
public record BackendCapabilities(Set<String> devices, Set<Integer> bits, Set<Integer> groupSizes, Set<Boolean> sym,
        Set<String> dataTypes, Set<String> packingFormats, int maxActBits, int priority) {

    /** Why this backend cannot serve the request (empty when it can). */
    public List<String> mismatches(LayerRequest r) {
        List<String> out = new ArrayList<>();
        check(out, devices, r.deviceType(), "device");
        check(out, dataTypes, r.scheme().dataType(), "data type");
        check(out, bits, r.scheme().bits(), "bits");
        check(out, groupSizes, r.scheme().groupSize(), "group size");
        check(out, sym, r.scheme().sym(), "sym");
        check(out, packingFormats, r.packingFormat(), "packing format");
        if (r.scheme().actBits() < maxActBits) {
            out.add("activation quantization (" + r.scheme().actBits() + "-bit) is not implemented");
        }
        return out;
    }

    private static <T> void check(List<String> out, Set<T> allowed, T value, String what) {
        if (!allowed.isEmpty() && !allowed.contains(value)) {
            out.add(what + " " + value + " not in " + allowed);
        }
    }
}
