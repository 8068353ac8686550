package io.autoround.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The hidden folders an export keeps beside its target: {@code .<name>.tmp-<pid>-<n>} (the checkpoint being
 * written) and {@code .<name>.old-<pid>-<n>} (the previous checkpoint while overwrite swaps it). A process killed
 * mid-export leaves them behind; the next export into the same parent removes those of dead processes. A stale
 * {@code .old-} folder whose target is missing (killed between the two renames of a swap) is renamed back, so
 * the previous checkpoint is restored rather than lost.
 */
public final class StaleExportFolders {
    private static final Pattern NAME = Pattern.compile("\\.(.+)\\.(tmp|old)-(\\d+)-[0-9a-z]+");

    private StaleExportFolders() {}

    /** Name of a new temporary folder for {@code target} (unique within this process). */
    static String tempName(Path target, String kind, long n) {
        return "." + target.getFileName() + "." + kind + "-" + ProcessHandle.current().pid() + "-" + Long.toString(n, 36);
    }

    /** Cleans the stale folders in {@code parent}; returns what was removed or restored. */
    public static List<Path> clean(Path parent) {
        return clean(parent, null);
    }

    /**
     * Cleans the stale folders in {@code parent} of dead processes; with {@code onlyTarget} given, also those of
     * that target name regardless of the process (the caller knows their writer is gone, e.g. after a restart).
     */
    public static List<Path> clean(Path parent, String onlyTarget) {
        List<Path> done = new ArrayList<>();
        if (!Files.isDirectory(parent)) {
            return done;
        }
        List<Path> entries;
        try (Stream<Path> s = Files.list(parent)) {
            entries = s.toList();
        } catch (IOException e) {
            return done;
        }
        for (Path p : entries) {
            Matcher m = NAME.matcher(p.getFileName().toString());
            if (!m.matches() || !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            boolean named = m.group(1).equals(onlyTarget);
            if (!named && (onlyTarget != null || alive(Long.parseLong(m.group(3))))) {
                continue;
            }
            try {
                Path target = parent.resolve(m.group(1));
                if (m.group(2).equals("old") && !Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                    Files.move(p, target, StandardCopyOption.ATOMIC_MOVE); // restore the replaced checkpoint
                } else {
                    OutputFolder.deleteTree(p);
                }
                done.add(p);
            } catch (IOException | RuntimeException e) {
                // best effort: a folder we cannot remove now is tried again by the next export
            }
        }
        return done;
    }

    private static boolean alive(long pid) {
        return pid == ProcessHandle.current().pid() || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
