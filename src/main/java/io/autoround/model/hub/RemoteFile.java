package io.autoround.model.hub;

/**
 * One file of a repo listing.
 *
 * @param path path inside the repo, '/'-separated
 * @param size size in bytes, or -1 when the listing does not say
 * @param sha256 lower-case hex sha256 of the content, or null when the listing does not say
 */
public record RemoteFile(String path, long size, String sha256) {
}
