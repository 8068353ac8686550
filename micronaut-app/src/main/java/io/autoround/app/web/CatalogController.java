package io.autoround.app.web;

import io.autoround.app.infer.BackendSelector;
import io.autoround.export.ExporterRegistry;
import io.autoround.quant.scheme.SchemePresets;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What a job may ask for: scheme presets (with their settings), export formats, inference backends. */
@Controller("/v1")
public class CatalogController {
    private final BackendSelector backends;

    public CatalogController(BackendSelector backends) {
        this.backends = backends;
    }

    /** A scheme preset and its settings (bits, group_size, sym, data_type, ...). */
    @Serdeable
    public record Scheme(String name, Map<String, Object> settings) {}

    @Get("/schemes")
    public List<Scheme> schemes() {
        return SchemePresets.names().stream().map(n -> new Scheme(n, new TreeMap<>(SchemePresets.raw(n)))).toList();
    }

    @Get("/formats")
    public List<String> formats() {
        return ExporterRegistry.names();
    }

    @Get("/backends")
    public List<String> backends() {
        return backends.names();
    }
}
