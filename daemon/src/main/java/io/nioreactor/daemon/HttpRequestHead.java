package io.nioreactor.daemon;

import java.util.Locale;

/**
 * The parts of an HTTP/1 request's head that the metrics endpoint acts on: its method, path and
 * version, whether it names a host, whether a body follows, and whether the connection ends after
 * the answer.
 *
 * @param method    the method, as sent ({@code GET}); empty for a blank head
 * @param path      the target's path, without its query ({@code /metrics}), from the origin form
 *                  ({@code /metrics?x}) or the absolute form ({@code http://host:9100/metrics})
 * @param http10    whether the version is HTTP/1.0
 * @param hasHost   whether a {@code Host} header is there
 * @param close     whether a {@code Connection} header carries {@code close}
 * @param keepAlive whether a {@code Connection} header carries {@code keep-alive}
 * @param hasBody   whether a body follows ({@code Content-Length} above zero, or any {@code Transfer-Encoding})
 */
record HttpRequestHead(String method, String path, boolean http10, boolean hasHost, boolean close, boolean keepAlive,
        boolean hasBody) {

    private static final HttpRequestHead BLANK = new HttpRequestHead("", "", false, false, false, false, false);

    /**
     * Reads a head. Empty lines before the request line are skipped, as RFC 9112 asks of a server;
     * lines may end in CRLF or LF.
     *
     * @param head the head's text, up to and with its blank line
     * @return the head; a {@linkplain #blank() blank} one if it held empty lines only; {@code null}
     *         if it is not an HTTP/1 request
     */
    static HttpRequestHead parse(String head) {
        String[] lines = head.strip().split("\r?\n");
        if (lines.length == 1 && lines[0].isEmpty()) {
            return BLANK;
        }
        String[] requestLine = lines[0].split(" ", -1);
        if (requestLine.length != 3 || requestLine[0].isEmpty()
                || !(requestLine[2].equals("HTTP/1.1") || requestLine[2].equals("HTTP/1.0"))) {
            return null;
        }
        String path = path(requestLine[1]);
        if (path == null) {
            return null;
        }
        boolean hasHost = false;
        boolean close = false;
        boolean keepAlive = false;
        boolean hasBody = false;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                return null; // not a header field
            }
            String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).trim();
            switch (name) {
                case "host" -> hasHost = true;
                case "connection" -> {
                    for (String token : value.toLowerCase(Locale.ROOT).split(",")) {
                        close |= token.trim().equals("close");
                        keepAlive |= token.trim().equals("keep-alive");
                    }
                }
                case "content-length" -> hasBody |= !value.matches("0+");
                case "transfer-encoding" -> hasBody = true;
                default -> { }
            }
        }
        return new HttpRequestHead(requestLine[0], path, requestLine[2].equals("HTTP/1.0"), hasHost, close,
                keepAlive, hasBody);
    }

    /** The path of an origin-form or absolute-form target, without the query; {@code null} if it is neither. */
    private static String path(String target) {
        String path = target;
        if (!path.startsWith("/")) {
            String lower = path.toLowerCase(Locale.ROOT);
            int scheme = lower.startsWith("http://") ? 7 : lower.startsWith("https://") ? 8 : -1;
            if (scheme < 0) {
                return null;
            }
            int slash = path.indexOf('/', scheme);
            path = slash < 0 ? "/" : path.substring(slash);
        }
        int query = path.indexOf('?');
        return query < 0 ? path : path.substring(0, query);
    }

    /** {@return whether the head held empty lines only (to be ignored)} */
    boolean blank() {
        return method.isEmpty();
    }

    /** {@return whether the connection ends after the answer: HTTP/1.1 if asked, HTTP/1.0 unless kept alive} */
    boolean closeAfter() {
        return close || http10 && !keepAlive;
    }

    /** {@return whether the answer carries its body: not for {@code HEAD}} */
    boolean wantsBody() {
        return !method.equals("HEAD");
    }
}
