package io.autoround.model.hub;

import io.autoround.Version;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscribers;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * HTTP transport for hub calls: bearer token, user agent, redirect following and translation of failures into
 * {@link HubException}s that name the repo/file and tell the user what to do.
 *
 * <p>Redirects are followed by hand (not by {@link HttpClient}) so that the {@code Authorization} header is
 * dropped when a redirect leaves the endpoint's host (the hub sends LFS files to a CDN with signed URLs), and so
 * that metadata requests can stop at the first absolute redirect, whose headers carry the LFS ETag.
 */
final class HubHttp implements AutoCloseable {

    private static final int MAX_REDIRECTS = 10;

    private final HubSettings settings;
    private final HttpClient client;
    private final Duration requestTimeout;
    private final String endpointAuthority;

    HubHttp(HubSettings settings, Duration connectTimeout, Duration requestTimeout) {
        this.settings = settings;
        this.requestTimeout = requestTimeout;
        this.endpointAuthority = URI.create(settings.endpoint()).getRawAuthority();
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .build();
    }

    HubSettings settings() {
        return settings;
    }

    /** Releases the connection pool and its selector thread. */
    @Override
    public void close() {
        client.close();
    }

    /** GET following every redirect; returns a 2xx response or throws a {@link HubException} about {@code what}. */
    <T> HttpResponse<T> get(URI uri, Map<String, String> headers, BodyHandler<T> handler, String what) {
        HttpResponse<T> response = send("GET", uri, headers, handler, true, what);
        int status = response.statusCode();
        if (status < 200 || status >= 300) {
            throw statusError(response, what);
        }
        return response;
    }

    /** GET following every redirect, returning the final response whatever its status (the caller checks it). */
    <T> HttpResponse<T> getAnyStatus(URI uri, Map<String, String> headers, BodyHandler<T> handler, String what) {
        return send("GET", uri, headers, handler, true, what);
    }

    /**
     * HEAD following only relative redirects (as huggingface_hub does for renamed repos): the final response may
     * be a redirect to a CDN whose headers carry the file's metadata. Throws for 4xx/5xx.
     */
    HttpResponse<Void> head(URI uri, String what) {
        HttpResponse<Void> response = send("HEAD", uri, Map.of("Accept-Encoding", "identity"),
                HttpResponse.BodyHandlers.discarding(), false, what);
        if (response.statusCode() >= 400) {
            throw statusError(response, what);
        }
        return response;
    }

    private <T> HttpResponse<T> send(String method, URI start, Map<String, String> headers, BodyHandler<T> handler,
            boolean followAbsolute, String what) {
        URI uri = start;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                    .timeout(requestTimeout)
                    .method(method, HttpRequest.BodyPublishers.noBody())
                    .header("User-Agent", "autoround-java/" + Version.VERSION + "; java/" + Runtime.version());
            headers.forEach(request::header);
            if (settings.token() != null && Objects.equals(uri.getRawAuthority(), endpointAuthority)) {
                request.header("Authorization", "Bearer " + settings.token());
            }
            HttpResponse<T> response = sendOnce(request.build(), handler, what);
            String location = response.headers().firstValue("Location").orElse(null);
            if (!isRedirect(response.statusCode()) || location == null) {
                return response;
            }
            URI target;
            try {
                target = URI.create(location.trim());
            } catch (IllegalArgumentException e) {
                throw new HubException(HubException.Kind.PROTOCOL, "the server redirected " + what
                        + " to a malformed URL '" + location + "'", e);
            }
            URI next = uri.resolve(target);
            boolean relative = !target.isAbsolute();
            if (!followAbsolute && !relative) {
                return response;
            }
            uri = next;
        }
        throw new HubException(HubException.Kind.PROTOCOL,
                "too many redirects (more than " + MAX_REDIRECTS + ") while fetching " + what + " from " + start);
    }

    private <T> HttpResponse<T> sendOnce(HttpRequest request, BodyHandler<T> handler, String what) {
        // Redirect and error bodies are dropped: only headers matter there.
        BodyHandler<T> guarded = info -> info.statusCode() >= 300
                ? BodySubscribers.replacing(null) : handler.apply(info);
        try {
            return client.send(request, guarded);
        } catch (IOException e) {
            throw networkError(what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException(HubException.Kind.NETWORK, "interrupted while fetching " + what, e);
        }
    }

    /** Failure to reach the endpoint, with the way out (offline mode or a local folder). */
    HubException networkError(String what, IOException cause) {
        return new HubException(HubException.Kind.NETWORK, "cannot download " + what + " from " + settings.endpoint()
                + ": " + describe(cause) + ". Check the network (or the endpoint setting), set HF_HUB_OFFLINE=1"
                + " to use only the local cache, or pass a local model folder instead of a hub id.", cause);
    }

    /** Maps an HTTP error status to a message naming {@code what} and the fix. */
    HubException statusError(HttpResponse<?> response, String what) {
        int status = response.statusCode();
        String serverCode = response.headers().firstValue("X-Error-Code").orElse("");
        String serverMessage = response.headers().firstValue("X-Error-Message").map(m -> " (" + m + ")").orElse("");
        String tokenVar = settings.tokenVariable();
        if (status == 401 || status == 403) {
            String fix = settings.token() == null
                    ? "it may be private or gated: set " + tokenVar + " to an access token that has access to it"
                    : "the token from " + tokenVar + " was refused or has no access (gated repos need the terms"
                            + " accepted on the hub website)";
            return new HubException(HubException.Kind.UNAUTHORIZED, "access to " + what + " at "
                    + settings.endpoint() + " was denied (HTTP " + status + serverMessage + "); " + fix, null);
        }
        if (status == 404) {
            String detail = switch (serverCode) {
                case "RevisionNotFound" -> "the revision does not exist";
                case "EntryNotFound" -> "the file does not exist at that revision";
                case "RepoNotFound" -> "the repo does not exist";
                default -> "check the repo id, repo type and revision";
            };
            return new HubException(HubException.Kind.NOT_FOUND, what + " was not found at " + settings.endpoint()
                    + " (HTTP 404" + serverMessage + "): " + detail, null);
        }
        return new HubException(HubException.Kind.PROTOCOL, "unexpected HTTP " + status + serverMessage
                + " from " + response.uri() + " while fetching " + what, null);
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : " (" + message + ")");
    }
}
