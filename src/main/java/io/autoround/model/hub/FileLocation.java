package io.autoround.model.hub;

import java.net.URI;

/**
 * Where to download one file and how to store and check it.
 *
 * @param url URL to GET (redirects are followed)
 * @param blobName content key: name of the file under {@code blobs/} (the normalised ETag on Hugging Face)
 * @param size expected size in bytes, or -1 when unknown
 * @param sha256 expected lower-case hex sha256, or null when it cannot be checked
 */
public record FileLocation(URI url, String blobName, long size, String sha256) {
}
