import com.sun.management.OperatingSystemMXBean;
import io.autoround.quant.Precision;
import io.autoround.quant.QuantOptions;
import io.autoround.quant.QuantResult;
import io.autoround.quant.QuantScheme;
import io.autoround.quant.WeightQuantizer;
import java.lang.management.ManagementFactory;
import java.util.Random;
import java.util.zip.CRC32;

/**
 * Times pure RTN against optimised RTN (the opt-RTN scale search, default at {@code --iters 0}) on the same random
 * weights with the Linear shapes of Qwen3-0.6B's decoder blocks, and prints CPU seconds (the whole process, all
 * threads), wall seconds, MB/s of fp32 weights and a CRC of the codes and scales. Not part of the test suite. Run as a single-file program on the
 * core classpath:
 * {@code java --add-modules=jdk.incubator.vector -cp "target/core/classes:$(cat target/core/runtime-classpath.txt)" bench/OptRtnBench.java [BLOCKS] [W4A16|W2A16G64|GGUF:Q4_K_S|...] [bf16|fp32]}
 */
public final class OptRtnBench {
    /** q, k, v, o, gate, up, down of a Qwen3-0.6B block: {out_features, in_features}. */
    private static final int[][] SHAPES = {{2048, 1024}, {1024, 1024}, {1024, 1024}, {1024, 2048}, {3072, 1024},
        {3072, 1024}, {1024, 3072}};

    public static void main(String[] args) {
        int blocks = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        String preset = args.length > 1 ? args[1] : "W4A16";
        Precision p = args.length > 2 && args[2].equals("fp32") ? Precision.FP32 : Precision.BF16;
        QuantScheme scheme = io.autoround.quant.scheme.SchemePresets.get(preset);
        Random rnd = new Random(42);
        float[][] weights = new float[SHAPES.length][];
        long elements = 0;
        for (int i = 0; i < SHAPES.length; i++) {
            weights[i] = new float[SHAPES[i][0] * SHAPES[i][1]];
            for (int j = 0; j < weights[i].length; j++) {
                // bf16-representable, as a bf16 checkpoint's weights are
                weights[i][j] = p.round((float) rnd.nextGaussian() * 0.02f);
            }
            elements += weights[i].length;
        }
        System.out.printf("%s %s, %d block(s) of Qwen3-0.6B's Linear shapes (%,d weights), %d processors, load %.2f%n",
                preset, p, blocks, elements * blocks, Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        run("warm-up RTN", blocks, weights, scheme, QuantOptions.rtn(p), elements);
        run("warm-up opt-RTN", 1, weights, scheme, QuantOptions.optimizedRtn(p, null), elements);
        System.out.println("| method | CPU s | wall s | MB/s (CPU) | MB/s (wall) | codes+scales CRC |");
        System.out.println("|---|---:|---:|---:|---:|---|");
        if (preset.toUpperCase().startsWith("GGUF:")) {
            // the k-quants have one search, whichever RTN flavour is asked for
            run("GGUF k-quant search", blocks, weights, scheme, QuantOptions.rtn(p), elements);
            return;
        }
        run("pure RTN", blocks, weights, scheme, QuantOptions.rtn(p), elements);
        run("optimized RTN", blocks, weights, scheme, QuantOptions.optimizedRtn(p, null), elements);
    }

    private static void run(String label, int blocks, float[][] weights, QuantScheme scheme, QuantOptions opts,
            long elements) {
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long wall0 = System.nanoTime();
        QuantResult[] last = new QuantResult[SHAPES.length];
        for (int b = 0; b < blocks; b++) {
            for (int i = 0; i < SHAPES.length; i++) {
                last[i] = WeightQuantizer.quantize("l" + i, weights[i], SHAPES[i][0], SHAPES[i][1], scheme, opts);
            }
        }
        double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
        double wall = (System.nanoTime() - wall0) / 1e9;
        // digest of every code and scale, to compare runs of different builds for identical results
        CRC32 crc = new CRC32();
        for (QuantResult r : last) {
            for (int c : r.weight().codes()) {
                crc.update(c);
            }
            for (float s : r.weight().scales()) {
                int bits = Float.floatToIntBits(s);
                for (int shift = 0; shift < 32; shift += 8) {
                    crc.update(bits >>> shift); // one byte each
                }
            }
        }
        double mb = elements * blocks * 4.0 / 1e6;
        if (!label.startsWith("warm-up")) {
            System.out.printf("| %s | %.2f | %.2f | %.1f | %.1f | %08x |%n", label, cpu, wall, mb / cpu, mb / wall,
                    crc.getValue());
        }
    }
}
