package io.autoround.export;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autoround.model.safetensors.DType;
import io.autoround.model.safetensors.ElementCodec;
import io.autoround.model.safetensors.ShardedSafetensorsWriter;
import io.autoround.model.safetensors.TensorData;
import io.autoround.quant.QuantScheme;
import io.autoround.quant.QuantizedWeight;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The shared streaming sink: packs quantized layers with their layout, passes raw tensors through (biases of
 * quantized layers cast to fp16 where the format does), shards into a temporary folder and on finish writes the
 * configs, copies the side files and moves the folder into place. Any failure discards the partial output.
 */
final class PackedCheckpointSink implements CheckpointSink {
    private final ExportPlan plan;
    private final Function<QuantScheme, PackedLayout> layoutFor;
    private final ObjectNode sourceConfig;
    private final ObjectNode quantizationConfig;
    private final ConfigJsonStyle style;
    private final OutputFolder folder;
    private final ShardedSafetensorsWriter writer;
    private final Set<String> tensorNames = new HashSet<>();
    private final Set<String> pendingLayers;
    private boolean closed;

    PackedCheckpointSink(ExportPlan plan, Function<QuantScheme, PackedLayout> layoutFor, ObjectNode sourceConfig,
            ObjectNode quantizationConfig, ConfigJsonStyle style, long maxShardBytes) {
        this.plan = plan;
        this.layoutFor = layoutFor;
        this.sourceConfig = sourceConfig;
        this.quantizationConfig = quantizationConfig;
        this.style = style;
        this.pendingLayers = new LinkedHashSet<>(plan.quantizedLayers());
        this.folder = new OutputFolder(plan.outputDir(), plan.sourceModelDir(), plan.options().overwrite());
        this.writer = new ShardedSafetensorsWriter(folder.temp(), maxShardBytes, null);
    }

    @Override
    public void add(QuantizedWeight w) {
        guarded(() -> {
            QuantScheme planned = plan.schemeOf(w.name());
            if (planned == null || planned.keepsFullPrecision()) {
                throw new ExportException("layer '" + w.name() + "' is not a quantized layer of the export plan");
            }
            if (!sameWeightScheme(planned, w.scheme())) {
                throw new ExportException("layer '" + w.name() + "' was quantized with " + w.scheme()
                        + " but the plan says " + planned);
            }
            if (!pendingLayers.remove(w.name())) {
                throw new ExportException("layer '" + w.name() + "' was added twice");
            }
            for (TensorData t : layoutFor.apply(w.scheme()).pack(w)) {
                put(t);
            }
        });
    }

    private static boolean sameWeightScheme(QuantScheme a, QuantScheme b) {
        return a.bits() == b.bits() && a.groupSize() == b.groupSize() && a.sym() == b.sym()
                && a.dataType().equals(b.dataType());
    }

    @Override
    public void addRaw(TensorData t) {
        guarded(() -> {
            String name = t.name();
            int dot = name.lastIndexOf('.');
            String layer = dot < 0 ? name : name.substring(0, dot);
            QuantScheme s = plan.schemeOf(layer);
            boolean quantized = s != null && !s.keepsFullPrecision();
            if (quantized && name.endsWith(".weight")) {
                throw new ExportException("tensor '" + name + "' is the unquantized weight of quantized layer '"
                        + layer + "'; add the QuantizedWeight instead");
            }
            boolean castBias = quantized && name.endsWith(".bias") && layoutFor.apply(s).biasAsFp16()
                    && t.dtype() != DType.F16;
            put(castBias ? toFp16(t) : t);
        });
    }

    private static TensorData toFp16(TensorData t) {
        if (!t.dtype().isFloating()) {
            throw new ExportException("bias '" + t.name() + "' has non-float dtype " + t.dtype());
        }
        int n = Math.toIntExact(t.bytes().length / t.dtype().byteSize());
        float[] v = ElementCodec.toFloats(MemorySegment.ofArray(t.bytes()), t.dtype(), n);
        return TensorData.ofFloats(t.name(), t.shape(), v, DType.F16);
    }

    private void put(TensorData t) {
        if (!tensorNames.add(t.name())) {
            throw new ExportException("tensor '" + t.name() + "' was written twice");
        }
        writer.add(t);
    }

    @Override
    public Path finish() {
        final Path[] result = new Path[1];
        guarded(() -> {
            if (!pendingLayers.isEmpty()) {
                List<String> missing = new ArrayList<>(pendingLayers);
                throw new ExportException("export incomplete: quantized layers never added: " + missing);
            }
            checkRequiredRawTensors();
            writer.finish();
            ModelSideFiles.writeConfigs(folder.temp(), sourceConfig, quantizationConfig, style);
            ModelSideFiles.copySideFiles(plan.sourceModelDir(), folder.temp());
            plan.options().writeSideFiles(folder.temp());
            result[0] = folder.commit();
            closed = true;
        });
        return result[0];
    }

    private void checkRequiredRawTensors() {
        for (String layer : plan.quantizedLayers()) {
            QuantScheme s = plan.schemeOf(layer);
            for (String suffix : layoutFor.apply(s).requiredRawSuffixes(s)) {
                if (!tensorNames.contains(layer + "." + suffix)) {
                    throw new ExportException("layer '" + layer + "' needs tensor '" + layer + "." + suffix
                            + "' (add it with addRaw)");
                }
            }
        }
    }

    /** Runs {@code step}, discarding all output if it fails. */
    private void guarded(Runnable step) {
        if (closed) {
            throw new IllegalStateException("checkpoint sink for " + plan.outputDir() + " is already closed");
        }
        try {
            step.run();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            writer.abort();
            folder.discard();
        }
    }
}
