package io.autoround.model.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Downloads repo snapshots from the Hugging Face hub (or ModelScope) into the standard hub cache and returns the
 * local snapshot folder, like huggingface_hub's {@code snapshot_download}.
 *
 * <p>Online: the revision is resolved to a commit, each wanted file is located (ETag, size, URL), its blob is
 * downloaded (resumed if partial, sha256-checked when the ETag is a sha256), linked into
 * {@code snapshots/{commit}/}, and finally {@code refs/{revision}} records the commit. Files already in an
 * immutable snapshot cost no request. Offline ({@code HF_HUB_OFFLINE}), or when the hub cannot be reached and
 * the revision was downloaded before, the cached snapshot is returned.
 */
public final class HubClient implements AutoCloseable {

    /** In-process monitors per lock file: a JVM may not take two FileLocks on one file. */
    private static final ConcurrentHashMap<Path, Object> LOCAL_LOCKS = new ConcurrentHashMap<>();


    private final HubSettings settings;
    private final HubCache cache;
    private final HubProtocol protocol;
    private final BlobDownloader downloader;
    private final DownloadProgress progress;
    private final HubHttp http;

    /** Client printing progress to stderr, retrying an interrupted file download up to 3 times. */
    public HubClient(HubSettings settings) {
        this(settings, DownloadProgress.console(System.err), 3, Duration.ofSeconds(10));
    }

    /**
     * Fully configured client.
     *
     * @param settings endpoint, token, cache folder, offline flag
     * @param progress where download progress goes ({@link DownloadProgress#quiet()} for none)
     * @param maxAttempts tries per file before giving up (each retry resumes the partial file)
     * @param connectTimeout TCP connect timeout; also bounds the wait for response headers (x3)
     */
    public HubClient(HubSettings settings, DownloadProgress progress, int maxAttempts, Duration connectTimeout) {
        this.settings = settings;
        this.cache = new HubCache(settings.cacheDir());
        this.progress = progress;
        this.http = new HubHttp(settings, connectTimeout, connectTimeout.multipliedBy(3));
        this.protocol = settings.platform() == HubPlatform.MODELSCOPE
                ? new ModelScopeProtocol(http) : new HuggingFaceProtocol(http);
        this.downloader = new BlobDownloader(http, progress, maxAttempts);
    }

    /** Client configured from this process's environment. */
    public static HubClient fromSystem() {
        return new HubClient(HubSettings.fromSystem());
    }

    /** The settings in use. */
    public HubSettings settings() {
        return settings;
    }

    /** The cache this client fills. */
    public HubCache cache() {
        return cache;
    }

    /**
     * Local snapshot folder of {@code repoId} at {@code revision}, downloading the files matching
     * {@code allowPatterns} (fnmatch globs; null or empty = all files) that are not cached yet.
     *
     * @param revision branch, tag or commit; null = the platform default ({@code main} / {@code master})
     */
    public Path snapshot(String repoId, RepoType type, String revision, List<String> allowPatterns) {
        AllowPatterns allow = AllowPatterns.of(allowPatterns);
        return fetch(repoId, type, revision, allow::allows, "matches " + allow.patterns());
    }

    /**
     * Local path of one file of {@code repoId} at {@code revision} (inside its snapshot folder), downloading it
     * when it is not cached yet.
     *
     * @param revision branch, tag or commit; null = the platform default
     * @param path file path inside the repo, e.g. {@code data/train-00000-of-00001.parquet}
     */
    public Path file(String repoId, RepoType type, String revision, String path) {
        Path snapshot = fetch(repoId, type, revision, path::equals, "is named '" + path + "'");
        Path file = snapshot.resolve(path);
        if (!HubCache.isPresent(file)) {
            throw new HubException(HubException.Kind.NOT_CACHED, "file " + path + " of " + type.singular() + " repo "
                    + repoId + " is not in the cached snapshot " + snapshot
                    + " (HF_HUB_OFFLINE is set or the hub is unreachable)");
        }
        return file;
    }

    /**
     * Paths of the files of {@code repoId} at {@code revision}, '/'-separated: the hub's listing when online; the
     * files of the cached snapshot when offline or when the hub cannot be reached and the revision was cached.
     * Lets callers pick files by name (e.g. a dataset split's shards) before downloading them.
     *
     * @param revision branch, tag or commit; null = the platform default
     */
    public List<String> listFiles(String repoId, RepoType type, String revision) {
        RepoId repo = new RepoId(repoId);
        String rev = revision == null || revision.isBlank() ? settings.platform().defaultRevision() : revision;
        String what = HubProtocol.describe(repo, type, rev);
        if (settings.offline()) {
            return cachedFiles(cache.cachedSnapshot(repo, type, rev).orElseThrow(() -> new HubException(
                    HubException.Kind.NOT_CACHED, what + " is not in the hub cache " + settings.cacheDir()
                            + " and HF_HUB_OFFLINE is set: download it once with network access")));
        }
        try {
            return protocol.list(repo, type, rev).files().stream().map(RemoteFile::path).toList();
        } catch (HubException e) {
            Optional<Path> cached = cache.cachedSnapshot(repo, type, rev);
            if (e.kind() == HubException.Kind.NETWORK && cached.isPresent()) {
                progress.notice("Hub not reachable (" + e.getMessage() + "); listing the cached snapshot "
                        + cached.get());
                return cachedFiles(cached.get());
            }
            throw e;
        }
    }

