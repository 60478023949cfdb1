package io.nioreactor.core;

import static io.nioreactor.core.Loopback.ANY_PORT_V4;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.AttributeNotFoundException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The loops' metrics read as a JMX client reads them: through an RMI connector on loopback. */
class JmxMetricsTest {

    private JMXConnectorServer connectorServer;
    private JMXConnector connector;
    private MBeanServerConnection jmx;

    @BeforeEach
    void connect() throws Exception {
        connectorServer = JMXConnectorServerFactory.newJMXConnectorServer(new JMXServiceURL("service:jmx:rmi://127.0.0.1"),
                null, ManagementFactory.getPlatformMBeanServer());
        connectorServer.start();
        connector = JMXConnectorFactory.connect(connectorServer.getAddress());
        jmx = connector.getMBeanServerConnection();
    }

    @AfterEach
    void disconnect() throws Exception {
        connector.close();
        connectorServer.stop();
    }

    private static ObjectName name(String type, String name) throws Exception {
        return new ObjectName("io.nioreactor:type=" + type + ",name=" + ObjectName.quote(name));
    }

    @Test
    void aLoopsCountersMoveAsItsTrafficDoesAndLeaveWithIt() throws Exception {
        EventLoop loop = EventLoop.start("jmx-test");
        ObjectName name = name("EventLoop", "jmx-test");
        assertTrue(jmx.isRegistered(name));
        TcpServer server = loop.listenTcp(ANY_PORT_V4, TcpOptions.defaults(), c -> new TestEchoHandler()).join();
        assertEquals(0L, jmx.getAttribute(name, "ConnectionsAccepted"));
        // While traffic runs: one connection open, bytes read rising between two reads of the attribute.
        try (java.nio.channels.SocketChannel live = Loopback.connect(server.localAddress())) {
            Loopback.writeAscii(live, "first");
            assertEquals("first", Loopback.readAscii(live, 5));
            long before = (Long) jmx.getAttribute(name, "BytesRead");
            assertEquals(1L, jmx.getAttribute(name, "ConnectionsOpen"));
            Loopback.writeAscii(live, "second");
            assertEquals("second", Loopback.readAscii(live, 6));
            await().atMost(5, TimeUnit.SECONDS).until(() -> (Long) jmx.getAttribute(name, "BytesRead") == before + 6);
        }
        await().atMost(5, TimeUnit.SECONDS).until(() -> (Long) jmx.getAttribute(name, "ConnectionsOpen") == 0L);
        for (int i = 0; i < 3; i++) {
            Loopback.assertEchoes(server.localAddress(), 100_000, i);
        }
        await().atMost(5, TimeUnit.SECONDS).untilAsserted(() -> {
            assertEquals(4L, jmx.getAttribute(name, "ConnectionsAccepted"));
            assertEquals(300_011L, jmx.getAttribute(name, "BytesRead"));
            assertEquals(300_011L, jmx.getAttribute(name, "BytesWritten"));
            assertEquals(4L, jmx.getAttribute(name, "ConnectionsClosed"));
        });
        assertEquals(loop.metrics().maxQueuedBytes(), jmx.getAttribute(name, "MaxQueuedBytes"));

        // Whoever is told of the termination finds the MBean gone already.
        java.util.concurrent.CompletableFuture<Boolean> registeredWhenTold = loop.terminationFuture()
                .thenApply(ignored -> ManagementFactory.getPlatformMBeanServer().isRegistered(name));
        loop.shutdownGracefully(Duration.ofSeconds(5)).join();
        assertFalse(registeredWhenTold.get(5, TimeUnit.SECONDS), "unregistered before the termination completed");
        assertFalse(jmx.isRegistered(name), "unregistered when the loop terminated");
    }

