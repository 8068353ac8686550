package io.autoround.infer.gguf;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.autoround.api.AutoRound;
import io.autoround.api.QuantizeOptions;
import io.autoround.api.QuantizedModel;
import io.autoround.model.nn.DecoderModel;
import io.autoround.quant.QuantizedWeight;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Test helper: a model exported to GGUF through the AutoRound API ({@code --iters 0}), and logits of a model. */
record GgufExports(Path file, Map<String, QuantizedWeight> weights) {

    /** Exports {@code model} with {@code format} (e.g. {@code gguf:q8_0}) under {@code out}. */
    static GgufExports export(Path model, String format, Path out) {
        QuantizeOptions o = new QuantizeOptions();
        o.model = model.toString();
        o.iters = 0;
        o.disableOptRtn = true;
        o.formats = List.of(format);
        o.outputDir = out.toString();
        AutoRound ar = new AutoRound(o, new PrintStream(new ByteArrayOutputStream()));
        QuantizedModel q = ar.quantize();
        List<Path> outputs = ar.save(q, out, List.of(format), true).outputs();
        return new GgufExports(outputs.get(0), q.weights().stream()
                .collect(Collectors.toMap(w -> w.name() + ".weight", Function.identity())));
    }

    /** Logits [seq * vocab] of {@code ids} as one sequence. */
    static float[] logits(DecoderModel model, long[] ids) {
        try (NDManager scope = model.manager().newSubManager()) {
            return model.logits(scope.create(ids, new Shape(1, ids.length)), null).toFloatArray();
        }
    }
}