    /** Files present in a snapshot folder (links resolving to blobs), skipping our own hidden temp entries. */
    private static List<String> cachedFiles(Path snapshot) {
        try (var walk = Files.walk(snapshot)) {
            return walk.filter(p -> !p.equals(snapshot) && HubCache.isPresent(p)
                            && !p.getFileName().toString().startsWith(".") && Files.isRegularFile(p))
                    .map(p -> snapshot.relativize(p).toString().replace('\\', '/'))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the cached snapshot " + snapshot, e);
        }
    }

    /** Resolves the revision, downloads the wanted files, records the ref and returns the snapshot folder. */
    private Path fetch(String repoId, RepoType type, String revision, Predicate<String> wantedPath,
            String wantedDescription) {
        RepoId repo = new RepoId(repoId);
        String rev = revision == null || revision.isBlank() ? settings.platform().defaultRevision() : revision;
        String what = HubProtocol.describe(repo, type, rev);
        if (settings.offline()) {
            return cache.cachedSnapshot(repo, type, rev).orElseThrow(() -> new HubException(
                    HubException.Kind.NOT_CACHED, what + " is not in the hub cache " + settings.cacheDir()
                            + " and HF_HUB_OFFLINE is set: download it once with network access (unset"
                            + " HF_HUB_OFFLINE), or pass a local model folder instead"));
        }
        RepoListing listing;
        try {
            listing = protocol.list(repo, type, rev);
        } catch (HubException e) {
            Optional<Path> cached = cache.cachedSnapshot(repo, type, rev);
            if (e.kind() == HubException.Kind.NETWORK && cached.isPresent()) {
                progress.notice("Hub not reachable (" + e.getMessage() + "); using the cached snapshot "
                        + cached.get());
                return cached.get();
            }
            throw e;
        }
        List<RemoteFile> wanted = new ArrayList<>();
        for (RemoteFile file : listing.files()) {
            if (wantedPath.test(file.path())) {
                wanted.add(file);
            }
        }
        if (wanted.isEmpty()) {
            throw new HubException(HubException.Kind.NOT_FOUND, "no file of " + what + " " + wantedDescription
                    + " (the repo lists " + listing.files().size() + " files" + sample(listing.files()) + ")");
        }
        for (RemoteFile file : wanted) {
            fetchFile(repo, type, listing, file);
        }
        // A branch-named snapshot (ModelScope) still gets its ref, so offline lookups work the same way.
        if (!rev.equals(listing.commit()) || !listing.immutable()) {
            cache.writeRef(repo, type, rev, listing.commit());
        }
        return cache.snapshotFolder(repo, type, listing.commit());
    }

    private void fetchFile(RepoId repo, RepoType type, RepoListing listing, RemoteFile file) {
        Path pointer = cache.snapshotFile(repo, type, listing.commit(), file.path());
        if (listing.immutable() && HubCache.isPresent(pointer)) {
            return;
        }
        FileLocation location = protocol.locate(repo, type, listing.commit(), file);
        Path blob = cache.blob(repo, type, location.blobName());
        if (!Files.isRegularFile(blob)) {
            String what = "file " + file.path() + " of " + HubProtocol.describe(repo, type, listing.commit());
            withLock(cache.lockFile(repo, type, location.blobName()), () -> {
                if (!Files.isRegularFile(blob)) {
                    downloader.download(location, blob, cache.incompleteBlob(repo, type, location.blobName()),
                            file.path(), what);
                }
            });
        }
        cache.linkSnapshotFile(repo, type, listing.commit(), file.path(), location.blobName());
    }

    /** Releases the HTTP connection pool. */
    @Override
    public void close() {
        http.close();
    }

    /**
     * Serialises downloads of one blob across threads and across processes sharing the cache
     * (huggingface_hub keeps lock files under {@code .locks} too).
     */
    private static void withLock(Path lockFile, Runnable action) {
        Object monitor = LOCAL_LOCKS.computeIfAbsent(lockFile.toAbsolutePath().normalize(), p -> new Object());
        synchronized (monitor) {
            try {
                Files.createDirectories(lockFile.getParent());
                try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE); FileLock ignored = channel.lock()) {
                    action.run();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot lock " + lockFile, e);
            }
        }
    }

    private static String sample(List<RemoteFile> files) {
        if (files.isEmpty()) {
            return "";
        }
        List<String> names = files.stream().limit(5).map(RemoteFile::path).toList();
        return ", e.g. " + String.join(", ", names);
    }
}
