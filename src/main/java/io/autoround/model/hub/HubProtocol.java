package io.autoround.model.hub;

/** The two calls a hub must answer to fill the cache: list a repo's files, and say where one file lives. */
interface HubProtocol {

    /** Lists the files of {@code repo} at {@code revision} (branch, tag or commit). */
    RepoListing list(RepoId repo, RepoType type, String revision);

    /** Download URL, content key and checks for one listed file at {@code commit}. */
    FileLocation locate(RepoId repo, RepoType type, String commit, RemoteFile file);

    /** Human description of a repo for messages, e.g. {@code model repo org/name (revision main)}. */
    static String describe(RepoId repo, RepoType type, String revision) {
        return type.singular() + " repo " + repo + " (revision " + revision + ")";
    }
}
