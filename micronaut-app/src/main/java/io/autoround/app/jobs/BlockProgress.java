package io.autoround.app.jobs;

import io.autoround.api.BlockReport;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

/** A finished block: its losses (null when not measured, e.g. for RTN) and wall time. */
@Serdeable(naming = SnakeCaseStrategy.class)
public record BlockProgress(int index, String name, int layers, @Nullable Double rtnLoss, @Nullable Double tunedLoss,
        double seconds) {

    static BlockProgress of(BlockReport r) {
        return new BlockProgress(r.index(), r.name(), r.layers(), finite(r.rtnLoss()), finite(r.tunedLoss()), r.seconds());
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
