package io.autoround.api;

import io.autoround.model.arch.CheckpointValidator;
import io.autoround.quant.NvFp4Quantizer;
import io.autoround.quant.QuantOptions;
import io.autoround.quant.QuantResult;
import io.autoround.quant.QuantScheme;
import io.autoround.quant.WeightQuantizer;
import io.autoround.quant.scheme.DataTypes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Final quantization of a set of layers (one block, or the layers outside blocks) with the scalar quantizers,
 * applying the rules that span layers: NVFP4 fused projections (q/k/v, gate/up) share the smallest global scale.
 */
final class LayerQuantizer {
    private LayerQuantizer() {}

    /** One layer to quantize: its weight [rows*cols] and the options to quantize it with. */
    record Job(String name, float[] weight, int rows, int cols, QuantScheme scheme, QuantOptions options) {}

    static Map<String, QuantResult> quantize(List<Job> jobs) {
        Map<String, Float> nvGlobal = sharedNvGlobalScales(jobs);
        // layers are independent once the fused global scales are fixed: quantize them on all cores
        List<QuantResult> results = jobs.parallelStream().map(j -> {
            QuantOptions opts = nvGlobal.containsKey(j.name()) ? j.options().withNvGlobalScale(nvGlobal.get(j.name())) : j.options();
            QuantResult r = WeightQuantizer.quantize(j.name(), j.weight(), j.rows(), j.cols(), j.scheme(), opts);
            checkFinite(r);
            return r;
        }).toList();
        Map<String, QuantResult> out = new LinkedHashMap<>();
        for (int i = 0; i < jobs.size(); i++) {
            out.put(jobs.get(i).name(), results.get(i));
        }
        return out;
    }

    private static Map<String, Float> sharedNvGlobalScales(List<Job> jobs) {
        Map<String, float[]> nv = new LinkedHashMap<>();
        for (Job j : jobs) {
            if (DataTypes.isNvFp(j.scheme().dataType())) {
                nv.put(j.name(), j.weight());
            }
        }
        return NvFp4Quantizer.fusedGlobalScales(nv);
    }

    /** A NaN or infinite scale would silently poison the checkpoint: refuse it, naming the layer. */
    static void checkFinite(QuantResult r) {
        for (float s : r.weight().scales()) {
            if (!Float.isFinite(s)) {
                throw new ArithmeticException(r.weight().name() + ": quantization produced a non-finite scale (" + s
                        + "); the weights contain NaN/Inf or values beyond the scale dtype's range");
            }
        }
    }

    /** Jobs for {@code names}, reading each weight through {@code weights}. */
    static List<Job> jobs(List<String> names, RunPlan plan, Function<String, float[]> weights,
            Function<String, QuantOptions> options, Map<String, int[]> shapes) {
        List<Job> out = new ArrayList<>();
        for (String n : names) {
            int[] shape = shapes.get(n);
            float[] w = weights.apply(n);
            CheckpointValidator.requireFinite(n + ".weight", w, plan.modelDir()); // a damaged checkpoint is bad input
            out.add(new Job(n, w, shape[0], shape[1], plan.schemeOf(n), options.apply(n)));
        }
        return out;
    }
}
