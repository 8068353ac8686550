package io.autoround.model.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The ModelScope hub protocol (modelscope {@code hub/api.py} and {@code hub/file_download.py}).
 * <ul>
 * <li>model listing: {@code GET {endpoint}/api/v1/models/{repo}/repo/files?Revision={rev}&Recursive=true};</li>
 * <li>dataset listing, paged: {@code GET {endpoint}/api/v1/datasets/{owner}/{name}/repo/tree?Revision={rev}
 * &Root=/&Recursive=True&PageNumber={n}&PageSize=100};</li>
 * <li>both answer {@code {"Code":200,"Data":{"Files":[{"Path","Type","Size","Sha256",...}]}}};
 * entries of Type {@code tree} are folders; {@code .gitignore}/{@code .gitattributes} are skipped;</li>
 * <li>file content: {@code GET {endpoint}/api/v1/{models/{repo}|datasets/{owner}/{name}}/repo?Revision={rev}
 * &FilePath={path}}, supporting {@code Range}.</li>
 * </ul>
 * ModelScope names no commit for a branch, so the snapshot folder is named by the revision itself and the
 * listing is re-read on every online call; blobs are keyed by the listed sha256, which is also checked.
 */
final class ModelScopeProtocol implements HubProtocol {

    private static final int PAGE_SIZE = 100;
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

    private final HubHttp http;
    private final ObjectMapper json = new ObjectMapper();

    ModelScopeProtocol(HubHttp http) {
        this.http = http;
    }

    @Override
    public RepoListing list(RepoId repo, RepoType type, String revision) {
        String what = "ModelScope " + HubProtocol.describe(repo, type, revision);
        List<RemoteFile> files = new ArrayList<>();
        if (type == RepoType.MODEL) {
            URI uri = URI.create(http.settings().endpoint() + "/api/v1/models/" + repo + "/repo/files?Revision="
                    + UrlCodec.query(revision) + "&Recursive=true");
            collect(fetch(uri, what), files);
        } else {
            requireOwner(repo);
            for (int page = 1; ; page++) {
                URI uri = URI.create(http.settings().endpoint() + "/api/v1/datasets/" + repo.owner() + "/"
                        + repo.name() + "/repo/tree?Revision=" + UrlCodec.query(revision)
                        + "&Root=%2F&Recursive=True&PageNumber=" + page + "&PageSize=" + PAGE_SIZE);
                JsonNode entries = fetch(uri, what);
                collect(entries, files);
                if (entries.size() < PAGE_SIZE) {
                    break;
                }
            }
        }
        return new RepoListing(revision, false, files);
    }

    @Override
    public FileLocation locate(RepoId repo, RepoType type, String commit, RemoteFile file) {
        String base = type == RepoType.MODEL ? "/api/v1/models/" + repo
                : "/api/v1/datasets/" + repo.owner() + "/" + repo.name();
        URI url = URI.create(http.settings().endpoint() + base + "/repo?Revision=" + UrlCodec.query(commit)
                + "&FilePath=" + UrlCodec.query(file.path()));
        String sha = file.sha256() == null ? null : file.sha256().toLowerCase(Locale.ROOT);
        // Without a listed sha256 the content key must still change when the file does: hash path+rev+size.
        String blobName = sha != null ? sha : "unhashed-" + sha256Hex(commit + "\0" + file.path() + "\0" + file.size());
        return new FileLocation(url, blobName, file.size(), sha);
    }

    /** GETs one listing page and returns its {@code Data.Files} array after checking {@code Code}. */
    private JsonNode fetch(URI uri, String what) {
        byte[] body = http.get(uri, Map.of(), HttpResponse.BodyHandlers.ofByteArray(), what).body();
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (IOException e) {
            throw new HubException(HubException.Kind.PROTOCOL, "the ModelScope answer for " + what + " is not JSON", e);
        }
        int code = root.path("Code").asInt(-1);
        if (code != 200) {
            String message = root.path("Message").asText("");
            String lower = message.toLowerCase(Locale.ROOT);
            HubException.Kind kind = code == 404 || lower.contains("not exist") || lower.contains("not found")
                    ? HubException.Kind.NOT_FOUND : HubException.Kind.PROTOCOL;
            throw new HubException(kind, what + " could not be listed at " + http.settings().endpoint()
                    + ": ModelScope answered Code " + code + " '" + message + "'");
        }
        JsonNode entries = root.path("Data").path("Files");
        if (!entries.isArray()) {
            throw new HubException(HubException.Kind.PROTOCOL, "the ModelScope answer for " + what
                    + " has no Data.Files list");
        }
        return entries;
    }

    private static void collect(JsonNode entries, List<RemoteFile> files) {
        for (JsonNode entry : entries) {
            String path = entry.path("Path").asText("");
            String name = entry.path("Name").asText(path);
            if (path.isEmpty() || "tree".equals(entry.path("Type").asText())
                    || name.equals(".gitignore") || name.equals(".gitattributes")) {
                continue;
            }
            String sha = entry.path("Sha256").asText("");
            files.add(new RemoteFile(path, entry.path("Size").asLong(-1), SHA256.matcher(sha).matches() ? sha : null));
        }
    }

    private static void requireOwner(RepoId repo) {
        if (repo.owner().isEmpty()) {
            throw new HubException(HubException.Kind.INVALID_INPUT,
                    "ModelScope dataset ids need an owner ('owner/name'), got '" + repo + "'");
        }
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
