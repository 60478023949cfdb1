package io.nioreactor.daemon;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nioreactor.core.Connection;
import io.nioreactor.core.ConnectionHandler;
import io.nioreactor.core.EventLoopGroup;
import io.nioreactor.core.FrameScanner;
import io.nioreactor.core.Framer;
import io.nioreactor.core.FramingException;
import io.nioreactor.core.TcpOptions;
import io.nioreactor.core.TcpServer;
import io.nioreactor.micrometer.NioreactorMetrics;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * The daemons' Prometheus scrape endpoint ({@code --metrics HOST:PORT}): {@code GET /metrics}
 * answers the loops' figures (see {@code nioreactor-micrometer}) and the JVM's memory, threads,
 * classes and CPU in Prometheus's text format, from Micrometer's Prometheus registry. It is served
 * by the reactor itself, on the daemon's group, with a small HTTP/1.1 handler: keep-alive, a
 * request's head framed by its blank line and refused past 8 KiB (431), anything but {@code GET} or
 * {@code HEAD} 405, any other path 404, a request that is not HTTP 400. Its connections count in
 * the daemon's figures like any other.
 */
public final class MetricsEndpoint {

    /** The most a request's head may hold: a scraper sends a few hundred bytes. */
    static final int MAX_HEAD = 8 * 1024;
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private MetricsEndpoint() {
    }

    /**
     * Listens for scrapes.
     *
     * @param loops   the daemon's loops, whose figures it serves and on which it runs
     * @param address where to listen
     * @return a future of the listening server, failing as listening fails
     */
    public static CompletableFuture<TcpServer> start(EventLoopGroup loops, SocketAddress address) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        NioreactorMetrics.of(loops).bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        TcpOptions options = TcpOptions.builder().idleTimeout(Duration.ofMinutes(1)).maxConnections(64).build();
        return loops.listenTcp(address, options, c -> new Scrape(registry));
    }

    /** One connection of a scraper: a request's head at a time, each answered. */
    private static final class Scrape implements ConnectionHandler, Framer.FrameHandler {
        private final PrometheusMeterRegistry registry;
        private final Framer heads = Framer.of(Scrape::headLength, MAX_HEAD, this);

        Scrape(PrometheusMeterRegistry registry) {
            this.registry = registry;
        }

        @Override
        public void onRead(Connection c, ByteBuffer data) {
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
            String text = StandardCharsets.ISO_8859_1.decode(head).toString();
            String[] requestLine = text.substring(0, text.indexOf("\r\n")).split(" ");
            if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.")) {
                answer(c, "400 Bad Request", "text/plain", "not an HTTP/1 request\n".getBytes(StandardCharsets.US_ASCII),
                        true, true);
                return;
            }
            String lower = text.toLowerCase(Locale.ROOT);
            boolean close = requestLine[2].equals("HTTP/1.0") ? !lower.contains("\r\nconnection: keep-alive")
                    : lower.contains("\r\nconnection: close");
            String method = requestLine[0];
            if (!method.equals("GET") && !method.equals("HEAD")) {
                answer(c, "405 Method Not Allowed\r\nAllow: GET, HEAD", "text/plain",
                        "only GET /metrics\n".getBytes(StandardCharsets.US_ASCII), true, true);
            } else if (!requestLine[1].equals("/metrics") && !requestLine[1].startsWith("/metrics?")) {
                answer(c, "404 Not Found", "text/plain", "try /metrics\n".getBytes(StandardCharsets.US_ASCII),
                        method.equals("GET"), close);
            } else {
                answer(c, "200 OK", CONTENT_TYPE, registry.scrape().getBytes(StandardCharsets.UTF_8),
                        method.equals("GET"), close);
            }
        }

        @Override
        public void onFramingError(Connection c, FramingException error) {
            answer(c, "431 Request Header Fields Too Large", "text/plain",
                    "the request's head is over 8 KiB\n".getBytes(StandardCharsets.US_ASCII), true, true);
        }

        private static void answer(Connection c, String status, String contentType, byte[] body, boolean withBody,
                boolean close) {
            String head = "HTTP/1.1 " + status + "\r\nContent-Type: " + contentType + "\r\nContent-Length: "
                    + body.length + (close ? "\r\nConnection: close" : "") + "\r\n\r\n";
            c.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
            if (withBody) {
                c.write(ByteBuffer.wrap(body));
            }
            if (close) {
                c.close();
            }
        }
    }
}
