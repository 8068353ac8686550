package io.autoround.api;

/** How the weights of a run are chosen (reference-spec 1.1 and 1.14). */
public enum Algorithm {
    /** Round-to-nearest with no calibration data ({@code iters=0}, {@code disable_opt_rtn}). */
    RTN,
    /** Round-to-nearest with an importance-weighted scale search from calibration activations ({@code iters=0}). */
    OPT_RTN,
    /** Block-wise SignRound tuning ({@code iters>0}). */
    SIGN_ROUND
}
