package io.autoround.app;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.nio.file.Path;

/**
 * The service's settings ({@code autoround.*}): where job outputs and job records live, which model folders
 * requests may name, the optional bearer token, and the limits that keep abusive requests out.
 */
@ConfigurationProperties("autoround")
public class ServiceConfig {
    private Path outputRoot = Path.of("autoround-service", "outputs");
    private Path stateDir = Path.of("autoround-service", "state");
    private Path modelsRoot = Path.of("autoround-service", "models");
    private String authToken = "";
    private int maxQueuedJobs = 1000;
    private int maxNsamples = 8192;
    private int maxIters = 100_000;
    private int maxSeqlen = 131_072;
    private int modelCacheSize = 2;
    private int maxNewTokens = 1024;
    private int maxTextChars = 4_000_000;
    private int maxPromptChars = 100_000;
    private int maxContextTokens = 4096;
    private long maxCalibrationTokens = 1L << 20;
    private int maxBatchTokens = 1 << 16;
    private int maxLayerConfigEntries = 4096;
    private int maxJsonDepth = 32;

    public Path getOutputRoot() { return outputRoot; }
    public void setOutputRoot(Path p) { outputRoot = p; }
    public Path getStateDir() { return stateDir; }
    public void setStateDir(Path p) { stateDir = p; }
    public Path getModelsRoot() { return modelsRoot; }
    public void setModelsRoot(Path p) { modelsRoot = p; }
    public String getAuthToken() { return authToken; }
    public void setAuthToken(String t) { authToken = t == null ? "" : t; }
    public int getMaxQueuedJobs() { return maxQueuedJobs; }
    public void setMaxQueuedJobs(int n) { maxQueuedJobs = n; }
    public int getMaxNsamples() { return maxNsamples; }
    public void setMaxNsamples(int n) { maxNsamples = n; }
    public int getMaxIters() { return maxIters; }
    public void setMaxIters(int n) { maxIters = n; }
    public int getMaxSeqlen() { return maxSeqlen; }
    public void setMaxSeqlen(int n) { maxSeqlen = n; }
    public int getModelCacheSize() { return modelCacheSize; }
    public void setModelCacheSize(int n) { modelCacheSize = n; }
    public int getMaxNewTokens() { return maxNewTokens; }
    public void setMaxNewTokens(int n) { maxNewTokens = n; }
    public int getMaxTextChars() { return maxTextChars; }
    public void setMaxTextChars(int n) { maxTextChars = n; }
    /** Longest /v1/generate prompt, in characters (checked before tokenizing). */
    public int getMaxPromptChars() { return maxPromptChars; }
    public void setMaxPromptChars(int n) { maxPromptChars = n; }
    /** Most tokens one inference window may hold: prompt + max_new_tokens, or a perplexity seqlen. */
    public int getMaxContextTokens() { return maxContextTokens; }
    public void setMaxContextTokens(int n) { maxContextTokens = n; }
    /** Most calibration tokens (nsamples x seqlen) one job may ask for. */
    public long getMaxCalibrationTokens() { return maxCalibrationTokens; }
    public void setMaxCalibrationTokens(long n) { maxCalibrationTokens = n; }
    /** Most tokens in one calibration batch (batch_size x seqlen). */
    public int getMaxBatchTokens() { return maxBatchTokens; }
    public void setMaxBatchTokens(int n) { maxBatchTokens = n; }
    /** Most entries in a job's layer_config. */
    public int getMaxLayerConfigEntries() { return maxLayerConfigEntries; }
    public void setMaxLayerConfigEntries(int n) { maxLayerConfigEntries = n; }
    /** Deepest nesting of arrays/objects accepted in a request body. */
    public int getMaxJsonDepth() { return maxJsonDepth; }
    public void setMaxJsonDepth(int n) { maxJsonDepth = n; }
}
