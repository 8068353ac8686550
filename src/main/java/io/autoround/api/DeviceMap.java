package io.autoround.api;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;

/**
 * The reference's {@code device_map} for tuning: {@code "0"} (its default) or {@code "cuda:0"} = that GPU,
 * {@code "auto"} = the first GPU, {@code "cpu"} = the CPU. When no GPU exists the CPU is used and the run says so.
 * Multi-device maps ({@code "0,1"}) are checked against the visible GPUs and tune on the first one, with a line
 * that says so (spreading a block's layers over several GPUs, as the reference does for memory, is not built yet).
 */
public final class DeviceMap {
    private DeviceMap() {}

    public static Device resolve(String deviceMap, java.io.PrintStream log) {
        String d = deviceMap == null ? "0" : deviceMap.trim().toLowerCase(Locale.ROOT);
        if (d.equals("cpu")) {
            return Device.cpu();
        }
        boolean anyGpu = d.equals("auto") || d.equals("cuda") || d.equals("gpu");
        String[] listed = anyGpu ? new String[] {"0"} : d.split(",");
        int gpu = parseIndex(listed[0], deviceMap);
        int available = Engine.getInstance().getGpuCount();
        if (gpu < available) {
            for (String other : listed) {
                int index = parseIndex(other, deviceMap);
                if (index >= available) {
                    throw new IllegalArgumentException("device_map '" + deviceMap + "' names GPU " + index + " but "
                            + available + " GPU(s) are visible");
                }
            }
            if (listed.length > 1) {
                log.println("device_map '" + deviceMap + "': tuning on GPU " + gpu + " only (blocks are not spread over "
                        + "several GPUs yet)");
            }
            return Device.gpu(gpu);
        }
        if (!d.equals("0") && !d.equals("auto")) {
            throw new IllegalArgumentException("device_map '" + deviceMap + "' names GPU " + gpu + " but " + available
                    + " GPU(s) are visible");
        }
        log.println("no GPU visible: tuning on the CPU");
        return Device.cpu();
    }

    private static int parseIndex(String entry, String deviceMap) {
        try {
            return Integer.parseInt(entry.replace("cuda:", "").replace("gpu:", "").trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad device_map '" + deviceMap + "': expected cpu, auto, 0, cuda:0 or 0,1");
        }
    }
}
