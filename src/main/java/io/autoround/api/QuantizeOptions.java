package io.autoround.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every option of a quantization run, with the reference's names (in camelCase) and defaults. Front doors (CLI,
 * Python facade, HTTP service) fill this object and hand it to {@link AutoRound}; nothing else holds options.
 * Null means "not set": recipes and scheme presets fill those.
 */
public final class QuantizeOptions implements Cloneable {
    // model and data
    public String model;
    /**
     * Hub of a model given as a hub id: "hf" (Hugging Face) or "model_scope" (ModelScope, as the reference's
     * platform="model_scope"); null follows the environment ({@code AR_USE_MODELSCOPE}).
     */
    public String platform;
    public String dataset;
    public Integer seqlen;
    public Integer nsamples;
    public Integer batchSize;
    public long seed = 42;
    public String deviceMap = "0";
    public String modelDtype;

    // scheme
    public String scheme = "W4A16";
    public Integer bits;
    public Integer groupSize;
    public Boolean sym;
    public String dataType;
    public Integer actBits;
    public Integer actGroupSize;
    public Boolean actSym;
    public String actDataType;
    public Boolean actDynamic;
    public Integer superBits;
    public Integer superGroupSize;
    public String scaleDtype;
    public Map<String, Object> layerConfig = new LinkedHashMap<>();
    public String ignoreLayers = "";
    public boolean quantLmHead;
    public String toQuantBlockNames;

    // SignRound
    public Integer iters;
    public Double lr;
    public Double minmaxLr;
    public double momentum;
    public int nblocks = 1;
    public boolean enableMinmaxTuning = true;
    public boolean enableNormBiasTuning;
    public Integer gradientAccumulateSteps;
    public boolean enableAlgExt;
    public boolean notUseBestMse;
    public int dynamicMaxGap = -1;
    public boolean enableQuantedInput = true;
    public boolean enableAdam;
    public boolean enableDeterministicAlgorithms;
    /** Mixed precision on a GPU: the block runs in half precision, parameters and loss stay fp32 (CPU: no effect). */
    public boolean amp = true;

    // RTN
    public Boolean disableOptRtn;
    /** Optimized-RTN error weighting: "uniform" (default, no calibration needed) or "imatrix" (the reference's). */
    public String optRtnWeighting;
    /**
     * The reference's disable_model_free: pure RTN of a supported INT/MXFP scheme then takes the regular
     * block-wise flow (bf16 arithmetic on a bf16 model, model sub-folder) instead of the model-free fast path.
     */
    public boolean disableModelFree;

    // memory
    public boolean lowGpuMemUsage;
    /**
     * The reference's low_cpu_mem_usage (default on): calibrated runs read each decoder block's weights from the
     * checkpoint when its turn comes and free them after it is quantized, so host memory holds one block, not the
     * model in fp32. Off loads every weight up front; the output is the same either way.
     */
    public boolean lowCpuMemUsage = true;

    // output
    public List<String> formats = new ArrayList<>(List.of("auto_round"));
    public String outputDir = "./tmp_autoround";
    public boolean overwrite;
    public long maxShardBytes = 5L * 1000 * 1000 * 1000;

    /**
     * Mixed-precision search (the reference's {@code scheme=AutoScheme(...)}): when set, {@link #scheme} is ignored
     * and each layer gets the candidate that meets the bit budget with the least estimated loss.
     */
    public io.autoround.autoscheme.AutoSchemeConfig autoScheme;
    /** Extra UTF-8 files (name to content) written into every output folder, e.g. auto_scheme.json. */
    public Map<String, String> sideFiles = new LinkedHashMap<>();

    // evaluation after quantization
    public String evalText;
    public int evalSeqlen = 256;

    /** Effective value of iters (reference default 200). */
    public int itersOrDefault() {
        return iters == null ? 200 : iters;
    }

    public int seqlenOrDefault() {
        return seqlen == null ? 2048 : seqlen;
    }

    public int nsamplesOrDefault() {
        return nsamples == null ? 128 : nsamples;
    }

    public int batchSizeOrDefault() {
        return batchSize == null ? 8 : batchSize;
    }

    public int gradientAccumulateStepsOrDefault() {
        return gradientAccumulateSteps == null ? 1 : gradientAccumulateSteps;
    }

    /** A shallow copy with its own formats list and layer_config map (for a run derived from this one). */
    public QuantizeOptions copy() {
        try {
            QuantizeOptions c = (QuantizeOptions) super.clone();
            c.formats = formats == null ? null : new ArrayList<>(formats);
            c.layerConfig = layerConfig == null ? null : new LinkedHashMap<>(layerConfig);
            c.sideFiles = sideFiles == null ? null : new LinkedHashMap<>(sideFiles);
            return c;
        } catch (CloneNotSupportedException e) {
            throw new AssertionError(e);
        }
    }
}