    @Test
    void loopsOfTheSameNameGetDistinctNamesAndAGroupShowsItsSum() throws Exception {
        EventLoop first = EventLoop.start("twin");
        EventLoop second = EventLoop.start("twin");
        EventLoopGroup group = EventLoopGroup.start("jmx-group", 2);
        try {
            assertTrue(jmx.isRegistered(name("EventLoop", "twin")));
            assertTrue(jmx.isRegistered(name("EventLoop", "twin#2")));
            assertTrue(jmx.isRegistered(name("EventLoop", "jmx-group-0")));
            ObjectName sum = name("EventLoopGroup", "jmx-group");
            TcpServer server = group.listenTcp(ANY_PORT_V4, TcpOptions.defaults(), c -> new TestEchoHandler()).join();
            for (int i = 0; i < 8; i++) {
                Loopback.assertEchoes(server.localAddress(), 1_000, i);
            }
            await().atMost(5, TimeUnit.SECONDS).untilAsserted(() -> {
                assertEquals(8L, jmx.getAttribute(sum, "ConnectionsAccepted"));
                assertEquals(8_000L, jmx.getAttribute(sum, "BytesRead"));
                long perLoop = (Long) jmx.getAttribute(name("EventLoop", "jmx-group-0"), "BytesRead")
                        + (Long) jmx.getAttribute(name("EventLoop", "jmx-group-1"), "BytesRead");
                assertEquals(8_000L, perLoop, "the sum is the loops' sum");
            });
        } finally {
            first.shutdownGracefully(Duration.ofSeconds(5)).join();
            second.shutdownGracefully(Duration.ofSeconds(5)).join();
            group.shutdownGracefully(Duration.ofSeconds(5)).join();
        }
        assertFalse(jmx.isRegistered(name("EventLoop", "twin#2")));
        assertFalse(jmx.isRegistered(name("EventLoopGroup", "jmx-group")));
    }

    @Test
    void everyAttributeSaysWhatItMeansAndWhetherItIsACounterOrAGauge() throws Exception {
        EventLoop loop = EventLoop.start("jmx-described");
        try {
            loop.listenTcp(ANY_PORT_V4, TcpOptions.defaults(), c -> new TestEchoHandler()).join();
            MBeanInfo info = jmx.getMBeanInfo(name("EventLoop", "jmx-described"));
            assertEquals("io.nioreactor.core.LoopMetrics", info.getClassName(), "a public type, not an internal class");
            Map<String, MBeanAttributeInfo> byName = new HashMap<>();
            for (MBeanAttributeInfo attribute : info.getAttributes()) {
                byName.put(attribute.getName(), attribute);
            }
            for (LoopMetric metric : LoopMetric.values()) {
                if (metric.channels() == LoopMetric.Channels.TLS || metric.channels() == LoopMetric.Channels.UDP) {
                    continue;
                }
                MBeanAttributeInfo attribute = byName.get(metric.attributeName());
                assertTrue(attribute != null, metric.attributeName() + " is there");
                String kind = metric.kind() == LoopMetric.Kind.COUNTER ? "counter" : "gauge";
                assertEquals(kind, attribute.getDescriptor().getFieldValue("metricType"), metric.attributeName());
                assertEquals(metric.unit().label(), attribute.getDescriptor().getFieldValue("units"));
                assertEquals("java.lang.Long", attribute.getType(), "an open type: any client reads it");
                assertTrue(attribute.getDescription().startsWith(kind.equals("counter") ? "Counter, " : "Gauge, ")
                        && attribute.getDescription().contains(metric.description()), attribute.getDescription());
            }
            assertEquals("counter", byName.get("BytesRead").getDescriptor().getFieldValue("metricType"));
            assertEquals("gauge", byName.get("ConnectionsOpen").getDescriptor().getFieldValue("metricType"));
        } finally {
            loop.shutdownGracefully(Duration.ofSeconds(5)).join();
        }
    }

