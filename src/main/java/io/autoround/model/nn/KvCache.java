package io.autoround.model.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Keys and values of earlier positions for incremental decoding, per layer [batch, kvHeads, past, headDim] (after
 * RoPE, before the key/value heads are repeated). The cache owns its arrays; closing it frees them.
 */
public final class KvCache implements AutoCloseable {
    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    // one sub-manager per layer, replaced on every append: it holds the layer's keys/values and whatever the
    // attention derived from them during the step, so both are freed together at the next step
    private final NDManager[] layerManagers;

    public KvCache(int layers, Device device) {
        this.manager = NDManager.newBaseManager(device, "PyTorch");
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
        this.layerManagers = new NDManager[layers];
    }

    /** Cached positions (0 when empty). */
    public int length() {
        return keys[0] == null ? 0 : Math.toIntExact(keys[0].getShape().get(2));
    }

    /** Appends new keys/values of one layer and returns the full ones {keys, values}, still owned by the cache. */
    NDArray[] append(int layer, NDArray k, NDArray v) {
        NDArray fullK = keys[layer] == null ? k.duplicate() : keys[layer].concat(k, 2);
        NDArray fullV = values[layer] == null ? v.duplicate() : values[layer].concat(v, 2);
        NDManager next = manager.newSubManager();
        fullK.attach(next);
        fullV.attach(next);
        if (layerManagers[layer] != null) {
            layerManagers[layer].close();
        }
        layerManagers[layer] = next;
        keys[layer] = fullK;
        values[layer] = fullV;
        return new NDArray[] {fullK, fullV};
    }

    @Override
    public void close() {
        manager.close();
    }
}
