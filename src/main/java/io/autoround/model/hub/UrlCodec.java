package io.autoround.model.hub;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Percent-encoding the way Python's {@code urllib.parse.quote} / {@code quote_plus} do it. */
final class UrlCodec {

    private UrlCodec() {
    }

    /** {@code quote(s, safe="")}: every reserved character, '/' included, is encoded (used for revisions). */
    static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A")
                .replace("%7E", "~");
    }

    /** {@code quote(s)} with '/' kept (used for file paths inside a repo). */
    static String path(String s) {
        return segment(s).replace("%2F", "/");
    }

    /** {@code quote_plus(s)}: form encoding for query values. */
    static String query(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
