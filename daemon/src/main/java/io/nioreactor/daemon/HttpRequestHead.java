package io.nioreactor.daemon;

import java.util.Locale;

/**
 * The parts of an HTTP/1 request's head that the metrics endpoint acts on: its method, target and
 * version, whether a body follows, and whether the connection ends after the answer.
 *
 * @param method     the method, as sent ({@code GET})
 * @param target     the request target ({@code /metrics})
 * @param http10     whether the version is HTTP/1.0
 * @param close      whether a {@code Connection} header carries {@code close}
 * @param keepAlive  whether a {@code Connection} header carries {@code keep-alive}
 * @param hasBody    whether a body follows ({@code Content-Length} above zero, or any {@code Transfer-Encoding})
 */
record HttpRequestHead(String method, String target, boolean http10, boolean close, boolean keepAlive,
        boolean hasBody) {

    /**
     * Reads a head.
     *
     * @param head the head's text, up to and with its blank line
     * @return the head, or {@code null} if it is not an HTTP/1 request
     */
    static HttpRequestHead parse(String head) {
        String[] lines = head.split("\r\n");
        String[] requestLine = lines[0].split(" ", -1);
        if (requestLine.length != 3 || requestLine[0].isEmpty() || !requestLine[1].startsWith("/")
                || !(requestLine[2].equals("HTTP/1.1") || requestLine[2].equals("HTTP/1.0"))) {
            return null;
        }
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
                case "connection" -> {
                    for (String token : value.toLowerCase(Locale.ROOT).split(",")) {
                        close |= token.trim().equals("close");
                        keepAlive |= token.trim().equals("keep-alive");
                    }
                }
                case "content-length" -> hasBody |= !value.equals("0");
                case "transfer-encoding" -> hasBody = true;
                default -> { }
            }
        }
        return new HttpRequestHead(requestLine[0], requestLine[1], requestLine[2].equals("HTTP/1.0"), close,
                keepAlive, hasBody);
    }

    /** {@return whether the connection ends after the answer: HTTP/1.1 unless asked, HTTP/1.0 unless kept alive} */
    boolean closeAfter() {
        return close || http10 && !keepAlive;
    }

    /** {@return whether the answer carries its body: not for {@code HEAD}} */
    boolean wantsBody() {
        return !method.equals("HEAD");
    }
}
