package io.autoround.cli;

import ai.djl.Device;
import java.util.Locale;
import picocli.CommandLine.Option;

/** {@code --backend} and {@code --device} for the commands that run a (possibly quantized) model. */
final class BackendOptions {
    @Option(names = "--backend", defaultValue = "auto",
            description = "Inference backend for quantized layers: auto (highest priority that fits, logged) or a name: "
                    + "packed-cpu, djl-packed, dequant-fp32 (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, gpu, cuda or cuda:N (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--tokenizer", description = "Folder with the tokenizer.json to use (default: the model's own; "
            + "for a GGUF file the one rebuilt from its byte-level BPE vocabulary, else a tokenizer.json next to it).")
    java.nio.file.Path tokenizer;

    /**
     * Loads the model folder (or GGUF file) on the chosen device and backend, logging the per-layer choice (or the
     * GGUF fp32 path) to stderr.
     */
    io.autoround.infer.QuantizedModel load(java.nio.file.Path dir) {
        checkName("--backend", backend);
        device();
        io.autoround.infer.QuantizedModel q = io.autoround.infer.QuantizedModel.load(dir, device(), backend, tokenizer);
        q.plan().ifPresent(p -> System.err.print("backend selection (--backend " + backend + "):\n" + p.explain()));
        if (q.isGguf()) {
            System.err.println("GGUF " + q.dir() + ": backend " + io.autoround.infer.gguf.GgufModelLoader.BACKEND_DESCRIPTION);
        }
        return q;
    }

    /**
     * Refuses a backend name the registry does not know, before anything is loaded (an fp checkpoint would
     * otherwise ignore it).
     */
    static void checkName(String option, String name) {
        java.util.List<String> known = io.autoround.infer.BackendRegistry.discover().names();
        String n = name.strip().toLowerCase(Locale.ROOT);
        if (!n.equals(io.autoround.infer.BackendRegistry.AUTO) && !known.contains(n)) {
            throw new IllegalArgumentException(option + " '" + name + "' is not a backend; allowed: auto, "
                    + String.join(", ", known));
        }
    }

    /** Refuses {@code tokens} positions beyond what the model was trained for, naming the options that add up. */
    static void checkPositions(io.autoround.model.config.ModelConfig config, long tokens, String what) {
        int max = config.maxPositionEmbeddings();
        if (max > 0 && tokens > max) {
            throw new IllegalArgumentException(what + " = " + tokens + " tokens, more than the model's " + max
                    + " positions (max_position_embeddings)");
        }
    }

    /** The DJL device named by --device. */
    Device device() {
        String d = device.trim().toLowerCase(Locale.ROOT);
        if (d.equals("cpu")) {
            return Device.cpu();
        }
        if (d.equals("gpu") || d.equals("cuda")) {
            return Device.gpu();
        }
        if (d.startsWith("cuda:") || d.startsWith("gpu:")) {
            try {
                return Device.gpu(Integer.parseInt(d.substring(d.indexOf(':') + 1)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad --device '" + device + "': expected cpu, gpu, cuda or cuda:N");
            }
        }
        throw new IllegalArgumentException("bad --device '" + device + "': expected cpu, gpu, cuda or cuda:N");
    }
}
