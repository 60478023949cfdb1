package io.nioreactor.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nioreactor.core.Connection;
import io.nioreactor.core.ConnectionHandler;
import io.nioreactor.core.EventLoop;
import io.nioreactor.core.EventLoopGroup;
import io.nioreactor.core.LoopMetric;
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
                Meter meter = registry.find("nioreactor." + metric.meterName()).tag("loop", "meters").meter();
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
}
