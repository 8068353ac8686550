package io.autoround.model.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The on-disk hub cache, in huggingface_hub's layout:
 * <pre>
 * {root}/models--org--name/
 *     refs/main                      text file holding the commit the branch pointed to
 *     blobs/{etag}                   file content, named by its ETag (sha256 for LFS files)
 *     blobs/{etag}.incomplete        a download in progress, resumed with an HTTP Range request
 *     snapshots/{commit}/{path}      relative symlink to ../../blobs/{etag}
 * {root}/.locks/models--org--name/{etag}.lock
 * </pre>
 * Writes go to a temporary name first and are renamed into place.
 */
public final class HubCache {

    private static final Pattern COMMIT_HASH = Pattern.compile("[0-9a-f]{40}");

    private final Path root;

    /** A cache rooted at the given folder (created on first write). */
    public HubCache(Path root) {
        this.root = root;
    }

    /** Root folder of the cache. */
    public Path root() {
        return root;
    }

    /** True when the revision is a full commit hash (snapshots named by it never change). */
    public static boolean isCommitHash(String revision) {
        return COMMIT_HASH.matcher(revision).matches();
    }

    /** {@code {root}/models--org--name}. */
    public Path repoFolder(RepoId repo, RepoType type) {
        return root.resolve(repo.cacheFolderName(type));
    }

    /** {@code blobs/{blobName}} of the repo. */
    public Path blob(RepoId repo, RepoType type, String blobName) {
        return repoFolder(repo, type).resolve("blobs").resolve(checkedName(blobName));
    }

    /** {@code blobs/{blobName}.incomplete}: partial content of an interrupted download. */
    public Path incompleteBlob(RepoId repo, RepoType type, String blobName) {
        return repoFolder(repo, type).resolve("blobs").resolve(checkedName(blobName) + ".incomplete");
    }

    /** {@code snapshots/{commit}}. */
    public Path snapshotFolder(RepoId repo, RepoType type, String commit) {
        return repoFolder(repo, type).resolve("snapshots").resolve(checkedName(commit));
    }

    /** {@code snapshots/{commit}/{path}}, refusing paths that would leave the snapshot folder. */
    public Path snapshotFile(RepoId repo, RepoType type, String commit, String path) {
        Path folder = snapshotFolder(repo, type, commit);
        Path file = folder.resolve(path).normalize();
        if (path.isEmpty() || path.startsWith("/") || path.contains("\\") || !file.startsWith(folder)
                || file.equals(folder)) {
            throw new HubException(HubException.Kind.PROTOCOL,
                    "the hub listed an unsafe file path '" + path + "' in " + repo + "; refusing to write it");
        }
        return file;
    }

    /** Lock file guarding the download of one blob against other processes. */
    public Path lockFile(RepoId repo, RepoType type, String blobName) {
        return root.resolve(".locks").resolve(repo.cacheFolderName(type)).resolve(checkedName(blobName) + ".lock");
    }

    /** Commit recorded in {@code refs/{revision}}, if any. */
    public Optional<String> readRef(RepoId repo, RepoType type, String revision) {
        Path ref = refFile(repo, type, revision);
        if (!Files.isRegularFile(ref)) {
            return Optional.empty();
        }
        try {
            String commit = Files.readString(ref, StandardCharsets.UTF_8).trim();
            return commit.isEmpty() ? Optional.empty() : Optional.of(commit);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read hub cache ref " + ref, e);
        }
    }

    /** Records that {@code revision} points to {@code commit} (temp file, then rename). */
    public void writeRef(RepoId repo, RepoType type, String revision, String commit) {
        Path ref = refFile(repo, type, revision);
        try {
            Files.createDirectories(ref.getParent());
            Path tmp = Files.createTempFile(ref.getParent(), ".ref", ".tmp");
            Files.writeString(tmp, commit, StandardCharsets.UTF_8);
            moveIntoPlace(tmp, ref);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write hub cache ref " + ref, e);
        }
    }

    /**
     * Snapshot folder for {@code revision} if it is in the cache: a commit hash with an existing snapshot, or a
     * branch/tag whose {@code refs} entry points to an existing snapshot.
     */
    public Optional<Path> cachedSnapshot(RepoId repo, RepoType type, String revision) {
        if (isCommitHash(revision)) {
            Path folder = snapshotFolder(repo, type, revision);
            if (Files.isDirectory(folder)) {
                return Optional.of(folder);
            }
        }
        return readRef(repo, type, revision)
                .map(commit -> snapshotFolder(repo, type, commit))
                .filter(Files::isDirectory);
    }

    /**
     * Points {@code snapshots/{commit}/{path}} at {@code blobs/{blobName}} with a relative symlink (replacing any
     * older link); copies the blob when the file system has no symlinks.
     */
    public Path linkSnapshotFile(RepoId repo, RepoType type, String commit, String path, String blobName) {
        Path pointer = snapshotFile(repo, type, commit, path);
        Path blob = blob(repo, type, blobName);
        try {
            Files.createDirectories(pointer.getParent());
            Path target = pointer.getParent().relativize(blob);
            if (Files.isSymbolicLink(pointer) && Files.readSymbolicLink(pointer).equals(target)) {
                return pointer;
            }
            // a temp name of this call's own: concurrent snapshots of one repo link the same files at the same time
            Path tmp = pointer.resolveSibling("." + pointer.getFileName() + ".link-" + ProcessHandle.current().pid() + "-"
                    + Thread.currentThread().threadId() + "-" + System.nanoTime() + ".tmp");
            try {
                Files.createSymbolicLink(tmp, target);
            } catch (UnsupportedOperationException | FileSystemException noSymlinks) {
                Files.copy(blob, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            try {
                moveIntoPlace(tmp, pointer);
            } catch (IOException raced) {
                Files.deleteIfExists(tmp);
                if (!isPresent(pointer)) {
                    throw raced;
                }
            }
            return pointer;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot link " + pointer + " to " + blob, e);
        }
    }

    /** True when the snapshot entry exists and resolves to an existing blob. */
    public static boolean isPresent(Path pointer) {
        return Files.exists(pointer) && !Files.isDirectory(pointer, LinkOption.NOFOLLOW_LINKS);
    }

    private Path refFile(RepoId repo, RepoType type, String revision) {
        Path refs = repoFolder(repo, type).resolve("refs");
        Path ref = refs.resolve(revision).normalize();
        if (revision.isEmpty() || !ref.startsWith(refs) || ref.equals(refs)) {
            throw new HubException(HubException.Kind.INVALID_INPUT, "'" + revision + "' is not a valid revision");
        }
        return ref;
    }

    static void moveIntoPlace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String checkedName(String name) {
        if (name == null || name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals(".")
                || name.equals("..")) {
            throw new HubException(HubException.Kind.PROTOCOL, "invalid cache entry name '" + name + "'");
        }
        return name;
    }
}
