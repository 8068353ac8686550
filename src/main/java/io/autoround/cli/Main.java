package io.autoround.cli;

import io.autoround.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code auto-round} command line. */
@Command(name = "auto-round", mixinStandardHelpOptions = true, version = "auto-round " + Version.VERSION,
        description = "Quantize LLMs to 2-8 bits with SignRound, and run them.")
public final class Main implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
