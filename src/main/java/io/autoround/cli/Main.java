package io.autoround.cli;

import io.autoround.Version;
import io.autoround.api.AutoRound;
import io.autoround.api.DemoAssets;
import io.autoround.api.QuantizationReport;
import io.autoround.eval.Perplexity;
import java.nio.file.Path;
import io.autoround.api.QuantizeOptions;
import io.autoround.api.Recipe;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The {@code auto-round} command line: quantize (the default command, with the reference's flags), plus
 * {@code eval} and {@code generate}. With no --model it quantizes the embedded demo model.
 */
@Command(name = "auto-round", mixinStandardHelpOptions = true, version = "auto-round " + Version.VERSION,
        sortOptions = false, usageHelpWidth = 120,
        description = "Quantize LLMs to 2-8 bits with SignRound (default) or round-to-nearest (--iters 0) and export "
                + "checkpoints for transformers, vLLM, SGLang and llama.cpp.",
        subcommands = {EvalCommand.class, GenerateCommand.class, BenchCommand.class})
public final class Main implements Callable<Integer> {
    @Mixin
    QuantizeFlags flags = new QuantizeFlags();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--recipe", hidden = true, defaultValue = "default", description = "default, best or light (set by the launchers).")
    String recipe;

    @Override
    public Integer call() {
        QuantizeOptions options = flags.toOptions(new LayerConfigParser());
        Recipe.parse(recipe).applyTo(options);
        if (flags.model == null) {
            DemoRun.run(options, spec.commandLine().getParseResult().hasMatchedOption("--output_dir"));
            return 0;
        }
        QuantizationReport report = new AutoRound(options, System.err).withListener(new TerminalProgress(System.err))
                .quantizeAndSave();
        if (flags.eval) {
            Path text = flags.evalText != null ? Path.of(flags.evalText) : DemoAssets.evalText();
            ProgressBar bar = new ProgressBar(System.err, "eval");
            Perplexity.Result r = AutoRound.perplexity(report.outputs().get(report.outputs().size() - 1), text,
                    flags.evalSeqlen, (d, t) -> bar.update(d, t, null));
            System.out.printf("perplexity of %s on %s: %.4f%n", report.outputs().get(report.outputs().size() - 1), text,
                    r.perplexity());
        }
        return 0;
    }

    /** Exit code 2 for bad input with a one-line message; the stack trace only with AR_DEBUG set. */
    static int handleError(Exception e, CommandLine cmd, CommandLine.ParseResult parseResult) {
        cmd.getErr().println("auto-round: error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        if (System.getenv("AR_DEBUG") != null) {
            e.printStackTrace(cmd.getErr());
        }
        return e instanceof IllegalArgumentException || e instanceof UnsupportedOperationException ? 2 : 1;
    }

    public static void main(String[] args) {
        CommandLine cmd = new CommandLine(new Main()).setExecutionExceptionHandler(Main::handleError);
        System.exit(cmd.execute(args));
    }
}
