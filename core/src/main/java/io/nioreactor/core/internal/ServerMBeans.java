package io.nioreactor.core.internal;

import io.nioreactor.core.TcpOptions;
import io.nioreactor.core.TcpServer;
import io.nioreactor.core.UdpEndpoint;
import io.nioreactor.core.UdpOptions;
import java.net.UnixDomainSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.management.openmbean.SimpleType;

/**
 * The MBeans of servers and UDP endpoints, while they are open: where each listens, how many loops
 * and sockets serve it, its limits (connections, water marks, the send budget of its loops) and
 * its connections now. {@code io.nioreactor:type=TcpServer,name="127.0.0.1:7007"} and
 * {@code type=UdpEndpoint}; their class names are the public {@link TcpServer} and
 * {@link UdpEndpoint}.
 */
final class ServerMBeans {

    private ServerMBeans() {
    }

    /**
     * Registers {@code server}'s MBean if its loops have JMX on, and unregisters it once {@code closed} completes.
     *
     * @return completed as {@code closed}, once the MBean is gone: what the server's callers wait for, so
     *         that a server opened next on the same address gets the same name
     */
    static CompletableFuture<Void> register(TcpServer server, TcpOptions options, List<LoopCore> loops, int sockets,
            CompletableFuture<Void> closed) {
        if (!loops.get(0).jmx()) {
            return closed;
        }
        String transport = options.tls() != null ? "tls"
                : server.localAddress() instanceof UnixDomainSocketAddress ? "unix" : "tcp";
        List<FixedAttributesMBean.Attr> attributes = List.of(
                setting("LocalAddress", "The address it listens on", SimpleType.STRING,
                        Addresses.describe(server.localAddress())),
                setting("Transport", "tcp, tls or unix", SimpleType.STRING, transport),
                setting("Loops", "Loops its connections are served on", SimpleType.INTEGER, loops.size()),
                setting("Sockets", "Listening sockets: one per loop (SO_REUSEPORT), or one that hands connections"
                        + " round", SimpleType.INTEGER, sockets),
                live("Accepting", "Whether it still accepts connections", SimpleType.BOOLEAN, null, server::isOpen),
                live("OpenConnections", "Gauge, connections: its connections open now", SimpleType.INTEGER, "gauge",
                        server::openConnections),
                setting("MaxConnections", "Its connections open at once at most; more are closed at once",
                        SimpleType.INTEGER, options.maxConnections()),
                setting("HighWaterMarkBytes", "Bytes queued for one connection past which it is not writable (and"
                        + " the echo stops reading it)", SimpleType.INTEGER, options.highWaterMark()),
                setting("LowWaterMarkBytes", "Bytes queued at or below which it is writable again",
                        SimpleType.INTEGER, options.lowWaterMark()),
                setting("IdleTimeoutMillis", "A connection idle this long is closed; 0 = never", SimpleType.LONG,
                        options.idleTimeout().toMillis()),
                setting("DrainQuietPeriodMillis", "How long a connection must be quiet before a graceful stop ends it",
                        SimpleType.LONG, options.drainQuietPeriod().toMillis()),
                live("SendBudgetBytes", "The send budget of the loops serving it, summed: bytes held for sending"
                        + " past which reading pauses (shared with their other channels)", SimpleType.LONG, null,
                        () -> budget(loops)));
        Runnable unregister = MBeans.register("TcpServer", Addresses.describe(server.localAddress()),
                new FixedAttributesMBean(TcpServer.class.getName(), "A TCP, TLS or Unix domain server", attributes));
        return closed.whenComplete((ignored, failure) -> unregister.run());
    }

    /**
     * Registers {@code endpoint}'s MBean if its loops have JMX on, and unregisters it once {@code closed} completes.
     *
     * @return completed as {@code closed}, once the MBean is gone
     */
    static CompletableFuture<Void> register(UdpEndpoint endpoint, UdpOptions options, List<LoopCore> loops,
            CompletableFuture<Void> closed) {
        if (!loops.get(0).jmx()) {
            return closed;
        }
        List<FixedAttributesMBean.Attr> attributes = List.of(
                setting("LocalAddress", "The address it is bound to", SimpleType.STRING,
                        Addresses.describe(endpoint.localAddress())),
                setting("Sockets", "Sockets on that address, one per loop, each read by its loop", SimpleType.INTEGER,
                        loops.size()),
                live("Open", "Whether it is open", SimpleType.BOOLEAN, null, endpoint::isOpen),
                setting("SendQueueDatagrams", "Datagrams queued for sending per socket at most",
                        SimpleType.INTEGER, options.sendQueueDatagrams()),
                setting("SendQueueBytes", "Bytes queued for sending per socket at most", SimpleType.INTEGER,
                        options.sendQueueBytes()),
                live("SendBudgetBytes", "The send budget of its loops, summed (shared with their other channels)",
                        SimpleType.LONG, null, () -> budget(loops)));
        Runnable unregister = MBeans.register("UdpEndpoint", Addresses.describe(endpoint.localAddress()),
                new FixedAttributesMBean(UdpEndpoint.class.getName(), "A UDP endpoint", attributes));
        return closed.whenComplete((ignored, failure) -> unregister.run());
    }

    private static long budget(List<LoopCore> loops) {
        long sum = 0;
        for (LoopCore loop : loops) {
            sum += loop.counters().maxQueuedBytes();
        }
        return sum;
    }

    private static FixedAttributesMBean.Attr setting(String name, String description, SimpleType<?> type,
            Object value) {
        return new FixedAttributesMBean.Attr(name, description, type, null, () -> value);
    }

    private static FixedAttributesMBean.Attr live(String name, String description, SimpleType<?> type,
            String metricType, java.util.function.Supplier<?> value) {
        return new FixedAttributesMBean.Attr(name, description, type, metricType, value);
    }
}
