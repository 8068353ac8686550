package io.autoround.cli;

import io.autoround.api.SignalCancellation;
import io.autoround.infer.GenerationOptions;
import io.autoround.infer.QuantizedModel;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code auto-round generate}: streamed text from a prompt, greedy or sampled, on any backend. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Text generation from a prompt (greedy by default; --temperature > 0 samples), streamed to stdout.")
final class GenerateCommand implements Callable<Integer> {
    @Option(names = {"--model", "--model_name"}, description = "Model folder, quantized checkpoint, GGUF file or hub id (default: the demo model).")
    String model;

    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL", description = "The model, as --model.")
    String modelArgument;

    @Option(names = "--prompt", defaultValue = "Once upon a time", description = "Prompt text (default: ${DEFAULT-VALUE}).")
    String prompt;

    @Option(names = "--max_new_tokens", defaultValue = "64", description = "Tokens to generate (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--temperature", defaultValue = "0", description = "Sampling temperature; 0 = greedy (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top_p", defaultValue = "1.0", description = "Nucleus probability mass (default: ${DEFAULT-VALUE}).")
    double topP;

    @Option(names = "--top_k", defaultValue = "0", description = "Keep the k most likely tokens, 0 = all (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--seed", defaultValue = "42", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    BackendOptions backend = new BackendOptions();

    @Override
    public Integer call() {
        model = ModelArgument.either(model, modelArgument);
        checkValues();
        Path dir = ModelArgument.resolve(model);
        GenerationOptions options = new GenerationOptions(maxNewTokens, temperature, topP, topK, seed, Set.of());
        try (QuantizedModel m = backend.load(dir)) {
            int promptTokens = m.tokenizer().encode(prompt).length;
            BackendOptions.checkPositions(m.model().config(), (long) promptTokens + maxNewTokens,
                    "--prompt (" + promptTokens + " tokens) + --max_new_tokens " + maxNewTokens);
            System.out.print(prompt);
            System.out.flush();
            m.generate(prompt, options, piece -> {
                SignalCancellation.checkpoint(); // Ctrl-C ends the generation between two tokens
                System.out.print(piece);
                System.out.flush();
            });
            System.out.println();
        }
        return 0;
    }

    /** Each option by name, before the model is loaded. */
    private void checkValues() {
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("--max_new_tokens must be >= 1, got " + maxNewTokens);
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("--temperature must be a finite number >= 0 (0 = greedy), got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("--top_p must be in (0, 1], got " + topP);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("--top_k must be >= 0 (0 = all tokens), got " + topK);
        }
    }
}
