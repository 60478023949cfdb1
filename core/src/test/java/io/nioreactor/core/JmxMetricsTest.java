package io.nioreactor.core;

import static io.nioreactor.core.Loopback.ANY_PORT_V4;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
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
        assertEquals(0L, jmx.getAttribute(name, "ConnectionsAccepted"));
        TcpServer server = loop.listenTcp(ANY_PORT_V4, TcpOptions.defaults(), c -> new TestEchoHandler()).join();
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
    void anEmbedderCanTurnItOff() throws Exception {
        EventLoop loop = EventLoop.start("no-jmx", LoopOptions.builder().jmx(false).build());
        try {
            assertFalse(jmx.isRegistered(name("EventLoop", "no-jmx")));
        } finally {
            loop.shutdownGracefully(Duration.ofSeconds(5)).join();
        }
    }
}
