package io.autoround.model.hub;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP hub on 127.0.0.1 serving repos in the Hugging Face protocol (revision API, resolve URLs that
 * 302 LFS files to a separate "CDN" server with X-Linked-Etag/X-Linked-Size/X-Repo-Commit, git-oid ETags for
 * regular files) and in the ModelScope protocol (repo/files, repo/tree paging, repo?FilePath=). Both support
 * {@code Range}. Knobs: a required token, cutting the connection of a download after N bytes, corrupting a
 * file's served bytes, renamed-repo relative redirects. Every request is recorded. Public so tests of other
 * packages (hub calibration datasets) serve their repos from it too.
 */
public final class HubFixtureServer implements AutoCloseable {

    /** One recorded request. */
    public record Request(String server, String method, String target, String range, String authorization) {
    }

    private record Repo(String commit, Map<String, byte[]> files) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer hub;
    private final HttpServer cdn;
    private final Map<String, Repo> repos = new ConcurrentHashMap<>();
    private final Map<String, Repo> revisions = new ConcurrentHashMap<>();
    private final Map<String, String> aliases = new ConcurrentHashMap<>();
    private final Map<String, byte[]> blobsBySha = new ConcurrentHashMap<>();
    private final Map<String, Long> cutAfter = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> cutsLeft = new ConcurrentHashMap<>();
    private final Map<String, byte[]> corrupted = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile String requiredToken;

    public HubFixtureServer() throws IOException {
        hub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        cdn = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hub.createContext("/", ex -> handle("hub", ex));
        cdn.createContext("/", ex -> handle("cdn", ex));
        hub.start();
        cdn.start();
    }

    /** Base URL of the hub server. */
    public String endpoint() {
        return "http://127.0.0.1:" + hub.getAddress().getPort();
    }

    /** Adds a repo; {@code key} is e.g. {@code models/org/name} or {@code datasets/org/name}. */
    public void addRepo(RepoType type, String id, String commit, Map<String, byte[]> files) {
        repos.put(type.plural() + "/" + id, new Repo(commit, new LinkedHashMap<>(files)));
        files.forEach((path, bytes) -> blobsBySha.put(sha256(bytes), bytes));
    }

    /**
     * Adds another revision of a repo (e.g. the hub's {@code refs/convert/parquet} branch), listed under
     * {@code revision} and resolvable by its own commit.
     */
    public void addRevision(RepoType type, String id, String revision, String commit, Map<String, byte[]> files) {
        revisions.put(type.plural() + "/" + id + "@" + revision, new Repo(commit, new LinkedHashMap<>(files)));
        files.forEach((path, bytes) -> blobsBySha.put(sha256(bytes), bytes));
    }

    /** The repo as listed under {@code rev} (main, its commit, or an added revision name or commit), or null. */
    private Repo atRevision(String key, String rev) {
        Repo main = repos.get(key);
        if (main != null && (rev.equals("main") || rev.equals(main.commit()))) {
            return main;
        }
        Repo named = revisions.get(key + "@" + rev);
        if (named != null) {
            return named;
        }
        for (Map.Entry<String, Repo> e : revisions.entrySet()) {
            if (e.getKey().startsWith(key + "@") && e.getValue().commit().equals(rev)) {
                return e.getValue();
            }
        }
        return null;
    }

    /** Requests for {@code oldId} are redirected (relative 307) to {@code newId}, like a renamed hub repo. */
    void addAlias(RepoType type, String oldId, String newId) {
        aliases.put(type.plural() + "/" + oldId, newId);
    }

    /** Every request must carry {@code Authorization: Bearer token} (null: no check). */
    public void requireToken(String token) {
        requiredToken = token;
    }

    /** The next {@code times} downloads of the file with these bytes stop after {@code bytes} bytes. */
    void cutDownloads(byte[] content, long bytes, int times) {
        String sha = sha256(content);
        cutAfter.put(sha, bytes);
        cutsLeft.put(sha, new AtomicInteger(times));
    }

    /** Serves these bytes with one byte flipped, while the metadata still announces the real sha256. */
    void corrupt(byte[] content) {
        byte[] bad = content.clone();
        bad[bad.length / 2] ^= 0x5A;
        corrupted.put(sha256(content), bad);
    }

