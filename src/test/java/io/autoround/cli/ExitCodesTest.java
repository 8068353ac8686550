package io.autoround.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.model.config.ConfigException;
import org.junit.jupiter.api.Test;

/** Exit codes and one-line messages by cause: bad input 2, anything else 1, internal errors named as such. */
class ExitCodesTest {
    @Test
    void badInputExitsTwoWithItsMessage() {
        assertEquals(2, ExitCodes.of(new IllegalArgumentException("lr must be a finite number > 0, got NaN")));
        assertEquals(2, ExitCodes.of(new UnsupportedOperationException("not implemented yet: x")));
        assertEquals(2, ExitCodes.of(new ConfigException(java.nio.file.Path.of("config.json"), "bad")));
        assertEquals("error: lr must be > 0", ExitCodes.message(new IllegalArgumentException("lr must be > 0")));
    }

    @Test
    void unexpectedExceptionsAreInternalErrorsWithoutATrace() {
        String m = ExitCodes.message(new ClassCastException("class java.lang.String cannot be cast to class java.lang.Number"));
        assertEquals(1, ExitCodes.of(new NullPointerException()));
        assertTrue(m.startsWith("internal error: ClassCastException: "), m);
        assertTrue(m.contains("AR_DEBUG=1"), m);
        assertTrue(ExitCodes.message(new NullPointerException()).startsWith("internal error: NullPointerException"));
    }

    @Test
    void runningOutOfMemoryOrStackSaysWhatToLower() {
        assertTrue(ExitCodes.message(new OutOfMemoryError("Java heap space")).contains("--batch_size"));
        assertTrue(ExitCodes.message(new StackOverflowError()).contains("-Xss"));
    }
}
