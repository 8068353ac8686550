package io.autoround.model.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Hugging Face hub protocol, as huggingface_hub speaks it.
 * <ul>
 * <li>listing: {@code GET {endpoint}/api/{models|datasets}/{repo}/revision/{rev}} returns JSON with {@code sha}
 * (the commit) and {@code siblings[].rfilename};</li>
 * <li>file metadata: {@code HEAD {endpoint}/{datasets/}{repo}/resolve/{commit}/{path}} following only relative
 * redirects; the ETag is {@code X-Linked-Etag} (LFS files: the sha256 of the content) or {@code ETag}, the size is
 * {@code X-Linked-Size} or {@code Content-Length}; a redirect's {@code Location} is where to download.</li>
 * </ul>
 */
final class HuggingFaceProtocol implements HubProtocol {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final HubHttp http;
    private final ObjectMapper json = new ObjectMapper();

    HuggingFaceProtocol(HubHttp http) {
        this.http = http;
    }

    @Override
    public RepoListing list(RepoId repo, RepoType type, String revision) {
        String what = HubProtocol.describe(repo, type, revision);
        URI uri = URI.create(http.settings().endpoint() + "/api/" + type.plural() + "/" + repo + "/revision/"
                + UrlCodec.segment(revision));
        byte[] body = http.get(uri, Map.of(), HttpResponse.BodyHandlers.ofByteArray(), what).body();
        JsonNode root = parse(body, what);
        String sha = root.path("sha").asText("");
        if (!HubCache.isCommitHash(sha)) {
            throw new HubException(HubException.Kind.PROTOCOL,
                    "the hub answer for " + what + " has no commit sha (got '" + sha + "')");
        }
        List<RemoteFile> files = new ArrayList<>();
        for (JsonNode sibling : root.path("siblings")) {
            String name = sibling.path("rfilename").asText("");
            if (!name.isEmpty()) {
                files.add(new RemoteFile(name, sibling.path("size").asLong(-1), null));
            }
        }
        return new RepoListing(sha, true, files);
    }

    @Override
    public FileLocation locate(RepoId repo, RepoType type, String commit, RemoteFile file) {
        String what = "file " + file.path() + " of " + HubProtocol.describe(repo, type, commit);
        URI resolve = URI.create(http.settings().endpoint() + "/" + type.urlPrefix() + repo + "/resolve/"
                + UrlCodec.segment(commit) + "/" + UrlCodec.path(file.path()));
        HttpResponse<Void> head = http.head(resolve, what);
        HttpHeaders headers = head.headers();
        String etag = header(headers, "X-Linked-Etag").or(() -> header(headers, "ETag"))
                .map(HuggingFaceProtocol::normalizeEtag)
                .orElseThrow(() -> new HubException(HubException.Kind.PROTOCOL, "the hub sent no ETag for " + what
                        + "; cannot store it in the cache (is HF_ENDPOINT a real hub or mirror?)"));
        boolean redirect = head.statusCode() >= 300;
        long size = header(headers, "X-Linked-Size")
                .or(() -> redirect ? Optional.empty() : header(headers, "Content-Length"))
                .map(HuggingFaceProtocol::parseSize).orElse(-1L);
        URI download = redirect ? head.uri().resolve(header(headers, "Location").orElseThrow()) : head.uri();
        String sha256 = SHA256.matcher(etag).matches() ? etag : null;
        return new FileLocation(download, etag, size, sha256);
    }

    /** Strips the weak-validator prefix and the quotes, as huggingface_hub's {@code _normalize_etag}. */
    static String normalizeEtag(String etag) {
        String e = etag.trim();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
            e = e.substring(1, e.length() - 1);
        }
        return e;
    }

    private JsonNode parse(byte[] body, String what) {
        try {
            return json.readTree(body);
        } catch (IOException e) {
            throw new HubException(HubException.Kind.PROTOCOL, "the hub answer for " + what + " is not JSON", e);
        }
    }

    private static Optional<String> header(HttpHeaders headers, String name) {
        return headers.firstValue(name).filter(v -> !v.isBlank());
    }

    private static long parseSize(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
