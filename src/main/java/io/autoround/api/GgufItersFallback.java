package io.autoround.api;

import io.autoround.quant.OptRtnPolicy;
import io.autoround.quant.QuantScheme;
import io.autoround.quant.scheme.SchemePresets;
import io.autoround.tune.TunableDataType;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GGUF schemes whose data types SignRound cannot tune yet (the k-quants' double-quantized {@code int_*_dq}) run the
 * reference's iters=0 path (RTN / optimized RTN) instead of failing, which is also what the reference recommends
 * for GGUF; one warning says whether the default or the user's explicit iters was overridden.
 */
final class GgufItersFallback {
    private static final Logger LOG = LoggerFactory.getLogger(GgufItersFallback.class);

    private GgufItersFallback() {}

    /** True when a SignRound run ({@code iters > 0}) of this GGUF scheme has a layer no tuner exists for. */
    static boolean applies(String preset, int iters, Map<String, QuantScheme> layerSchemes) {
        return iters > 0 && preset != null && SchemePresets.isGguf(preset) && layerSchemes.values().stream()
                .anyMatch(s -> !s.keepsFullPrecision() && TunableDataType.of(s) == null);
    }

    /** Sets {@code o.iters} to 0 (so the plan, the export config and the facade's {@code ar.iters} agree) and warns. */
    static void fallBack(QuantizeOptions o, String preset, QuantScheme scheme, Map<String, QuantScheme> layerSchemes) {
        String types = String.join(", ", layerSchemes.values().stream()
                .filter(s -> !s.keepsFullPrecision() && TunableDataType.of(s) == null)
                .map(QuantScheme::dataType).distinct().toList());
        String request = o.iters == null ? "the default iters=" + o.itersOrDefault()
                : "the requested iters=" + o.iters;
        LOG.warn("SignRound tuning of {} (data types {}) is not implemented yet: {} falls back to iters=0 ({}), the "
                + "path the reference recommends for GGUF", preset, types, request,
                OptRtnPolicy.usesOptimizedRtn(preset, scheme, o.disableOptRtn, 0) ? "optimized RTN" : "round-to-nearest");
        o.iters = 0;
    }
}
