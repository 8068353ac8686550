package io.autoround.data.hub;

import io.autoround.data.HubDatasetLoader;
import io.autoround.model.files.ModelRoot;
import io.autoround.model.hub.HubClient;
import io.autoround.model.hub.HubException;
import io.autoround.model.hub.HubPlatform;
import io.autoround.model.hub.HubSettings;
import io.autoround.model.hub.RepoId;
import io.autoround.model.hub.RepoType;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Calibration text from hub datasets: resolves the name with {@link HubDatasetRegistry}, lists the dataset repo,
 * picks the requested splits' data files by the hub's naming conventions ({@link SplitFiles}), downloads only those
 * into the hub cache through {@link HubClient}, and reads the text column(s) with DuckDB. A repo with no data
 * files on its default branch is read from the hub's {@value #PARQUET_REVISION} branch.
 *
 * <p>Failures: an unreachable hub, or offline mode without the files cached, raise
 * {@link HubUnavailableException} so calibration falls back to the embedded corpus (and says so). A dataset the user
 * named that does not exist or is not accessible (404 / 401) is an {@link IllegalArgumentException} naming it,
 * except for the default dataset, which also falls back.
 */
public final class HubDatasets implements HubDatasetLoader, AutoCloseable {

    /** The branch where the Hugging Face hub keeps every dataset converted to parquet. */
    public static final String PARQUET_REVISION = "refs/convert/parquet";

    private final HubClient huggingFace;
    private final HubClient modelScope;
    private final PrintStream log;

    /**
     * @param huggingFace client for Hugging Face hosted datasets
     * @param modelScope client for ModelScope hosted datasets ({@code swift/pile-val-backup})
     * @param log where notices go (e.g. which shards are read)
     */
    public HubDatasets(HubClient huggingFace, HubClient modelScope, PrintStream log) {
        this.huggingFace = huggingFace;
        this.modelScope = modelScope;
        this.log = log;
    }

    /** Clients configured from this process's environment (the ModelScope one with {@code AR_USE_MODELSCOPE=1}). */
    public static HubDatasets fromSystem(PrintStream log) {
        Map<String, String> env = new HashMap<>(System.getenv());
        HubClient hf = new HubClient(HubSettings.fromEnvironment(env));
        env.put("AR_USE_MODELSCOPE", "1");
        return new HubDatasets(hf, new HubClient(HubSettings.fromEnvironment(env)), log);
    }

    @Override
    public List<String> load(String name, List<String> splits) {
        HubDatasetEntry entry = HubDatasetRegistry.resolve(name);
        List<String> wanted = entry.splitsFor(splits);
        if (entry.splitFixed() && splits != null && !splits.isEmpty() && !splits.equals(wanted)) {
            log.println("note: dataset " + entry.repoId() + " always reads split " + wanted
                    + " (as the reference does); split " + splits + " ignored");
        }
        HubClient client = entry.platform() == HubPlatform.MODELSCOPE ? modelScope : huggingFace;
        try {
            Selection chosen = filesOf(client, entry, wanted, name);
            Path snapshot = client.snapshot(entry.repoId(), RepoType.DATASET, chosen.revision(),
                    exactPatterns(chosen.files()));
            ModelRoot root = ModelRoot.of(snapshot); // listed names stay inside the dataset's cache folder
            List<Path> local = chosen.files().stream()
                    .map(f -> root.resolve(f, "the file listing of " + entry.repoId())).toList();
            List<String> texts = DatasetFileReader.read(local, entry.text(), entry.maxRows(), entry.repoId());
            if (texts.isEmpty()) {
                throw new IllegalArgumentException("dataset " + entry.repoId() + " split(s) " + wanted
                        + " has no row with text in column(s) " + entry.text().columns());
            }
            return texts;
        } catch (HubException e) {
            throw failure(e, name, entry);
        }
    }

    /** Files to read and the revision holding them (null = the default branch). */
    private record Selection(String revision, List<String> files) {
    }

