package io.nioreactor.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nioreactor.core.Connection;
import io.nioreactor.core.ConnectionHandler;
import io.nioreactor.core.EventLoop;
import io.nioreactor.core.EventLoopGroup;
import io.nioreactor.core.LoopMetric;
import io.nioreactor.core.LoopOptions;
import io.nioreactor.core.TcpOptions;
import io.nioreactor.core.TcpServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The binder, against Micrometer's SimpleMeterRegistry: every figure, of the right kind, moving with the traffic. */
@Timeout(60)
class NioreactorMetricsTest {

    /** Echoes. */
    private static final class Echo implements ConnectionHandler {
        @Override
        public void onRead(Connection c, ByteBuffer data) {
            c.write(data);
        }
    }

    @Test
    void aLoopsFiguresAreMetersOfTheirKindThatMoveWithItsTraffic() throws Exception {
        EventLoop loop = EventLoop.start("meters", io.nioreactor.core.LoopOptions.builder().jmx(false).build());
        try {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            NioreactorMetrics.of(loop).bindTo(registry);
            for (LoopMetric metric : LoopMetric.values()) {
                Meter meter = registry.find("nioreactor." + metric.meterName()).tags("group", "meters", "loop", "meters")
                        .meter();
                assertTrue(meter != null, metric + " is bound");
                Class<?> expected = metric.kind() == LoopMetric.Kind.COUNTER ? FunctionCounter.class
                        : metric.unit() == LoopMetric.Unit.NANOSECONDS ? TimeGauge.class : Gauge.class;
                assertTrue(expected.isInstance(meter), metric + " is a " + expected.getSimpleName() + ": " + meter);
                assertEquals(metric.description(), meter.getId().getDescription());
            }
            FunctionCounter bytesRead = registry.get("nioreactor.bytes.read").functionCounter();
            assertEquals(0.0, bytesRead.count());

            TcpServer server = loop.listenTcp(new InetSocketAddress("127.0.0.1", 0), TcpOptions.defaults(),
                    c -> new Echo()).join();
            try (Socket client = new Socket("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort())) {
                OutputStream out = client.getOutputStream();
                InputStream in = client.getInputStream();
                out.write(new byte[1000]);
                assertEquals(1000, in.readNBytes(1000).length);
                assertEquals(1.0, registry.get("nioreactor.connections.open").gauge().value());
            }
            assertEquals(1000.0, bytesRead.count(), "the counter reads the loop's figure live");
            assertEquals(1.0, registry.get("nioreactor.connections.accepted").functionCounter().count());
            assertTrue(registry.get("nioreactor.longest.iteration").timeGauge().value(TimeUnit.NANOSECONDS) > 0);
        } finally {
            loop.shutdownGracefully(Duration.ZERO).get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aGroupsMetersArePerLoopTaggedWithTheGroupAndTheLoop() throws Exception {
        EventLoopGroup group = EventLoopGroup.start("metered", 2, io.nioreactor.core.LoopOptions.builder().jmx(false)
                .build());
        try {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            NioreactorMetrics.of(group).bindTo(registry);
            assertEquals(2, registry.find("nioreactor.loop.iterations").tag("group", "metered").functionCounters().size());
            assertTrue(registry.find("nioreactor.loop.iterations").tags("group", "metered", "loop", "metered-1")
                    .functionCounter() != null);
        } finally {
            group.shutdownGracefully(Duration.ZERO).get(10, TimeUnit.SECONDS);
        }
    }

    /**
     * A lone loop and a group bound into one Prometheus registry both export every meter (the tag
     * keys agree: Prometheus's registry drops a name registered with other keys), and
     * {@code serving} leaves out the figures of channels not served.
     */
    @Test
    void aLoneLoopAndAGroupShareOnePrometheusRegistryAndServingLeavesOutWhatDoesNotApply() throws Exception {
        LoopOptions noJmx = LoopOptions.builder().jmx(false).build();
        EventLoop loop = EventLoop.start("alone", noJmx);
        EventLoopGroup group = EventLoopGroup.start("pair", 2, noJmx);
        try {
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            NioreactorMetrics.of(loop).bindTo(registry);
            NioreactorMetrics.of(group).serving(LoopMetric.Channels.TCP).bindTo(registry);
            String scraped = registry.scrape();
            for (String loopName : new String[] {"alone", "pair-0", "pair-1"}) {
                assertTrue(scraped.contains("nioreactor_bytes_read_total{group=\"" + loopName.replaceAll("-\\d", "")
                        + "\",loop=\"" + loopName + "\"}"), loopName + " in " + scraped);
            }
            assertTrue(scraped.contains("nioreactor_datagrams_received_total{group=\"alone\",loop=\"alone\"}"),
                    "the lone loop's binder has them all");
            assertEquals(false, scraped.contains("nioreactor_datagrams_received_total{group=\"pair\""),
                    "the group's serves TCP only");
            assertEquals(false, scraped.contains("nioreactor_tls_handshakes_completed_total{group=\"pair\""),
                    "and no TLS");
            assertTrue(scraped.contains("nioreactor_loop_iterations_total{group=\"pair\",loop=\"pair-1\"}"),
                    "the figures of every loop stay");
        } finally {
            loop.shutdownGracefully(Duration.ZERO).get(10, TimeUnit.SECONDS);
            group.shutdownGracefully(Duration.ZERO).get(10, TimeUnit.SECONDS);
        }
    }
}
