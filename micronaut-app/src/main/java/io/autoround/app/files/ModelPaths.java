package io.autoround.app.files;

import io.autoround.app.ServiceConfig;
import io.autoround.app.web.ApiException;
import io.autoround.data.DatasetSpec;
import jakarta.inject.Singleton;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What model and dataset names a request may use: hub ids, folders/files under {@code autoround.models-root}
 * (given relative to it, or absolute but inside it), the embedded demo model and the embedded corpus.
 */
@Singleton
public class ModelPaths {
    /** Most files a model folder may hold (it is walked for links at every request). */
    static final int MAX_MODEL_ENTRIES = 10_000;
    private final Path modelsRoot;

    public ModelPaths(ServiceConfig config) {
        this.modelsRoot = config.getModelsRoot().toAbsolutePath().normalize();
    }

    /**
     * The model argument to hand to the core: null for the embedded demo, an absolute folder under the models
     * root, or a hub id. {@code field} names the request field in errors.
     */
    public String model(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Path local = localUnderRoot(field, value);
        if (local != null) {
            if (!Files.isDirectory(local)) {
                throw ApiException.badField(field, "'" + value + "' is not a model folder under the models root");
            }
            confined(field, value, modelsRoot, local);
            return local.toString();
        }
        if (PathGuard.isHubId(value)) {
            return value;
        }
        throw ApiException.badField(field, "'" + value + "' is neither a folder under the models root (" + modelsRoot
                + ") nor a hub id like 'org/name'");
    }

    /** Refuses a folder holding links that lead outside {@code root} (their content would be read and served). */
    public static void confined(String field, String value, Path root, Path dir) {
        try {
            PathGuard.checkConfined(root, dir, MAX_MODEL_ENTRIES);
        } catch (PathGuard.PathEscapeException e) {
            throw ApiException.badField(field, "'" + value + "': " + e.getMessage());
        }
    }

    /** The dataset string with local files rewritten to absolute paths under the models root. */
    public String dataset(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        for (String part : value.replaceAll("\\s+", "").split(",")) {
            if (part.isEmpty()) {
                continue;
            }
            int colon = part.indexOf(':');
            String name = colon < 0 ? part : part.substring(0, colon);
            String rest = colon < 0 ? "" : part.substring(colon);
            parts.add(datasetName(field, name) + rest);
        }
        String spec = String.join(",", parts);
        try {
            DatasetSpec.parse(spec).forEach(DatasetSpec.Entry::num);
        } catch (IllegalArgumentException e) {
            throw ApiException.badField(field, e.getMessage());
        }
        return spec;
    }

    private String datasetName(String field, String name) {
        if (name.equals("embedded")) {
            return name;
        }
        Path local = localUnderRoot(field, name);
        if (local != null && Files.isRegularFile(local)) {
            return local.toString();
        }
        if (local == null && PathGuard.isHubId(name)) {
            return name;
        }
        throw ApiException.badField(field, "dataset '" + name + "' is neither 'embedded', a file under the models root"
                + " nor a hub id like 'org/name'");
    }

    /** The real path of a local name inside the models root, or null when it names nothing there. */
    private Path localUnderRoot(String field, String value) {
        String relative = value;
        if (value.startsWith("/")) {
            Path abs = Path.of(value).normalize();
            if (!abs.startsWith(modelsRoot) || value.contains("/../") || value.endsWith("/..")) {
                throw ApiException.badField(field, "absolute path '" + value + "' is outside the models root");
            }
            relative = modelsRoot.relativize(abs).toString();
            if (relative.isEmpty()) {
                throw ApiException.badField(field, "'" + value + "' is the models root itself, not a model folder");
            }
        }
        String problem = PathGuard.problemWith(relative);
        if (problem != null) {
            throw ApiException.badField(field, "'" + value + "' " + problem);
        }
        if (!Files.isDirectory(modelsRoot)) {
            return null;
        }
        Path p;
        try {
            p = PathGuard.resolveInside(modelsRoot, relative);
        } catch (PathGuard.PathEscapeException e) {
            throw ApiException.badField(field, e.getMessage());
        }
        return Files.exists(p) ? p : null;
    }
}
