package io.autoround.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Peak and current RSS read from /proc/self/status. */
class HostMemoryTest {
    @TempDir
    Path tmp;

    @Test
    void parsesKilobyteFieldsAndReportsUnknownOtherwise() throws IOException {
        Path status = tmp.resolve("status");
        Files.writeString(status, "Name:\tjava\nVmPeak:\t 9000 kB\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n");
        assertEquals(OptionalLong.of(204800L * 1024), HostMemory.field(status, "VmHWM"));
        assertEquals(OptionalLong.of(102400L * 1024), HostMemory.field(status, "VmRSS"));
        assertEquals(OptionalLong.empty(), HostMemory.field(status, "VmSwap"));
        assertEquals(OptionalLong.empty(), HostMemory.field(tmp.resolve("missing"), "VmHWM"));
    }

    @Test
    void peakIsAtLeastTheCurrentResidentSetAndGrowsWithTouchedMemory() {
        long before = HostMemory.peakRssBytes().orElseThrow();
        byte[] big = new byte[256 << 20];
        for (int i = 0; i < big.length; i += 4096) {
            big[i] = 1; // touch every page so it becomes resident
        }
        long rss = HostMemory.rssBytes().orElseThrow();
        long after = HostMemory.peakRssBytes().orElseThrow(); // read second: the peak cannot be below an earlier RSS
        assertTrue(rss <= after, rss + " > " + after);
        assertTrue(after >= before && after > 200L << 20, "peak " + after + " after touching 256 MiB (before " + before + ")");
        assertTrue(HostMemory.peakRssSummary().matches("peak RSS \\d+\\.\\d\\d GiB"), HostMemory.peakRssSummary());
        assertEquals(1, big[4096]);
    }
}
