package io.nioreactor.daemon;

import io.nioreactor.core.Cancellable;
import io.nioreactor.core.Connection;
import io.nioreactor.core.ConnectionHandler;
import io.nioreactor.core.FrameScanner;
import io.nioreactor.core.Framer;
import io.nioreactor.core.FramingException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;

/**
 * One connection to the metrics endpoint, HTTP/1.1 as a scraper needs it. One request at a time:
 * reading pauses until the answer is on its way, so a client that pipelines a thousand requests
 * gets them answered one by one with one answer queued at a time, and one that never reads stops
 * being read. A head is framed by its blank line (CRLF CRLF, or LF LF from a hand-typed request)
 * and refused past 8 KiB (431) or when it takes longer than the head deadline from the connection's
 * start or its first byte (408); a request with a body is refused (400), as is one that is not
 * HTTP/1 or an HTTP/1.1 one without {@code Host}; anything but {@code GET} or {@code HEAD} 405, any
 * other path 404; keep-alive as HTTP/1.1 and 1.0 ask. After an error it stops answering, half-closes
 * and reads on for up to two seconds before it closes, so that the client reads the error rather than
 * a reset caused by the bytes it was still sending. Loop thread only.
 */
final class ScrapeConnection implements ConnectionHandler, Framer.FrameHandler {

    /** The most a request's head may hold: a scraper sends a few hundred bytes. */
    static final int MAX_HEAD = 8 * 1024;
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** How long a connection that answered an error reads on, so that its answer is not lost to a reset. */
    private static final Duration LINGER = Duration.ofSeconds(2);
    private static final byte[] NO_BODY = new byte[0];

    private final Scraper scraper;
    private final Duration headTimeout;
    private final Framer heads = Framer.of(ScrapeConnection::headLength, MAX_HEAD, this);
    /** The deadline of the head being received; {@code null} between requests of a kept connection. */
    private Cancellable headDeadline;
    /** Set once an error was answered: what comes in is read and dropped until the close. */
    private Cancellable lingering;
    /** An answer is queued above the high water mark: the next request waits for {@link #onWritable}. */
    private boolean waitingToWrite;

    ScrapeConnection(Scraper scraper, Duration headTimeout) {
        this.scraper = scraper;
        this.headTimeout = headTimeout;
    }

    @Override
    public void onOpen(Connection c) {
        armHeadDeadline(c); // a client that connects and says nothing holds its slot this long at most
    }

    @Override
    public void onRead(Connection c, ByteBuffer data) {
        if (lingering != null) {
            data.position(data.limit()); // after an error: read and dropped
            return;
        }
        if (headDeadline == null) {
            armHeadDeadline(c);
        }
        heads.feed(c, data);
    }

    private void armHeadDeadline(Connection c) {
        headDeadline = c.loop().schedule(() -> {
            if (c.isOpen() && lingering == null) {
                error(c, "408 Request Timeout", "the request's head took over " + headTimeout.toMillis() + " ms");
            }
        }, headTimeout);
    }

    /** A head ends at its first blank line: CRLF CRLF, or LF LF. */
    static long headLength(ByteBuffer bytes, int scanned) {
        int start = bytes.position();
        for (int i = Math.max(0, scanned - 3); i + 1 < bytes.remaining(); i++) {
            if (bytes.get(start + i) != '\n') {
                continue;
            }
            if (bytes.get(start + i + 1) == '\n') {
                return i + 2;
            }
            if (i + 2 < bytes.remaining() && bytes.get(start + i + 1) == '\r' && bytes.get(start + i + 2) == '\n') {
                return i + 3;
            }
        }
        return FrameScanner.NEED_MORE;
    }

    @Override
    public void onFrame(Connection c, ByteBuffer head) {
        if (lingering != null) {
            return; // requests pipelined behind an error are not answered
        }
        if (headDeadline != null) {
            headDeadline.cancel();
            headDeadline = null;
        }
        HttpRequestHead request = HttpRequestHead.parse(StandardCharsets.ISO_8859_1.decode(head).toString());
        if (request == null) {
            error(c, "400 Bad Request", "not an HTTP/1 request");
        } else if (request.blank()) {
            return; // an empty line before a request: ignored, as RFC 9112 asks
        } else if (request.hasBody()) {
            error(c, "400 Bad Request", "a request with a body");
        } else if (!request.http10() && !request.hasHost()) {
            error(c, "400 Bad Request", "an HTTP/1.1 request without Host");
        } else if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            error(c, "405 Method Not Allowed\r\nAllow: GET, HEAD", "only GET /metrics");
        } else if (!request.path().equals("/metrics")) {
            answer(c, "404 Not Found", "text/plain", ascii("try /metrics\n"), request);
            nextRequest(c, request);
        } else {
            c.setAutoRead(false); // one at a time: the next request is read once this answer is on its way
            scraper.request(result -> answerFromScraper(c, request, result));
        }
    }

    /** On the scraping thread: hands the answer to the connection's loop. */
    private void answerFromScraper(Connection c, HttpRequestHead request, Scraper.Result result) {
        try {
            c.loop().execute(() -> {
                if (!c.isOpen() || lingering != null) {
                    return;
                }
                if (result.text() != null) {
                    answer(c, "200 OK", CONTENT_TYPE, result.text(), request);
                    nextRequest(c, request);
                } else {
                    error(c, "500 Internal Server Error", "the scrape failed: " + result.failure());
                }
            });
        } catch (RejectedExecutionException loopEnded) { // the daemon stops: nobody to answer
        }
    }

    /** Reads the next request now, or once the answers queued have drained below the low water mark. */
    private void nextRequest(Connection c, HttpRequestHead answered) {
        if (answered.closeAfter()) {
            c.close();
            return;
        }
        if (c.isWritable()) {
            heads.resume(c);
        } else {
            c.setAutoRead(false);
            waitingToWrite = true;
        }
    }

    @Override
    public void onWritable(Connection c) {
        if (waitingToWrite) {
            waitingToWrite = false;
            heads.resume(c);
        }
    }

    @Override
    public void onFramingError(Connection c, FramingException error) {
        error(c, "431 Request Header Fields Too Large", "the request's head is over 8 KiB");
    }

    @Override
    public void onClose(Connection c, Throwable cause) {
        if (headDeadline != null) {
            headDeadline.cancel();
        }
        if (lingering != null) {
            lingering.cancel();
        }
    }

    /** Answers an error, half-closes, and reads on (dropping it all) until the client closes or two seconds pass. */
    private void error(Connection c, String status, String why) {
        byte[] body = ascii(why + "\n");
        String head = "HTTP/1.1 " + status + "\r\nContent-Type: text/plain\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n";
        c.write(ByteBuffer.wrap(ascii(head)), ByteBuffer.wrap(body));
        c.shutdownOutput();
        if (headDeadline != null) {
            headDeadline.cancel();
            headDeadline = null;
        }
        lingering = c.loop().schedule(c::abort, LINGER);
        c.setAutoRead(true); // the rest is read and dropped; the client's close ends it
    }

    private static void answer(Connection c, String status, String contentType, byte[] body, HttpRequestHead request) {
        String head = "HTTP/1.1 " + status + "\r\nContent-Type: " + contentType + "\r\nContent-Length: "
                + body.length + (request.closeAfter() ? "\r\nConnection: close" : "\r\nConnection: keep-alive")
                + "\r\n\r\n";
        c.write(ByteBuffer.wrap(ascii(head)), ByteBuffer.wrap(request.wantsBody() ? body : NO_BODY));
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
