package io.autoround.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tensor functions written in TorchScript and run by libtorch's graph executor, which fuses chains of elementwise
 * operations into one generated kernel on CUDA (after a profiling run or two per input shape). On the CPU the same
 * functions run operator by operator, with the same arithmetic as the equivalent DJL calls.
 *
 * <p>Each function is the {@code forward} of its own stateless module ({@link TorchScriptArchive}), compiled once per
 * device and kept for the life of the process. It runs with the caller's autograd mode and without DJL's inference
 * guard, so its outputs are ordinary tensors (they may become autograd leaves, and in-place updates of its inputs are
 * allowed); callers pass inputs that do not require gradients.
 */
public final class ScriptedFunctions {
    private static final Map<String, NDManager> DEVICE_MANAGERS = new ConcurrentHashMap<>();
    private static final Map<String, PtSymbolBlock> MODULES = new ConcurrentHashMap<>();

    private ScriptedFunctions() {}

    /**
     * Runs {@code forward} of the module {@code className} (body {@code methods}, see {@link TorchScriptArchive#of})
     * on {@code inputs}; the outputs (one tensor, or each element of a returned tuple) belong to the first input's
     * manager.
     */
    public static NDList call(String className, String methods, NDArray... inputs) {
        if (inputs.length == 0) {
            throw new IllegalArgumentException(className + ": a scripted function needs at least one input tensor");
        }
        PtSymbolBlock module = module(className, methods, inputs[0].getDevice());
        return IValueUtils.forward(module, new NDList(inputs), true);
    }

    /**
     * Runs {@code forward} of the module {@code className} for its in-place effects on {@code tensors}, with
     * {@code scalars} as its trailing {@code float} arguments (e.g. a learning rate that changes every call, which
     * would otherwise need a host-to-device copy). Runs under libtorch's inference mode, which allows in-place
     * updates of ordinary tensors; the function's result is discarded.
     */
    public static void update(String className, String methods, NDArray[] tensors, double... scalars) {
        run(className, methods, tensors, scalars).close();
    }

    /**
     * As {@link #update}, returning the function's results (one tensor, or each element of a returned tuple) on the
     * first tensor's manager. They are made under inference mode: later operations may read them, not change them in
     * place or record them for autograd.
     */
    public static NDList updateAndReturn(String className, String methods, NDArray[] tensors, double... scalars) {
        try (IValue result = run(className, methods, tensors, scalars)) {
            return result.toNDList((PtNDManager) tensors[0].getManager());
        }
    }

    private static IValue run(String className, String methods, NDArray[] tensors, double... scalars) {
        if (tensors.length == 0) {
            throw new IllegalArgumentException(className + ": a scripted function needs at least one input tensor");
        }
        PtSymbolBlock module = module(className, methods, tensors[0].getDevice());
        IValue[] args = new IValue[tensors.length + scalars.length];
        try {
            for (int i = 0; i < tensors.length; i++) {
                args[i] = IValue.from((PtNDArray) tensors[i]);
            }
            for (int i = 0; i < scalars.length; i++) {
                args[tensors.length + i] = IValue.from(scalars[i]);
            }
            return IValueUtils.runMethod(module, "forward", args);
        } finally {
            for (IValue a : args) {
                if (a != null) {
                    a.close();
                }
            }
        }
    }

    private static PtSymbolBlock module(String className, String methods, Device device) {
        String key = device + "\u0000" + className + "\u0000" + methods;
        return MODULES.computeIfAbsent(key, k -> {
            NDManager owner = DEVICE_MANAGERS.computeIfAbsent(device.toString(), d -> NDManager.newBaseManager(device));
            byte[] archive = TorchScriptArchive.of(className, methods);
            try {
                return JniUtils.loadModule((PtNDManager) owner, new ByteArrayInputStream(archive), true, false);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (RuntimeException e) {
                throw new IllegalStateException("libtorch refused the TorchScript function " + className + ": "
                        + e.getMessage(), e);
            }
        });
    }
}
