package io.autoround.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.export.CheckpointMarker;
import io.autoround.testutil.FolderSnapshot;
import io.autoround.testutil.SharedData;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Output folders never touch the model, the working directory, the home folder or foreign data; overwrite only
 * replaces checkpoints this tool wrote; stale temporary folders of killed exports are cleaned; permissions follow
 * the umask. Every refusal happens at plan time, names the folder, and leaves the model byte-identical.
 */
class OutputFolderSafetyTest {
    @TempDir
    Path tmp;
    Path model;
    Map<String, String> modelBefore;

    @BeforeEach
    void copyModel() {
        model = FolderSnapshot.copy(SharedData.model("stories260k-hf"), tmp.resolve("models").resolve("stories"));
        modelBefore = FolderSnapshot.of(model);
    }

    /** A model-free RTN run (the checkpoint goes to output_dir itself) with {@code change} applied. */
    private QuantizeOptions options(Path out, Consumer<QuantizeOptions> change) {
        QuantizeOptions o = io.autoround.testutil.RtnRuns.pureW4g32(model, out);
        change.accept(o);
        return o;
    }

    private QuantizationReport run(QuantizeOptions o) {
        return io.autoround.testutil.RtnRuns.quiet(o);
    }

    private String refused(Path out, Consumer<QuantizeOptions> change, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(options(out, change)));
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + p + "' in: " + e.getMessage());
        }
        assertEquals(modelBefore, FolderSnapshot.of(model), "model folder unchanged");
        assertEquals(List.of(), hiddenLeftovers(model.getParent()));
        assertEquals(List.of(), hiddenLeftovers(tmp));
        return e.getMessage();
    }

    private static List<String> hiddenLeftovers(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.contains(".tmp-") || n.contains(".old-")).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void modelFolderItsParentAndALinkToItAreRefusedEvenWithOverwrite() throws Exception {
        refused(model, o -> o.overwrite = true, "is the model folder " + model, "outside it");
        refused(model.getParent(), o -> o.overwrite = true, "contains the model folder");
        Path link = Files.createSymbolicLink(tmp.resolve("link-to-model"), model);
        refused(link, o -> o.overwrite = true, "is the model folder");
        // the quantize_and_save sub-folder would land inside the model folder
        refused(model, o -> o.disableOptRtn = false, "lies inside the model folder");
        // given through a symlinked path to the model itself
        refused(tmp, o -> {
            o.model = link.toString();
            o.overwrite = true;
        }, "contains the model folder");
    }

    @Test
    void aForeignNonEmptyFolderIsNeverReplacedButOurOwnCheckpointIs() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("photos"));
        Files.writeString(out.resolve("holiday.jpg"), "not a checkpoint");
        Files.writeString(out.resolve("config.json"), "{\"quantization_config\": {\"quant_method\": \"auto-round\"}}");
        Map<String, String> before = FolderSnapshot.of(out);
        refused(out, o -> { }, "already exists and is not empty", "--overwrite");
        refused(out, o -> o.overwrite = true, "not a checkpoint written by auto-round", CheckpointMarker.FILE,
                "never replaced");
        assertEquals(before, FolderSnapshot.of(out), "the user's folder is untouched");

        Path ours = tmp.resolve("q");
        run(options(ours, o -> { }));
        assertTrue(CheckpointMarker.isPresent(ours));
        refused(ours, o -> { }, "already exists and is not empty");
        Files.writeString(ours.resolve("note.txt"), "x");
        run(options(ours, o -> o.overwrite = true));
        assertFalse(Files.exists(ours.resolve("note.txt")));
        assertTrue(Files.isRegularFile(ours.resolve("model.safetensors")));
        assertEquals(modelBefore, FolderSnapshot.of(model));
    }

    @Test
    void aModelLinkingOutsideItsFolderIsRefusedBeforeAnythingIsWritten() throws Exception {
        // links must stay inside the model folder (checkpoint confinement), so the folder a stray link points into
        // can be neither replaced nor written
        Path weights = Files.createDirectories(tmp.resolve("weights"));
        Files.move(model.resolve("model.safetensors"), weights.resolve("model.safetensors"));
        Files.createSymbolicLink(model.resolve("model.safetensors"), weights.resolve("model.safetensors"));
        modelBefore = FolderSnapshot.of(model);
        Map<String, String> weightsBefore = FolderSnapshot.of(weights);
        refused(weights, o -> o.overwrite = true, "outside the model folder", "replace the link with a copy");
        refused(weights.resolve("q"), o -> { }, "outside the model folder");
        assertEquals(weightsBefore, FolderSnapshot.of(weights), "nothing written where the link points");
        assertEquals(modelBefore, FolderSnapshot.of(model));
    }

    @Test
    void workingDirectoryHomeAndRootAreRefused() {
        Path cwd = Path.of("").toAbsolutePath();
        refused(Path.of(""), o -> o.overwrite = true, "the current working directory");
        refused(cwd.getParent(), o -> o.overwrite = true, "a folder above the current working directory");
        refused(Path.of(System.getProperty("user.home")), o -> o.overwrite = true, "the home folder");
        refused(Path.of("/"), o -> o.overwrite = true, "a filesystem root");
    }

    @Test
    void hubCacheRepoFolderAndBlobsAreProtected() throws Exception {
        Path repo = tmp.resolve("hub").resolve("models--org--stories");
        Path blobs = Files.createDirectories(repo.resolve("blobs"));
        Path snap = Files.createDirectories(repo.resolve("snapshots").resolve("0123abcd"));
        try (Stream<Path> s = Files.list(model)) {
            for (Path f : s.toList()) {
                Path blob = Files.copy(f, blobs.resolve("etag-" + f.getFileName()));
                Files.createSymbolicLink(snap.resolve(f.getFileName().toString()), Path.of("../../blobs").resolve(blob.getFileName()));
            }
        }
        Map<String, String> repoBefore = FolderSnapshot.of(repo);
        for (Path out : List.of(repo, blobs, repo.resolve("snapshots"), snap.resolve("q"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> run(options(out, o -> {
                        o.model = snap.toString();
                        o.overwrite = true;
                    })));
            assertTrue(e.getMessage().contains("the model folder " + snap), e.getMessage());
        }
        assertEquals(repoBefore, FolderSnapshot.of(repo));
        // a sibling folder of the cache is fine
        Path out = tmp.resolve("hub").resolve("q");
        run(options(out, o -> o.model = snap.toString()));
        assertTrue(Files.isRegularFile(out.resolve("model.safetensors")));
        assertEquals(repoBefore, FolderSnapshot.of(repo));
    }

    @Test
    void staleTemporaryFoldersOfDeadProcessesAreCleanedAndAReplacedCheckpointRestored() throws Exception {
        long dead = deadPid();
        Path out = tmp.resolve("out");
        Files.createDirectories(tmp.resolve(".out.tmp-" + dead + "-abc")).resolve("x");
        Files.writeString(tmp.resolve(".out.tmp-" + dead + "-abc").resolve("model.safetensors"), "partial");
        // killed between the two renames of an overwrite: the previous checkpoint waits in .old-, the target is gone
        Path old = Files.createDirectories(tmp.resolve(".prev.old-" + dead + "-k1"));
        Files.writeString(old.resolve("model.safetensors"), "previous checkpoint");
        Path live = Files.createDirectories(tmp.resolve(".other.tmp-" + ProcessHandle.current().pid() + "-z9"));
        run(options(out, o -> { }));
        assertFalse(Files.exists(tmp.resolve(".out.tmp-" + dead + "-abc")), "stale temp folder removed");
        assertEquals("previous checkpoint", Files.readString(tmp.resolve("prev").resolve("model.safetensors")),
                "an interrupted swap is rolled back");
        assertTrue(Files.isDirectory(live), "a live process's temp folder is left alone");
        assertEquals(List.of(live.getFileName().toString()), hiddenLeftovers(tmp));
    }

    @Test
    void exportedFoldersAndFilesFollowTheUmask() throws Exception {
        Path out = tmp.resolve("perm");
        run(options(out, o -> { }));
        Path probeDir = Files.createDirectory(tmp.resolve("probe"));
        Path probeFile = Files.writeString(tmp.resolve("probe.txt"), "x");
        Set<PosixFilePermission> dirPerms = Files.getPosixFilePermissions(probeDir);
        Set<PosixFilePermission> filePerms = Files.getPosixFilePermissions(probeFile);
        assertEquals(dirPerms, Files.getPosixFilePermissions(out, LinkOption.NOFOLLOW_LINKS), "folder mode = umask default");
        try (Stream<Path> s = Files.list(out)) {
            for (Path f : s.toList()) {
                assertEquals(filePerms, Files.getPosixFilePermissions(f), f + " mode = umask default");
            }
        }
    }

    /** The pid of a process that has exited. */
    static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }
}