    /** All requests so far. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public void clearRequests() {
        requests.clear();
    }

    @Override
    public void close() {
        hub.stop(0);
        cdn.stop(0);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Git blob id: the ETag the hub sends for files stored in git rather than LFS. */
    static String gitOid(byte[] bytes) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(("blob " + bytes.length + "\0").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(sha1.digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Files the hub keeps in LFS (their ETag is the sha256 and they are served from the CDN). */
    static boolean isLfs(String path) {
        return path.endsWith(".safetensors") || path.endsWith(".model") || path.endsWith(".bin")
                || path.endsWith(".parquet");
    }

    private void handle(String server, HttpExchange ex) throws IOException {
        String target = ex.getRequestURI().getRawPath()
                + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery());
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        requests.add(new Request(server, ex.getRequestMethod(), target, ex.getRequestHeaders().getFirst("Range"), auth));
        try (ex) {
            if (server.equals("cdn")) {
                serveCdn(ex);
                return;
            }
            if (requiredToken != null && !("Bearer " + requiredToken).equals(auth)) {
                ex.getResponseHeaders().set("X-Error-Code", "GatedRepo");
                ex.getResponseHeaders().set("X-Error-Message", "Access to this repo is restricted");
                send(ex, 401, new byte[0]);
                return;
            }
            String path = URLDecoder.decode(ex.getRequestURI().getRawPath(), StandardCharsets.UTF_8);
            if (path.startsWith("/api/v1/")) {
                serveModelScope(ex, path.substring("/api/v1/".length()));
            } else if (path.startsWith("/api/")) {
                serveRevisionApi(ex, path.substring("/api/".length()));
            } else {
                serveResolve(ex, path.substring(1));
            }
        }
    }

    /** /api/{models|datasets}/{org}/{name}/revision/{rev}. */
    private void serveRevisionApi(HttpExchange ex, String rest) throws IOException {
        int at = rest.indexOf("/revision/");
        String key = at < 0 ? rest : rest.substring(0, at);
        String rev = at < 0 ? "main" : rest.substring(at + "/revision/".length());
        if (redirectAlias(ex, key, rest.substring(key.length()), "/api/")) {
            return;
        }
        if (at < 0 || (repos.get(key) == null && atRevision(key, rev) == null)) {
            notFound(ex, "RepoNotFound", "Repository not found");
            return;
        }
        Repo repo = atRevision(key, rev);
        if (repo == null) {
            notFound(ex, "RevisionNotFound", "Invalid rev id: " + rev);
            return;
        }
        List<Map<String, Object>> siblings = new ArrayList<>();
        repo.files().keySet().forEach(f -> siblings.add(Map.of("rfilename", f)));
        Map<String, Object> body = Map.of("id", key.substring(key.indexOf('/') + 1), "sha", repo.commit(),
                "siblings", siblings);
        sendJson(ex, body);
    }

    /** /{datasets/}{org}/{name}/resolve/{rev}/{path}. */
    private void serveResolve(HttpExchange ex, String rest) throws IOException {
        String typed = rest.startsWith("datasets/") ? rest : "models/" + rest;
        int at = typed.indexOf("/resolve/");
        if (at < 0) {
            notFound(ex, "RepoNotFound", "not a resolve URL");
            return;
        }
        String key = typed.substring(0, at);
        String prefix = key.startsWith("datasets/") ? "/datasets/" : "/";
        if (redirectAlias(ex, key, typed.substring(at), prefix)) {
            return;
        }
        String revAndPath = typed.substring(at + "/resolve/".length());
        int slash = revAndPath.indexOf('/');
        String rev = revAndPath.substring(0, slash);
        String file = revAndPath.substring(slash + 1);
        if (repos.get(key) == null) {
            notFound(ex, "RepoNotFound", "Repository not found");
            return;
        }
        Repo repo = atRevision(key, rev);
        if (repo == null) {
            notFound(ex, "RevisionNotFound", "Invalid rev id: " + rev);
            return;
        }
        byte[] content = repo.files().get(file);
        if (content == null) {
            notFound(ex, "EntryNotFound", "Entry not found");
            return;
        }
        ex.getResponseHeaders().set("X-Repo-Commit", repo.commit());
        ex.getResponseHeaders().set("ETag", "\"" + gitOid(content) + "\"");
        if (isLfs(file)) {
            String sha = sha256(content);
            ex.getResponseHeaders().set("X-Linked-Etag", "\"" + sha + "\"");
            ex.getResponseHeaders().set("X-Linked-Size", String.valueOf(content.length));
            ex.getResponseHeaders().set("Location",
                    "http://127.0.0.1:" + cdn.getAddress().getPort() + "/blobs/" + sha + "?signature=fixture");
            send(ex, 302, new byte[0]);
            return;
        }
        serveContent(ex, content);
    }

    private void serveCdn(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        byte[] content = path.startsWith("/blobs/") ? blobsBySha.get(path.substring("/blobs/".length())) : null;
        if (content == null) {
            send(ex, 404, new byte[0]);
            return;
        }
        serveContent(ex, content);
    }

    /** ModelScope: models/{org}/{name}/repo/files, datasets/{ns}/{name}/repo/tree, .../repo?FilePath=. */
    private void serveModelScope(HttpExchange ex, String rest) throws IOException {
        Map<String, String> query = query(ex.getRequestURI().getRawQuery());
        String key;
        String op;
        int at = rest.indexOf("/repo");
        key = at < 0 ? rest : rest.substring(0, at);
        op = at < 0 ? "" : rest.substring(at);
        Repo repo = repos.get(key);
        if (repo == null) {
            ex.getResponseHeaders().set("Content-Type", "application/json");
            send(ex, 404, JSON.writeValueAsBytes(Map.of("Code", 10010205001L, "Message", "model not exist",
                    "Success", false)));
            return;
        }
        if (!"master".equals(query.get("Revision"))) {
            sendJson(ex, Map.of("Code", 10010205001L, "Message", "Revision " + query.get("Revision")
                    + " not exist", "Success", false));
            return;
        }
        if (op.equals("/repo/files") || op.equals("/repo/tree")) {
            List<Map<String, Object>> files = new ArrayList<>();
            files.add(Map.of("Name", ".gitattributes", "Path", ".gitattributes", "Type", "blob", "Size", 10,
                    "Sha256", "0".repeat(64)));
            files.add(Map.of("Name", "sub", "Path", "sub", "Type", "tree", "Size", 0, "Sha256", ""));
            repo.files().forEach((p, b) -> files.add(Map.of("Name", p.substring(p.lastIndexOf('/') + 1), "Path", p,
                    "Type", "blob", "Size", b.length, "Sha256", sha256(b), "Revision", repo.commit())));
            List<Map<String, Object>> page = files;
            if (op.equals("/repo/tree")) {
                int number = Integer.parseInt(query.getOrDefault("PageNumber", "1"));
                int size = Integer.parseInt(query.getOrDefault("PageSize", "100"));
                int from = Math.min(files.size(), (number - 1) * size);
                page = files.subList(from, Math.min(files.size(), from + size));
            }
            sendJson(ex, Map.of("Code", 200, "Message", "success", "Success", true, "Data", Map.of("Files", page)));
            return;
        }
        byte[] content = repo.files().get(query.get("FilePath"));
        if (content == null) {
            send(ex, 404, new byte[0]);
            return;
        }
        serveContent(ex, content);
    }

    /** Full or ranged content, honouring the cut and corruption knobs. */
    private void serveContent(HttpExchange ex, byte[] original) throws IOException {
        String sha = sha256(original);
        byte[] content = corrupted.getOrDefault(sha, original);
        long start = 0;
        String range = ex.getRequestHeaders().getFirst("Range");
        if (range != null && range.startsWith("bytes=")) {
            String spec = range.substring("bytes=".length());
            start = Long.parseLong(spec.substring(0, spec.indexOf('-')));
            if (start >= content.length) {
                ex.getResponseHeaders().set("Content-Range", "bytes */" + content.length);
                send(ex, 416, new byte[0]);
                return;
            }
            ex.getResponseHeaders().set("Content-Range",
                    "bytes " + start + "-" + (content.length - 1) + "/" + content.length);
        }
        int status = range != null ? 206 : 200;
        long length = content.length - start;
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.getResponseHeaders().set("Content-Length", String.valueOf(length));
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, length);
        AtomicInteger left = cutsLeft.get(sha);
        OutputStream out = ex.getResponseBody();
        if (left != null && left.getAndDecrement() > 0) {
            long keep = Math.max(0, Math.min(length, cutAfter.get(sha) - start));
            out.write(content, (int) start, (int) keep);
            out.flush();
            pause();   // let the client read what was sent before the connection goes away
            // Throwing from the handler makes the server drop the connection mid-body.
            throw new IOException("fixture: connection cut after " + keep + " bytes");
        }
        out.write(content, (int) start, (int) length);
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean redirectAlias(HttpExchange ex, String key, String tail, String prefix) throws IOException {
        String target = aliases.get(key);
        if (target == null) {
            return false;
        }
        String type = key.substring(0, key.indexOf('/'));
        String location = prefix.equals("/api/") ? "/api/" + type + "/" + target + tail : prefix + target + tail;
        ex.getResponseHeaders().set("Location", location);
        send(ex, 307, new byte[0]);
        return true;
    }

    private static void notFound(HttpExchange ex, String code, String message) throws IOException {
        ex.getResponseHeaders().set("X-Error-Code", code);
        ex.getResponseHeaders().set("X-Error-Message", message);
        send(ex, 404, new byte[0]);
    }

    private static void sendJson(HttpExchange ex, Object body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json");
        send(ex, 200, JSON.writeValueAsBytes(body));
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        if (ex.getRequestMethod().equals("HEAD") || body.length == 0) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }
}
