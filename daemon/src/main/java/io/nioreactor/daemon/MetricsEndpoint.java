package io.nioreactor.daemon;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nioreactor.core.Cancellable;
import io.nioreactor.core.Connection;
import io.nioreactor.core.ConnectionHandler;
import io.nioreactor.core.EventLoopGroup;
import io.nioreactor.core.FrameScanner;
import io.nioreactor.core.Framer;
import io.nioreactor.core.FramingException;
import io.nioreactor.core.LoopMetric;
import io.nioreactor.core.TcpOptions;
import io.nioreactor.core.TcpServer;
import io.nioreactor.micrometer.NioreactorMetrics;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * The daemons' Prometheus scrape endpoint ({@code --metrics HOST:PORT}): {@code GET /metrics}
 * answers the loops' figures (see {@code nioreactor-micrometer}) and the JVM's memory, threads,
 * classes and CPU in Prometheus's text format, from Micrometer's Prometheus registry. It is served
 * by the reactor itself, on the daemon's group, with a small HTTP/1.1 handler: keep-alive, one
 * request at a time per connection (reading pauses until the answer is on its way, so a client that
 * pipelines a thousand requests gets them answered one by one and queues one answer at a time), a
 * request's head framed by its blank line and refused past 8 KiB (431) or when it takes over 10 s to
 * arrive (408), a request with a body 400, anything but {@code GET} or {@code HEAD} 405, any other
 * path 404, a request that is not HTTP/1 400; each error closes the connection. The scrape itself
 * (a few hundred microseconds to milliseconds of formatting) runs on a thread of its own, never on
 * an echo loop. Its connections count in the daemon's figures like any other.
 */
public final class MetricsEndpoint {

    /** The most a request's head may hold: a scraper sends a few hundred bytes. */
    static final int MAX_HEAD = 8 * 1024;
    /** How long a request's head may take to arrive, from its first byte: a slow client holds no slot for long. */
    static final Duration HEAD_DEADLINE = Duration.ofSeconds(10);
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final byte[] NO_BODY = new byte[0];

    private MetricsEndpoint() {
    }

    /**
     * Listens for scrapes.
     *
     * @param loops   the daemon's loops, whose figures it serves and on which it runs
     * @param address where to listen
     * @param served  the kinds of channel the daemon serves besides this endpoint's TCP: the loops'
     *                figures of the others (always 0) are left out
     * @return a future of the listening server, failing as listening fails
     */
    public static CompletableFuture<TcpServer> start(EventLoopGroup loops, SocketAddress address,
            LoopMetric.Channels... served) {
        return start(loops, address, HEAD_DEADLINE, served);
    }