    /**
     * The data files of every wanted split, at most {@code maxShards} each. A repo without data files on its
     * default branch (a loading script, raw archives) is read from the hub's auto-converted parquet branch.
     */
    private Selection filesOf(HubClient client, HubDatasetEntry entry, List<String> wanted, String name) {
        String revision = null;
        if (client.settings().offline() && isCached(client, entry, PARQUET_REVISION)
                && !isCached(client, entry, client.settings().platform().defaultRevision())) {
            revision = PARQUET_REVISION;
        }
        List<String> repoFiles = client.listFiles(entry.repoId(), RepoType.DATASET, revision);
        if (revision == null && SplitFiles.dataFiles(repoFiles).isEmpty()
                && client.settings().platform() == HubPlatform.HUGGING_FACE) {
            revision = PARQUET_REVISION;
            List<String> mainFiles = repoFiles;
            try {
                repoFiles = client.listFiles(entry.repoId(), RepoType.DATASET, revision);
            } catch (HubException e) {
                if (e.kind() != HubException.Kind.NOT_FOUND) {
                    throw e;
                }
                throw new IllegalArgumentException("dataset '" + name + "' (" + entry.repoId() + ") has no parquet,"
                        + " json, jsonl or csv data files (files: " + sample(mainFiles) + ") and no "
                        + PARQUET_REVISION + " branch to read instead", e);
            }
        }
        Set<String> chosen = new LinkedHashSet<>();
        for (String split : wanted) {
            List<String> files = SplitFiles.select(repoFiles, split, entry.config());
            if (files.isEmpty()) {
                if (client.settings().offline()) {
                    throw new HubUnavailableException("split '" + split + "' of dataset " + entry.repoId()
                            + " is not in the hub cache and HF_HUB_OFFLINE is set", null);
                }
                throw new IllegalArgumentException("dataset '" + name + "' (" + entry.repoId() + ") has no data"
                        + " files for split '" + split + "'; splits found: " + SplitFiles.splitsNamed(repoFiles)
                        + " (files: " + sample(repoFiles) + ")");
            }
            if (entry.maxShards() > 0 && files.size() > entry.maxShards()) {
                log.println("note: dataset " + entry.repoId() + " split " + split + ": reading the first "
                        + entry.maxShards() + " of " + files.size() + " data files");
                files = files.subList(0, entry.maxShards());
            }
            chosen.addAll(files);
        }
        return new Selection(revision, new ArrayList<>(chosen));
    }

    private static boolean isCached(HubClient client, HubDatasetEntry entry, String revision) {
        return client.cache().cachedSnapshot(new RepoId(entry.repoId()), RepoType.DATASET, revision).isPresent();
    }

    private RuntimeException failure(HubException e, String name, HubDatasetEntry entry) {
        boolean unreachable = e.kind() == HubException.Kind.NETWORK || e.kind() == HubException.Kind.NOT_CACHED;
        if (unreachable || entry.repoId().equals(HubDatasetRegistry.DEFAULT_REPO)) {
            return new HubUnavailableException(e.getMessage(), e);
        }
        String hint = switch (e.kind()) {
            case UNAUTHORIZED -> " (private or gated: accept its terms on the hub and set "
                    + (entry.platform() == HubPlatform.MODELSCOPE ? "MODELSCOPE_API_TOKEN" : "HF_TOKEN") + ")";
            case NOT_FOUND -> " (check the dataset id, or pass a local .txt/.json/.jsonl file)";
            default -> "";
        };
        return new IllegalArgumentException("calibration dataset '" + name + "' (" + entry.repoId()
                + ") cannot be loaded" + hint + ": " + e.getMessage(), e);
    }

    /** fnmatch patterns matching exactly the given paths ('[' escaped as '[[]'). */
    static List<String> exactPatterns(List<String> paths) {
        return paths.stream().map(p -> p.replace("[", "[[]").replace("*", "[*]").replace("?", "[?]")).toList();
    }

    private static String sample(List<String> files) {
        List<String> head = files.stream().limit(8).toList();
        return String.join(", ", head) + (files.size() > head.size() ? ", ..." : "");
    }

    /** Releases both clients' connections. */
    @Override
    public void close() {
        huggingFace.close();
        modelScope.close();
    }
}