    @Test
    void aPlainTcpLoopShowsNoTlsOrDatagramFiguresUntilItServesADatagramSocket() throws Exception {
        EventLoop loop = EventLoop.start("jmx-applies");
        try {
            ObjectName name = name("EventLoop", "jmx-applies");
            loop.listenTcp(ANY_PORT_V4, TcpOptions.defaults(), c -> new TestEchoHandler()).join();
            Set<String> plain = attributeNames(name);
            assertTrue(plain.contains("BytesRead") && plain.contains("LoopIterations"), plain.toString());
            assertFalse(plain.contains("TlsHandshakesCompleted") || plain.contains("DatagramsReceived"), plain.toString());
            assertThrows(AttributeNotFoundException.class, () -> jmx.getAttribute(name, "DatagramsReceived"));

            loop.bindUdp(ANY_PORT_V4, UdpOptions.defaults(), (e, d, s) -> { }).join();
            Set<String> withUdp = attributeNames(name);
            assertTrue(withUdp.contains("DatagramsReceived") && withUdp.contains("DatagramErrors"), withUdp.toString());
            assertFalse(withUdp.contains("TlsHandshakesFailed"), withUdp.toString());
            assertEquals(0L, jmx.getAttribute(name, "DatagramsReceived"));
        } finally {
            loop.shutdownGracefully(Duration.ofSeconds(5)).join();
        }
    }

    @Test
    void aServerShowsItsAddressLoopsAndLimitsWhileItListens() throws Exception {
        EventLoopGroup group = EventLoopGroup.start("jmx-server", 2,
                LoopOptions.builder().maxQueuedBytes(8 << 20).build());
        try {
            TcpOptions options = TcpOptions.builder().maxConnections(77).highWaterMark(96 * 1024)
                    .lowWaterMark(48 * 1024).build();
            TcpServer server = group.listenTcp(ANY_PORT_V4, options, c -> new TestEchoHandler()).join();
            String address = "127.0.0.1:" + ((java.net.InetSocketAddress) server.localAddress()).getPort();
            ObjectName name = name("TcpServer", address);
            assertEquals("io.nioreactor.core.TcpServer", jmx.getMBeanInfo(name).getClassName());
            assertEquals(address, jmx.getAttribute(name, "LocalAddress"));
            assertEquals("tcp", jmx.getAttribute(name, "Transport"));
            assertEquals(2, jmx.getAttribute(name, "Loops"));
            assertEquals(2, jmx.getAttribute(name, "Sockets"), "a socket per loop");
            assertEquals(77, jmx.getAttribute(name, "MaxConnections"));
            assertEquals(96 * 1024, jmx.getAttribute(name, "HighWaterMarkBytes"));
            assertEquals(48 * 1024, jmx.getAttribute(name, "LowWaterMarkBytes"));
            assertEquals(8L << 20, jmx.getAttribute(name, "SendBudgetBytes"), "the group's budget, over its loops");
            assertEquals(true, jmx.getAttribute(name, "Accepting"));
            try (java.nio.channels.SocketChannel client = Loopback.connect(server.localAddress())) {
                await().atMost(5, TimeUnit.SECONDS).until(() -> Integer.valueOf(1).equals(jmx.getAttribute(name,
                        "OpenConnections")));
                assertTrue(client.isConnected());
            }
            assertEquals("gauge", attribute(name, "OpenConnections").getDescriptor().getFieldValue("metricType"));

            server.close().get(5, TimeUnit.SECONDS);
            assertFalse(jmx.isRegistered(name), "gone once close() has completed");
            TcpServer again = group.listenTcp(server.localAddress(), options, c -> new TestEchoHandler()).join();
            assertTrue(jmx.isRegistered(name), "a server on the same address takes the same name, not a #2");
            again.close().get(5, TimeUnit.SECONDS);
        } finally {
            group.shutdownGracefully(Duration.ofSeconds(5)).join();
        }
    }