    /** As {@link #start(EventLoopGroup, SocketAddress, LoopMetric.Channels...)}, with the time a head may take. */
    static CompletableFuture<TcpServer> start(EventLoopGroup loops, SocketAddress address, Duration headDeadline,
            LoopMetric.Channels... served) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        LoopMetric.Channels[] withOwn = Arrays.copyOf(served, served.length + 1);
        withOwn[served.length] = LoopMetric.Channels.TCP; // its own connections
        NioreactorMetrics.of(loops).serving(withOwn).bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        Executor scraper = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "metrics-scrape");
            thread.setDaemon(true); // nothing to finish at exit: a scrape cut short is asked again
            return thread;
        });
        // Prometheus keeps its connection between scrapes (15 s apart by default): 30 s of silence ends one.
        TcpOptions options = TcpOptions.builder().idleTimeout(Duration.ofSeconds(30)).maxConnections(64).build();
        return loops.listenTcp(address, options, c -> new Scrape(registry, scraper, headDeadline));
    }

    /** One connection of a scraper: a request's head at a time, each answered before the next is read. */
    private static final class Scrape implements ConnectionHandler, Framer.FrameHandler {
        private final PrometheusMeterRegistry registry;
        private final Executor scraper;
        private final Framer heads = Framer.of(Scrape::headLength, MAX_HEAD, this);
        /** The deadline of the head being received, from its first byte; {@code null} between requests. */
        private Cancellable headDeadline;
        /** An answer is queued above the high water mark: the next request waits for {@link #onWritable}. */
        private boolean waitingToWrite;

        private final Duration headTimeout;

        Scrape(PrometheusMeterRegistry registry, Executor scraper, Duration headTimeout) {
            this.registry = registry;
            this.scraper = scraper;
            this.headTimeout = headTimeout;
        }

        @Override
        public void onRead(Connection c, ByteBuffer data) {
            if (headDeadline == null) {
                headDeadline = c.loop().schedule(() -> {
                    if (c.isOpen()) {
                        answer(c, "408 Request Timeout", "text/plain",
                                ascii("the request's head took over " + headTimeout.toMillis() + " ms\n"), true, true);
                    }
                }, headTimeout);
            }
            heads.feed(c, data);
        }

        /** A head ends at its first blank line, CRLF CRLF. */
        private static long headLength(ByteBuffer bytes, int scanned) {
            int start = bytes.position();
            for (int i = Math.max(0, scanned - 3); i + 3 < bytes.remaining(); i++) {
                if (bytes.get(start + i) == '\r' && bytes.get(start + i + 1) == '\n'
                        && bytes.get(start + i + 2) == '\r' && bytes.get(start + i + 3) == '\n') {
                    return i + 4;
                }
            }
            return FrameScanner.NEED_MORE;
        }

        @Override
        public void onFrame(Connection c, ByteBuffer head) {
            if (headDeadline != null) { // none for a head kept from an earlier read while a scrape ran
                headDeadline.cancel();
                headDeadline = null;
            }
            HttpRequestHead request = HttpRequestHead.parse(StandardCharsets.ISO_8859_1.decode(head).toString());
            if (request == null) {
                answer(c, "400 Bad Request", "text/plain", ascii("not an HTTP/1 request\n"), true, true);
            } else if (request.hasBody()) {
                answer(c, "400 Bad Request", "text/plain", ascii("a request with a body\n"), true, true);
            } else if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
                answer(c, "405 Method Not Allowed\r\nAllow: GET, HEAD", "text/plain", ascii("only GET /metrics\n"),
                        true, true);
            } else if (!request.target().equals("/metrics") && !request.target().startsWith("/metrics?")) {
                answer(c, "404 Not Found", "text/plain", ascii("try /metrics\n"), request.wantsBody(),
                        request.closeAfter());
                nextRequest(c, request);
            } else {
                c.setAutoRead(false); // one at a time: the next request is read once this answer is on its way
                scraper.execute(() -> {
                    byte[] body;
                    String status;
                    try {
                        body = registry.scrape().getBytes(StandardCharsets.UTF_8);
                        status = "200 OK";
                    } catch (RuntimeException e) {
                        body = ascii("the scrape failed: " + e + "\n");
                        status = "500 Internal Server Error";
                    }
                    byte[] answered = body;
                    String withStatus = status;
                    try {
                        c.loop().execute(() -> {
                            if (c.isOpen()) {
                                answer(c, withStatus, CONTENT_TYPE, answered, request.wantsBody(),
                                        request.closeAfter());
                                nextRequest(c, request);
                            }
                        });
                    } catch (RejectedExecutionException loopEnded) { // the daemon stops: nobody to answer
                    }
                });
            }
        }

        /** Reads the next request now, or once the answers queued have drained below the low water mark. */
        private void nextRequest(Connection c, HttpRequestHead answered) {
            if (answered.closeAfter()) {
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
        public void onClose(Connection c, Throwable cause) {
            if (headDeadline != null) {
                headDeadline.cancel();
            }
        }

        @Override
        public void onFramingError(Connection c, FramingException error) {
            answer(c, "431 Request Header Fields Too Large", "text/plain", ascii("the request's head is over 8 KiB\n"),
                    true, true);
        }

        private static byte[] ascii(String text) {
            return text.getBytes(StandardCharsets.US_ASCII);
        }

        private static void answer(Connection c, String status, String contentType, byte[] body, boolean withBody,
                boolean close) {
            String head = "HTTP/1.1 " + status + "\r\nContent-Type: " + contentType + "\r\nContent-Length: "
                    + body.length + (close ? "\r\nConnection: close" : "\r\nConnection: keep-alive") + "\r\n\r\n";
            c.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)),
                    ByteBuffer.wrap(withBody ? body : NO_BODY));
            if (close) {
                c.close();
            }
        }
    }
}
