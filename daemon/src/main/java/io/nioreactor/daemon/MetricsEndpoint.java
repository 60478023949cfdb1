package io.nioreactor.daemon;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nioreactor.core.EventLoopGroup;
import io.nioreactor.core.LoopMetric;
import io.nioreactor.core.TcpOptions;
import io.nioreactor.core.TcpServer;
import io.nioreactor.micrometer.NioreactorMetrics;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * The daemons' Prometheus scrape endpoint ({@code --metrics HOST:PORT}): {@code GET /metrics}
 * answers the loops' figures (see {@code nioreactor-micrometer}) and the JVM's memory, threads,
 * classes and CPU in Prometheus's text format, from Micrometer's Prometheus registry. It is served
 * by the reactor itself, on the daemon's group, with a small HTTP/1.1 handler
 * ({@link ScrapeConnection}): keep-alive, one request at a time per connection, a head framed by
 * its blank line within 8 KiB and 10 s. The scrapes run on a thread of their own, never on an echo
 * loop, one at a time and at most ten a second, whoever asks ({@link Scraper}). At most 64
 * connections, each holding at most about 16 KiB of answer queued and 128 KiB in the kernel, so that
 * clients of the endpoint cannot take much of the memory or the send budget the echo shares with it. Its connections count in the
 * daemon's figures like any other.
 */
public final class MetricsEndpoint {

    /** How long a request's head may take to arrive: a slow or silent client holds no slot for long. */
    static final Duration HEAD_DEADLINE = Duration.ofSeconds(10);

    private MetricsEndpoint() {
    }

    /**
     * Listens for scrapes.
     *
     * @param loops     the daemon's loops, whose figures it serves and on which it runs
     * @param address   where to listen
     * @param sharePort whether to share the port with another process (SO_REUSEPORT), as the daemon's
     *                  {@code --share-port} does for its service, so that a new daemon starts beside the old
     * @param served    the kinds of channel the daemon serves besides this endpoint's TCP: the loops'
     *                  figures of the others (always 0) are left out
     * @return a future of the listening server, failing as listening fails
     */
    public static CompletableFuture<TcpServer> start(EventLoopGroup loops, SocketAddress address, boolean sharePort,
            LoopMetric.Channels... served) {
        return start(loops, address, sharePort, HEAD_DEADLINE, served);
    }

    /** As {@link #start(EventLoopGroup, SocketAddress, boolean, LoopMetric.Channels...)}, with the time a head may take. */
    static CompletableFuture<TcpServer> start(EventLoopGroup loops, SocketAddress address, boolean sharePort,
            Duration headDeadline, LoopMetric.Channels... served) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        LoopMetric.Channels[] withOwn = Arrays.copyOf(served, served.length + 1);
        withOwn[served.length] = LoopMetric.Channels.TCP; // its own connections
        NioreactorMetrics.of(loops).serving(withOwn).bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        Scraper scraper = new Scraper(registry::scrape);
        // Prometheus keeps its connection between scrapes (15 s apart by default): 30 s of silence ends one.
        TcpOptions options = TcpOptions.builder().reusePort(sharePort).idleTimeout(Duration.ofSeconds(30))
                .maxConnections(64).highWaterMark(16 * 1024).lowWaterMark(8 * 1024).sendBufferSize(64 * 1024).build();
        return loops.listenTcp(address, options, c -> new ScrapeConnection(scraper, headDeadline));
    }
}
