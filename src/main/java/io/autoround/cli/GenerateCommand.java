package io.autoround.cli;

import io.autoround.api.ModelLoader;
import io.autoround.eval.GreedyGenerator;
import io.autoround.model.nn.DecoderModel;
import io.autoround.model.tokenizer.TextTokenizer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code auto-round generate}: greedy text from a prompt. */
@Command(name = "generate", mixinStandardHelpOptions = true, description = "Greedy text generation from a prompt.")
final class GenerateCommand implements Callable<Integer> {
    @Option(names = {"--model", "--model_name"}, description = "Model folder, quantized checkpoint or hub id (default: the demo model).")
    String model;

    @Option(names = "--prompt", defaultValue = "Once upon a time", description = "Prompt text (default: ${DEFAULT-VALUE}).")
    String prompt;

    @Option(names = "--max_new_tokens", defaultValue = "64", description = "Tokens to generate (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Override
    public Integer call() {
        Path dir = ModelArgument.resolve(model);
        try (DecoderModel m = ModelLoader.load(dir); TextTokenizer tok = TextTokenizer.load(dir)) {
            long[] ids = tok.encode(prompt);
            Set<Long> stops = new HashSet<>();
            if (tok.eosTokenId() != null) {
                stops.add((long) tok.eosTokenId());
            }
            long[] out = new GreedyGenerator(m).generate(ids, maxNewTokens, stops);
            System.out.println(prompt + tok.decode(Arrays.copyOfRange(out, ids.length, out.length)));
        }
        return 0;
    }
}
