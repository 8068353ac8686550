package io.autoround.cli;

import io.autoround.Version;
import io.autoround.api.AutoRound;
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
        subcommands = {EvalCommand.class, GenerateCommand.class})
public final class Main implements Callable<Integer> {
    @Mixin
    QuantizeFlags flags = new QuantizeFlags();

    @Option(names = "--recipe", hidden = true, defaultValue = "default", description = "default, best or light (set by the launchers).")
    String recipe;

    @Override
    public Integer call() {
        QuantizeOptions options = flags.toOptions(new LayerConfigParser());
        Recipe.parse(recipe).applyTo(options);
        if (flags.model == null) {
            DemoRun.run(options, flags.eval || true);
            return 0;
        }
        new AutoRound(options, System.err).quantizeAndSave();
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
