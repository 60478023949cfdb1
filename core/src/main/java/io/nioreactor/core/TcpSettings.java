package io.nioreactor.core;

import java.net.SocketOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The values of {@link TcpOptions}, with their defaults: what a builder fills and what the options
 * keep a private copy of. {@link TcpOptions} is the public face (each value documented and
 * checked there); this class only holds, copies and prints them.
 */
final class TcpSettings {
    boolean reuseAddress = true;
    boolean reusePort;
    boolean listenerPerLoop = true;
    int backlog = 1024;
    boolean tcpNoDelay = true;
    boolean keepAlive;
    int receiveBufferSize;
    int sendBufferSize;
    int highWaterMark = 64 * 1024;
    int lowWaterMark = 32 * 1024;
    Duration idleTimeout = Duration.ZERO;
    Duration connectTimeout = Duration.ofSeconds(10);
    Duration drainQuietPeriod = Duration.ofMillis(250);
    int maxConnections = Integer.MAX_VALUE;
    final Map<SocketOption<?>, Object> connectionOptions = new LinkedHashMap<>();
    final Map<SocketOption<?>, Object> listenerOptions = new LinkedHashMap<>();
    TlsOptions tls;

    /** The defaults. */
    TcpSettings() {
    }

    /** A copy of {@code from}. */
    TcpSettings(TcpSettings from) {
        reuseAddress = from.reuseAddress;
        reusePort = from.reusePort;
        listenerPerLoop = from.listenerPerLoop;
        backlog = from.backlog;
        tcpNoDelay = from.tcpNoDelay;
        keepAlive = from.keepAlive;
        receiveBufferSize = from.receiveBufferSize;
        sendBufferSize = from.sendBufferSize;
        highWaterMark = from.highWaterMark;
        lowWaterMark = from.lowWaterMark;
        idleTimeout = from.idleTimeout;
        connectTimeout = from.connectTimeout;
        drainQuietPeriod = from.drainQuietPeriod;
        maxConnections = from.maxConnections;
        connectionOptions.putAll(from.connectionOptions);
        listenerOptions.putAll(from.listenerOptions);
        tls = from.tls;
    }

    @Override
    public String toString() {
        return "TcpOptions[reuseAddress=" + reuseAddress + ", reusePort=" + reusePort + ", listenerPerLoop="
                + listenerPerLoop + ", backlog=" + backlog + ", tcpNoDelay=" + tcpNoDelay + ", keepAlive="
                + keepAlive + ", receiveBufferSize=" + receiveBufferSize + ", sendBufferSize=" + sendBufferSize
                + ", highWaterMark=" + highWaterMark + ", lowWaterMark=" + lowWaterMark + ", idleTimeout="
                + idleTimeout + ", connectTimeout=" + connectTimeout + ", drainQuietPeriod=" + drainQuietPeriod
                + ", maxConnections=" + maxConnections
                + ", connectionOptions=" + connectionOptions + ", listenerOptions=" + listenerOptions + ", tls=" + tls
                + "]";
    }
}
