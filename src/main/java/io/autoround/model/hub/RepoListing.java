package io.autoround.model.hub;

import java.util.List;

/**
 * Files of a repo at one revision.
 *
 * @param commit id the revision resolved to; names the snapshot folder
 * @param immutable true when {@code commit} is a real commit hash whose content never changes (Hugging Face), so
 *     files already in its snapshot need no network check; false when it is a branch name (ModelScope)
 * @param files the files at that revision
 */
public record RepoListing(String commit, boolean immutable, List<RemoteFile> files) {

    /** Copies the list so the listing cannot change afterwards. */
    public RepoListing {
        files = List.copyOf(files);
    }
}
