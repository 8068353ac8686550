package io.autoround.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.api.QuantizeOptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** --disable_model_free reaches the options (the routing itself is pinned by EagerGoldenExportTest's sub-folders). */
class ModelFreeFlagCliTest {
    private static QuantizeOptions parse(String... args) {
        Main main = new Main();
        new CommandLine(main).parseArgs(args);
        return main.flags.toOptions(new LayerConfigParser());
    }

    @Test
    void disableModelFreeIsOffByDefaultAndSetByTheFlag() {
        assertFalse(parse("--iters", "0", "--disable_opt_rtn").disableModelFree);
        assertTrue(parse("--iters", "0", "--disable_opt_rtn", "--disable_model_free").disableModelFree);
    }
}