    @Test
    void aUdpEndpointShowsItsAddressSocketsAndQueuesWhileOpen() throws Exception {
        EventLoopGroup group = EventLoopGroup.start("jmx-udp", 2, LoopOptions.builder().maxQueuedBytes(8 << 20).build());
        try {
            UdpOptions options = UdpOptions.builder().sendQueueDatagrams(300).build();
            UdpEndpoint endpoint = group.bindUdp(ANY_PORT_V4, options, () -> (e, data, sender) -> e.send(data, sender))
                    .join();
            String address = "127.0.0.1:" + ((java.net.InetSocketAddress) endpoint.localAddress()).getPort();
            ObjectName name = name("UdpEndpoint", address);
            assertEquals("io.nioreactor.core.UdpEndpoint", jmx.getMBeanInfo(name).getClassName());
            assertEquals(address, jmx.getAttribute(name, "LocalAddress"));
            assertEquals(2, jmx.getAttribute(name, "Sockets"), "a socket per loop");
            assertEquals(300, jmx.getAttribute(name, "SendQueueDatagrams"));
            assertEquals(options.sendQueueBytes(), jmx.getAttribute(name, "SendQueueBytes"));
            assertEquals(8L << 20, jmx.getAttribute(name, "SendBudgetBytes"));
            assertEquals(true, jmx.getAttribute(name, "Open"));

            endpoint.close().get(5, TimeUnit.SECONDS);
            assertFalse(jmx.isRegistered(name), "gone once close() has completed");
        } finally {
            group.shutdownGracefully(Duration.ofSeconds(5)).join();
        }
    }

    @Test
    void theLongestRecentIterationFallsOnceTheWindowHasPassedWhileTheAllTimeOneStays() throws Exception {
        EventLoop loop = EventLoop.start("jmx-window", LoopOptions.builder().metricsWindow(Duration.ofSeconds(1)).build());
        try {
            ObjectName name = name("EventLoop", "jmx-window");
            long spin = TimeUnit.MILLISECONDS.toNanos(60);
            AtomicLong spinEnded = new AtomicLong();
            loop.execute(() -> {
                long until = System.nanoTime() + spin;
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                spinEnded.set(System.nanoTime());
            });
            await().atMost(5, TimeUnit.SECONDS).until(() -> (Long) jmx.getAttribute(name, "LongestIterationNanos") >= spin);
            long recent = (Long) jmx.getAttribute(name, "LongestRecentIterationNanos");
            assertTrue(recent >= spin, "within the window: " + recent);

            // It stays for the window (kept in sixths: it leaves between one window and seven sixths after)...
            long window = TimeUnit.SECONDS.toNanos(1);
            long stillThereUntil = spinEnded.get() + window * 9 / 10 - System.nanoTime();
            await().during(Duration.ofNanos(Math.max(0, stillThereUntil))).atMost(5, TimeUnit.SECONDS)
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> (Long) jmx.getAttribute(name, "LongestRecentIterationNanos") >= spin);
            // ... then leaves.
            await().atMost(10, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(10))
                    .until(() -> (Long) jmx.getAttribute(name, "LongestRecentIterationNanos") < spin);
            long leftAfter = System.nanoTime() - spinEnded.get();
            System.out.printf("[measure] a 60 ms iteration left the 1 s window's maximum %d ms after it ended%n",
                    leftAfter / 1_000_000);
            assertTrue(leftAfter >= window * 9 / 10 && leftAfter < window * 7 / 6 + TimeUnit.MILLISECONDS.toNanos(300),
                    "it left " + leftAfter / 1_000_000 + " ms after, the window is 1 s");
            assertTrue((Long) jmx.getAttribute(name, "LongestIterationNanos") >= spin, "the all-time one stays");
        } finally {
            loop.shutdownGracefully(Duration.ofSeconds(5)).join();
        }
    }

    private Set<String> attributeNames(ObjectName name) throws Exception {
        Set<String> names = new HashSet<>();
        for (MBeanAttributeInfo attribute : jmx.getMBeanInfo(name).getAttributes()) {
            names.add(attribute.getName());
        }
        return names;
    }

    private MBeanAttributeInfo attribute(ObjectName name, String attribute) throws Exception {
        for (MBeanAttributeInfo info : jmx.getMBeanInfo(name).getAttributes()) {
            if (info.getName().equals(attribute)) {
                return info;
            }
        }
        throw new AssertionError("no " + attribute);
    }

    @Test
    void anEmbedderCanTurnItOff() throws Exception {
        EventLoop loop = EventLoop.start("no-jmx", LoopOptions.builder().jmx(false).build());
        try {
            assertFalse(jmx.isRegistered(name("EventLoop", "no-jmx")));
        } finally {
            loop.shutdownGracefully(Duration.ofSeconds(5)).join();
        }
    }
}
