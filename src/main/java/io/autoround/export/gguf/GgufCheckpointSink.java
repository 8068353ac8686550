package io.autoround.export.gguf;

import io.autoround.export.CheckpointSink;
import io.autoround.export.ExportException;
import io.autoround.export.ExportPlan;
import io.autoround.export.OutputFolder;
import io.autoround.model.config.ModelConfig;
import io.autoround.model.safetensors.ElementCodec;
import io.autoround.model.safetensors.TensorData;
import io.autoround.quant.QuantizedWeight;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * Streams a model into one {@code <name>-<TYPE>.gguf} inside the output folder. Quantized Linear layers are packed
 * from their codes and scales; the other tensors get their GGUF type here: 1-D tensors F32, the output head (and a
 * tied embedding) {@link GgufFileType#outputType()}, an untied embedding the format's type, Linear layers the plan
 * keeps unquantized BF16 (reference-spec 2.9). Nothing appears at the output folder until {@link #finish()}.
 */
final class GgufCheckpointSink implements CheckpointSink {
    private final ExportPlan plan;
    private final GgufFileType type;
    private final GgufArchitecture arch;
    private final ModelConfig config;
    private final OutputFolder folder;
    private final GgufWriter writer;
    private final Path file;

    GgufCheckpointSink(ExportPlan plan, GgufFileType type, GgufArchitecture arch, ModelConfig config, String modelName) {
        this.plan = plan;
        this.type = type;
        this.arch = arch;
        this.config = config;
        this.folder = new OutputFolder(plan.outputDir(), plan.sourceModelDir(), plan.options().overwrite());
        String fileName = modelName + "-" + type.label() + ".gguf";
        this.file = plan.outputDir().resolve(fileName);
        this.writer = new GgufWriter(folder.temp().resolve(fileName));
        try {
            GgufModelMetadata.write(writer, arch, config, modelName, type);
            GgufVocabulary.write(writer, plan.sourceModelDir(), config, preTokenizer(arch));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static String preTokenizer(GgufArchitecture arch) {
        return arch.ggufName().startsWith("qwen") ? "qwen2" : "default";
    }

    @Override
    public void add(QuantizedWeight w) {
        String hf = w.name() + ".weight";
        String name = ggufName(hf);
        GgmlType t = GgufLayerPacker.typeOf(w.scheme());
        if (name.equals("output.weight") || name.equals("token_embd.weight")) {
            GgmlType wanted = GgufTypeRecipe.shapeFallback(rawMatrixType(name), w.cols());
            if (t != wanted) {
                throw new ExportException("GGUF " + type.format() + ": " + w.name() + " is quantized with "
                        + w.scheme().bits() + " bits " + w.scheme().dataType() + " but GGUF stores it as " + wanted);
            }
        }
        if (t == null) {
            throw new ExportException("GGUF " + type.format() + ": layer " + w.name() + " has scheme "
                    + w.scheme().dataType() + " " + w.scheme().bits() + " bits group " + w.scheme().groupSize()
                    + ", which no GGUF tensor type stores");
        }
        writer.addTensor(name, new long[] {w.rows(), w.cols()}, t, GgufLayerPacker.pack(w, t, rowSource(hf, w.rows())));
    }

    @Override
    public void addRaw(TensorData tensor) {
        String name = ggufName(tensor.name());
        if (name == null) {
            return;
        }
        float[] x = floats(tensor);
        long[] shape = tensor.shape();
        int heads = arch.permuteHeads(tensor.name(), config);
        if (shape.length == 1) {
            if (heads > 0) {
                x = RopeRowPermutation.apply(x, 1, RopeRowPermutation.sourceRows(x.length, heads));
            }
            writer.addTensor(name, shape, GgmlType.F32, GgmlBlockCodec.packFloats(GgmlType.F32, x));
            return;
        }
        if (shape.length != 2) {
            throw new ExportException("GGUF export: tensor " + tensor.name() + " has " + shape.length + " dimensions");
        }
        int rows = Math.toIntExact(shape[0]);
        int cols = Math.toIntExact(shape[1]);
        int[] source = rowSource(tensor.name(), rows);
        if (source != null) {
            x = RopeRowPermutation.apply(x, cols, source);
        }
        // the reference's shape fallback: k-quants to Q5_0/Q8_0, then BF16 when rows do not split into blocks
        GgmlType t = GgufTypeRecipe.shapeFallback(rawMatrixType(name), cols);
        byte[] bytes = t.isQuantized()
                ? GgufLayerPacker.pack(GgufLayerPacker.quantize(tensor.name(), x, rows, cols, t), t, null)
                : GgmlBlockCodec.packFloats(t, x);
        writer.addTensor(name, shape, t, bytes);
    }

    private GgmlType rawMatrixType(String ggufName) {
        return switch (ggufName) {
            case "output.weight" -> type.outputType();
            case "token_embd.weight" -> config.tieWordEmbeddings() ? type.outputType() : type.embeddingType();
            default -> GgmlType.BF16;
        };
    }

    private String ggufName(String hfName) {
        try {
            return arch.tensorName(hfName);
        } catch (UnsupportedOperationException e) {
            throw new ExportException(e.getMessage() + " (model " + plan.sourceModelDir() + ")");
        }
    }

    private int[] rowSource(String hfName, int rows) {
        int heads = arch.permuteHeads(hfName, config);
        return heads == 0 ? null : RopeRowPermutation.sourceRows(rows, heads);
    }

    private static float[] floats(TensorData t) {
        if (!t.dtype().isFloating()) {
            throw new ExportException("GGUF export: tensor " + t.name() + " has non-float dtype " + t.dtype());
        }
        int n = Math.toIntExact(t.bytes().length / t.dtype().byteSize());
        return ElementCodec.toFloats(MemorySegment.ofArray(t.bytes()), t.dtype(), n);
    }

    @Override
    public Path finish() {
        writer.finish();
        plan.options().writeSideFiles(folder.temp());
        folder.commit();
        return file;
    }

    @Override
    public void close() {
        writer.close();
        folder.discard();
    }
}
