package io.autoround.api;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;

/**
 * The reference's {@code device_map} for tuning: {@code "0"} (its default) or {@code "cuda:0"} = that GPU,
 * {@code "auto"} = the first GPU, {@code "cpu"} = the CPU. When no GPU exists the CPU is used and the run says so.
 * Multi-device maps ({@code "0,1"}) tune on the first device.
 */
public final class DeviceMap {
    private DeviceMap() {}

    public static Device resolve(String deviceMap, java.io.PrintStream log) {
        String d = deviceMap == null ? "0" : deviceMap.trim().toLowerCase(Locale.ROOT);
        if (d.equals("cpu")) {
            return Device.cpu();
        }
        int gpu;
        if (d.equals("auto") || d.equals("cuda") || d.equals("gpu")) {
            gpu = 0;
        } else {
            String first = d.split(",")[0].replace("cuda:", "").replace("gpu:", "").trim();
            try {
                gpu = Integer.parseInt(first);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad device_map '" + deviceMap + "': expected cpu, auto, 0, cuda:0 or 0,1");
            }
        }
        int available = Engine.getInstance().getGpuCount();
        if (gpu < available) {
            return Device.gpu(gpu);
        }
        if (!d.equals("0") && !d.equals("auto")) {
            throw new IllegalArgumentException("device_map '" + deviceMap + "' names GPU " + gpu + " but " + available
                    + " GPU(s) are visible");
        }
        log.println("no GPU visible: tuning on the CPU");
        return Device.cpu();
    }
}
