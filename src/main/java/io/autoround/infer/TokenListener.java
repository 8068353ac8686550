package io.autoround.infer;

/** Receives each generated token id as soon as it is chosen (streaming). */
@FunctionalInterface
public interface TokenListener {
    void onToken(long id);
}
