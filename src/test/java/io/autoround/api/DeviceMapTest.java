package io.autoround.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** device_map spellings on a machine without a GPU (CI) and the errors for GPUs that are not there. */
class DeviceMapTest {

    @Test
    void defaultsFallBackToTheCpuAndSaySo() {
        if (Engine.getInstance().getGpuCount() > 0) {
            return; // the fallback only exists without a GPU
        }
        for (String map : new String[] {"0", "auto", null}) {
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            assertEquals(Device.cpu(), DeviceMap.resolve(map, new PrintStream(log, true, StandardCharsets.UTF_8)));
            assertTrue(log.toString(StandardCharsets.UTF_8).contains("no GPU visible"), map + ": " + log);
        }
        assertEquals(Device.cpu(), DeviceMap.resolve("cpu", System.out));
    }

    @Test
    void gpusThatAreNotThereAreNamed() {
        int visible = Engine.getInstance().getGpuCount();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DeviceMap.resolve("cuda:" + (visible + 1), System.out));
        assertTrue(e.getMessage().contains("names GPU " + (visible + 1)), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DeviceMap.resolve("0,x", System.out));
        assertThrows(IllegalArgumentException.class, () -> DeviceMap.resolve("two", System.out));
    }
}
