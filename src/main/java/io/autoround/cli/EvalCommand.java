package io.autoround.cli;

import io.autoround.api.DemoAssets;
import io.autoround.eval.Perplexity;
import io.autoround.infer.QuantizedModel;
import io.autoround.infer.gguf.GgufModelLoader;
import io.autoround.model.tokenizer.TextTokenizer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code auto-round eval}: perplexity of a model (fp or quantized checkpoint) on a text file. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Perplexity on a text: tokenized whole, cut into non-overlapping windows, each scored on its own.")
final class EvalCommand implements Callable<Integer> {
    @Option(names = {"--model", "--model_name"}, description = "Model folder, quantized checkpoint, GGUF file or hub id (default: the demo model).")
    String model;

    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL", description = "The model, as --model.")
    String modelArgument;

    @Option(names = {"--text", "--eval_text"}, description = "UTF-8 text file (default: the demo evaluation text).")
    Path text;

    @Option(names = {"--seqlen", "--seq_len"}, defaultValue = "256", description = "Window length in tokens (default: ${DEFAULT-VALUE}).")
    int seqlen;

    @Option(names = "--batch_size", defaultValue = "8", description = "Windows per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Mixin
    BackendOptions backend = new BackendOptions();

    @Option(names = "--keep_tail", description = "Also score the last, shorter window (default: dropped).")
    boolean keepTail;

    @Override
    public Integer call() throws Exception {
        model = ModelArgument.either(model, modelArgument);
        if (seqlen < 2) {
            throw new IllegalArgumentException("--seqlen must be >= 2 (a window scores tokens 2..seqlen), got " + seqlen);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch_size must be >= 1, got " + batchSize);
        }
        Path dir = ModelArgument.resolve(model);
        Path textFile = text != null ? text : DemoAssets.evalText();
        String content = io.autoround.data.TextFiles.readUtf8(textFile, "--text file");
        try (QuantizedModel q = backend.load(dir)) {
            BackendOptions.checkPositions(q.model().config(), seqlen, "--seqlen");
            TextTokenizer tok = q.tokenizer();
            ProgressBar bar = new ProgressBar(System.err, "eval");
            Perplexity.Result r = Perplexity.evaluate(q.model(), tok, content, Perplexity.Options.of(seqlen)
                    .withBatchSize(batchSize).withKeepTail(keepTail).withProgress(bar.interruptible()));
            System.out.printf("model %s%s%ntext %s%nperplexity %.4f (mean NLL %.5f over %d tokens in %d windows of %d)%n",
                    ModelArgument.describe(model), q.isGguf() ? " (GGUF, " + GgufModelLoader.BACKEND_DESCRIPTION + ")" : "",
                    textFile, r.perplexity(), r.meanNll(), r.scoredTokens(), r.windows(), seqlen);
        }
        return Main.interruptedAfterWriting();
    }
}
