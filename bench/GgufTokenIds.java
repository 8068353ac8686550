import io.autoround.export.gguf.GgufReader;
import io.autoround.infer.gguf.GgufTokenizerFiles;
import io.autoround.model.tokenizer.TextTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Prints the token ids this project's tokenizer (rebuilt from a .gguf vocabulary, as {@code bin/auto-round eval} and
 * {@code generate} do) gives a text, to compare with bench/gguf-llamacpp-check.mjs. Not part of the test suite.
 * Run as a single-file program on the core classpath:
 * {@code java -cp "target/core/classes:$(cat target/core/runtime-classpath.txt)" bench/GgufTokenIds.java FILE.gguf TEXT_FILE [CHARS]}
 */
public final class GgufTokenIds {
    public static void main(String[] args) throws Exception {
        Path gguf = Path.of(args[0]);
        String text = Files.readString(Path.of(args[1]));
        text = text.substring(0, Math.min(text.length(), args.length > 2 ? Integer.parseInt(args[2]) : 4000));
        Path dir = Files.createTempDirectory("gguf-tok");
        GgufTokenizerFiles.write(GgufReader.open(gguf), dir);
        try (TextTokenizer tok = TextTokenizer.load(dir)) {
            long[] ids = tok.encodePlain(text);
            System.out.println("text ids (" + ids.length + " tokens for " + text.length() + " chars, no BOS), first 50: "
                    + Arrays.stream(ids).limit(50).mapToObj(Long::toString).collect(Collectors.joining(" ")));
            // order-sensitive checksum of all ids, printed the same way by gguf-llamacpp-check.mjs
            long sum = 0;
            for (int i = 0; i < ids.length; i++) {
                sum = (sum + ids[i] * (i + 1)) % 2147483648L;
            }
            System.out.println("text ids checksum: " + sum);
        }
    }
}
