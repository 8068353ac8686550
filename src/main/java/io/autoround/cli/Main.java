package io.autoround.cli;

import io.autoround.Version;
import io.autoround.api.AutoRound;
import io.autoround.api.DemoAssets;
import io.autoround.api.QuantizationReport;
import io.autoround.api.QuantizeOptions;
import io.autoround.api.Recipe;
import io.autoround.api.SignalCancellation;
import io.autoround.eval.Perplexity;
import java.nio.file.Path;
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
        checkEvalFlags();
        if (spec.commandLine().getParseResult().hasMatchedOption("--disable_low_cpu_mem_usage")) {
            System.err.println("auto-round: note: --disable_low_cpu_mem_usage changes nothing in this port: packed layers "
                    + "are always streamed to disk, and the output is the same");
        }
        if (flags.model == null) {
            DemoRun.run(options, spec.commandLine().getParseResult().hasMatchedOption("--output_dir"));
            return interruptedAfterWriting();
        }
        AutoRound autoRound = new AutoRound(options, System.err).withListener(new TerminalProgress(System.err));
        if (flags.eval) {
            // --eval runs after quantizing: its window must fit the model before any work starts.
            int positions = autoRound.plan().config().maxPositionEmbeddings();
            if (positions > 0 && flags.evalSeqlen > positions) {
                throw new IllegalArgumentException("--eval_seqlen " + flags.evalSeqlen + " is more than the model's "
                        + positions + " positions (max_position_embeddings)");
            }
        }
        QuantizationReport report = autoRound.quantizeAndSave();
        if (flags.eval && !SignalCancellation.requested()) {
            Path text = flags.evalText != null ? Path.of(flags.evalText) : DemoAssets.evalText();
            ProgressBar bar = new ProgressBar(System.err, "eval");
            Perplexity.Result r = AutoRound.perplexity(report.outputs().get(report.outputs().size() - 1), text,
                    flags.evalSeqlen, bar.interruptible());
            System.out.printf("perplexity of %s on %s: %.4f%n", report.outputs().get(report.outputs().size() - 1), text,
                    r.perplexity());
        }
        return interruptedAfterWriting();
    }

    /** 0, or the signal's exit code when a signal came after the last safe point (the output is complete and kept). */
    static int interruptedAfterWriting() {
        if (!SignalCancellation.requested()) {
            return 0;
        }
        System.err.println("auto-round: " + SignalCancellation.message(true));
        return SignalCancellation.exitCode();
    }

    /** --eval_text and --eval_seqlen only act with --eval; the text is read now so that a bad file fails first. */
    private void checkEvalFlags() {
        CommandLine.ParseResult pr = spec.commandLine().getParseResult();
        boolean demo = flags.model == null; // the demo always evaluates
        for (String f : new String[] {"--eval_text", "--eval_seqlen"}) {
            if (pr.hasMatchedOption(f) && !flags.eval && !demo) {
                throw new IllegalArgumentException(f + " has no effect without --eval");
            }
        }
        if (flags.evalText != null && (flags.eval || demo)) {
            io.autoround.data.TextFiles.readUtf8(Path.of(flags.evalText), "--eval_text file");
        }
    }

    /** Exit code 2 for bad input with a one-line message; the stack trace only with AR_DEBUG set. */
    static int handleError(Exception e, CommandLine cmd, CommandLine.ParseResult parseResult) {
        if (e instanceof java.util.concurrent.CancellationException && SignalCancellation.requested()) {
            cmd.getErr().println("auto-round: " + SignalCancellation.message(false));
            cmd.getErr().flush();
            return SignalCancellation.exitCode();
        }
        cmd.getErr().println("auto-round: " + ExitCodes.message(e));
        if (System.getenv("AR_DEBUG") != null) {
            e.printStackTrace(cmd.getErr());
        }
        cmd.getErr().flush();
        return ExitCodes.of(e);
    }

    /** The command line as {@link #main} runs it: one-line errors and exit codes (tests run it in-process). */
    public static CommandLine commandLine() {
        return new CommandLine(new Main()).setExecutionExceptionHandler(Main::handleError);
    }

    /**
     * Runs {@code args} and returns the exit code; running out of memory or stack is reported in one line too
     * (picocli passes Errors through), with what to lower.
     */
    public static int run(CommandLine cmd, String... args) {
        try {
            return cmd.execute(args);
        } catch (OutOfMemoryError | StackOverflowError e) {
            cmd.getErr().println("auto-round: " + ExitCodes.message(e));
            cmd.getErr().flush();
            return 1;
        }
    }

    public static void main(String[] args) {
        SignalCancellation.install();
        System.exit(run(commandLine(), args));
    }
}
