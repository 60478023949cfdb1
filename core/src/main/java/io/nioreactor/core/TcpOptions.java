package io.nioreactor.core;

import java.net.SocketOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Immutable settings of a TCP server or client connection.
 *
 * <p>Built with {@link #builder()}; every value is checked when set or built, and a bad one
 * throws {@link IllegalArgumentException} naming the option and the value. Options that do
 * not apply to a transport (TCP_NODELAY on a Unix domain socket, say) are ignored there.
 *
 * <pre>{@code
 * TcpOptions options = TcpOptions.builder()
 *         .idleTimeout(Duration.ofMinutes(5))
 *         .maxConnections(10_000)
 *         .build();
 * }</pre>
 */
public final class TcpOptions {

    private static final TcpOptions DEFAULTS = builder().build();

    private final boolean reuseAddress;
    private final boolean reusePort;
    private final boolean listenerPerLoop;
    private final int backlog;
    private final boolean tcpNoDelay;
    private final boolean keepAlive;
    private final int receiveBufferSize;
    private final int sendBufferSize;
    private final int highWaterMark;
    private final int lowWaterMark;
    private final Duration idleTimeout;
    private final Duration connectTimeout;
    private final int maxConnections;
    private final Map<SocketOption<?>, Object> connectionOptions;
    private final Map<SocketOption<?>, Object> listenerOptions;
    private final TlsOptions tls;

    private TcpOptions(Builder b) {
        this.reuseAddress = b.reuseAddress;
        this.reusePort = b.reusePort;
        this.listenerPerLoop = b.listenerPerLoop;
        this.backlog = b.backlog;
        this.tcpNoDelay = b.tcpNoDelay;
        this.keepAlive = b.keepAlive;
        this.receiveBufferSize = b.receiveBufferSize;
        this.sendBufferSize = b.sendBufferSize;
        this.highWaterMark = b.highWaterMark;
        this.lowWaterMark = b.lowWaterMark;
        this.idleTimeout = b.idleTimeout;
        this.connectTimeout = b.connectTimeout;
        this.maxConnections = b.maxConnections;
        this.connectionOptions = SocketOptionSettings.freeze(b.connectionOptions);
        this.listenerOptions = SocketOptionSettings.freeze(b.listenerOptions);
        this.tls = b.tls;
    }

    /**
     * The defaults: SO_REUSEADDR and TCP_NODELAY on, backlog 1024, water marks 64 KiB / 32 KiB,
     * no idle timeout, connect timeout 10 s, no connection limit, kernel socket buffer sizes.
     *
     * @return the default options
     */
    public static TcpOptions defaults() {
        return DEFAULTS;
    }

    /**
     * A builder starting from the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder starting from these options.
     *
     * @return a new builder holding a copy of these values
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.reuseAddress = reuseAddress;
        b.reusePort = reusePort;
        b.listenerPerLoop = listenerPerLoop;
        b.backlog = backlog;
        b.tcpNoDelay = tcpNoDelay;
        b.keepAlive = keepAlive;
        b.receiveBufferSize = receiveBufferSize;
        b.sendBufferSize = sendBufferSize;
        b.highWaterMark = highWaterMark;
        b.lowWaterMark = lowWaterMark;
        b.idleTimeout = idleTimeout;
        b.connectTimeout = connectTimeout;
        b.maxConnections = maxConnections;
        b.connectionOptions.putAll(connectionOptions);
        b.listenerOptions.putAll(listenerOptions);
        b.tls = tls;
        return b;
    }

    /**
     * Whether listeners set SO_REUSEADDR (default {@code true}).
     *
     * @return whether listeners set SO_REUSEADDR (default {@code true})
     */
    public boolean reuseAddress() {
        return reuseAddress;
    }

    /**
     * Whether other processes may share the port: listeners set SO_REUSEPORT, and another
     * process (of the same user) that sets it too can listen on the same address, the kernel
     * spreading connections over both; for a restart beside the old process, say. Off by
     * default, so a port another process holds is refused. A group's own listeners share their
     * port among themselves either way (see {@link #listenerPerLoop()}).
     *
     * @return whether to share the port with other processes (default {@code false})
     */
    public boolean reusePort() {
        return reusePort;
    }

    /**
     * How an {@link EventLoopGroup} listens: {@code true} (the default), one listening socket
     * per loop on the same address, with SO_REUSEPORT among the group's own sockets, so the
     * kernel spreads connections over the loops and none is handed from loop to loop;
     * {@code false}, one loop accepts and hands each connection to the next loop. Where
     * SO_REUSEPORT is missing, and for Unix domain sockets, a group always hands off. A single
     * {@link EventLoop} ignores it.
     *
     * @return whether a group listens on every loop (default {@code true})
     */
    public boolean listenerPerLoop() {
        return listenerPerLoop;
    }

    /**
     * The listen backlog (default 1024; the kernel may cap it).
     *
     * @return the listen backlog (default 1024; the kernel may cap it)
     */
    public int backlog() {
        return backlog;
    }

    /**
     * Whether TCP_NODELAY is set on connections (default {@code true}).
     *
     * @return whether TCP_NODELAY is set on connections (default {@code true})
     */
    public boolean tcpNoDelay() {
        return tcpNoDelay;
    }

    /**
     * Whether SO_KEEPALIVE is set on connections (default {@code false}).
     *
     * @return whether SO_KEEPALIVE is set on connections (default {@code false})
     */
    public boolean keepAlive() {
        return keepAlive;
    }

    /**
     * SO_RCVBUF in bytes, or 0 to keep the kernel's default.
     *
     * @return SO_RCVBUF in bytes, or 0 to keep the kernel's default
     */
    public int receiveBufferSize() {
        return receiveBufferSize;
    }

    /**
     * SO_SNDBUF in bytes, or 0 to keep the kernel's default.
     *
     * @return SO_SNDBUF in bytes, or 0 to keep the kernel's default
     */
    public int sendBufferSize() {
        return sendBufferSize;
    }

    /**
     * Queued outbound bytes above which a connection is not writable (default 64 KiB).
     *
     * @return queued outbound bytes above which a connection is not writable (default 64 KiB)
     */
    public int highWaterMark() {
        return highWaterMark;
    }

    /**
     * Queued outbound bytes at or below which it is writable again (default 32 KiB).
     *
     * @return queued outbound bytes at or below which it is writable again (default 32 KiB)
     */
    public int lowWaterMark() {
        return lowWaterMark;
    }

    /**
     * How long a connection may neither read nor write; {@link Duration#ZERO} = off.
     *
     * @return how long a connection may neither read nor write; {@link Duration#ZERO} = off
     */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /**
     * How long {@link EventLoop#connectTcp} waits for the connection (default 10 s).
     *
     * @return how long {@link EventLoop#connectTcp} waits for the connection (default 10 s)
     */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /**
     * The most connections one server keeps open (default {@link Integer#MAX_VALUE}).
     *
     * @return the most connections one server keeps open (default {@link Integer#MAX_VALUE})
     */
    public int maxConnections() {
        return maxConnections;
    }

    /**
     * The socket options set with {@link Builder#option} on every connection, accepted or
     * dialed, in the order they were set.
     *
     * @return an unmodifiable map of option to value
     */
    public Map<SocketOption<?>, Object> connectionOptions() {
        return connectionOptions;
    }

    /**
     * The socket options set with {@link Builder#listenerOption} on listening sockets.
     *
     * @return an unmodifiable map of option to value
     */
    public Map<SocketOption<?>, Object> listenerOptions() {
        return listenerOptions;
    }

    /**
     * The TLS settings of the connections, or {@code null} for plain TCP (the default).
     *
     * @return the TLS options, or {@code null}
     */
    public TlsOptions tls() {
        return tls;
    }

    @Override
    public String toString() {
        return "TcpOptions[reuseAddress=" + reuseAddress + ", reusePort=" + reusePort + ", listenerPerLoop=" + listenerPerLoop
                + ", backlog=" + backlog + ", tcpNoDelay=" + tcpNoDelay + ", keepAlive=" + keepAlive
                + ", receiveBufferSize=" + receiveBufferSize + ", sendBufferSize=" + sendBufferSize
                + ", highWaterMark=" + highWaterMark + ", lowWaterMark=" + lowWaterMark
                + ", idleTimeout=" + idleTimeout + ", connectTimeout=" + connectTimeout
                + ", maxConnections=" + maxConnections + ", connectionOptions=" + connectionOptions
                + ", listenerOptions=" + listenerOptions + ", tls=" + tls + "]";
    }

    /**
     * Builds {@link TcpOptions}. Not thread-safe; each setter checks its value at once.
     */
    public static final class Builder {
        private boolean reuseAddress = true;
        private boolean reusePort;
        private boolean listenerPerLoop = true;
        private int backlog = 1024;
        private boolean tcpNoDelay = true;
        private boolean keepAlive;
        private int receiveBufferSize;
        private int sendBufferSize;
        private int highWaterMark = 64 * 1024;
        private int lowWaterMark = 32 * 1024;
        private Duration idleTimeout = Duration.ZERO;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private int maxConnections = Integer.MAX_VALUE;
        private final Map<SocketOption<?>, Object> connectionOptions = new LinkedHashMap<>();
        private final Map<SocketOption<?>, Object> listenerOptions = new LinkedHashMap<>();
        private TlsOptions tls;

        private Builder() {
        }

        /**
         * Sets TLS for the connections: {@link TlsOptions#server} ones to listen,
         * {@link TlsOptions#client} ones to dial; {@code null} (the default) for plain TCP.
         * Handlers still read and write plaintext, and {@link ConnectionHandler#onOpen} comes
         * after the handshake.
         *
         * @param tls the TLS options, or {@code null}
         * @return this builder
         */
        public Builder tls(TlsOptions tls) {
            this.tls = tls;
            return this;
        }

        /**
         * Sets any socket option on every connection, accepted or dialed (Netty's
         * {@code childOption}): {@code SO_LINGER}, {@code IP_TOS}, or
         * {@code jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE}, say. Applied after the typed
         * settings of this builder, so it wins over them; read it back with
         * {@link Connection#option}. A listener checks at once that its connections' transport
         * supports the option and takes the value: if not, listening fails with the reason.
         * {@code SO_LINGER} above 0 makes closing a socket block the loop thread for up to that
         * many seconds: leave it unset (or 0, a reset). {@code SO_RCVBUF} set here comes after
         * the handshake; set it with {@link #listenerOption} (or {@link #receiveBufferSize}) for
         * accepted connections to inherit it before window scaling is agreed.
         *
         * @param <T>    the option's value type
         * @param option the option
         * @param value  its value, of the option's type
         * @return this builder
         * @throws IllegalArgumentException if the value is not of the option's type
         */
        public <T> Builder option(SocketOption<T> option, T value) {
            SocketOptionSettings.put(connectionOptions, "option", option, value);
            return this;
        }

        /**
         * Sets any socket option on listening sockets (Netty's {@code option}), after the typed
         * settings; read it back with {@link TcpServer#option}. A group's own listeners set
         * SO_REUSEPORT among themselves whatever this says (see {@link TcpOptions#listenerPerLoop()}).
         *
         * @param <T>    the option's value type
         * @param option the option
         * @param value  its value, of the option's type
         * @return this builder
         * @throws IllegalArgumentException if the value is not of the option's type
         */
        public <T> Builder listenerOption(SocketOption<T> option, T value) {
            SocketOptionSettings.put(listenerOptions, "listenerOption", option, value);
            return this;
        }

        /**
         * Sets whether listeners set SO_REUSEADDR.
         *
         * @param on whether listeners set SO_REUSEADDR
         * @return this builder
         */
        public Builder reuseAddress(boolean on) {
            this.reuseAddress = on;
            return this;
        }

        /**
         * Sets whether to share the port with other processes (SO_REUSEPORT); see.
         *
         * @param on whether to share the port with other processes (SO_REUSEPORT); see
         * {@link TcpOptions#reusePort()}; listening fails where the platform lacks it
         * @return this builder
         */
        public Builder reusePort(boolean on) {
            this.reusePort = on;
            return this;
        }

        /**
         * Sets whether a group listens with one socket per loop (default) or hands.
         *
         * @param on whether a group listens with one socket per loop (default) or hands
         * connections off from one accepting loop; see {@link TcpOptions#listenerPerLoop()}
         * @return this builder
         */
        public Builder listenerPerLoop(boolean on) {
            this.listenerPerLoop = on;
            return this;
        }

        /**
         * Sets the listen backlog, at least 1.
         *
         * @param backlog the listen backlog, at least 1
         * @return this builder
         */
        public Builder backlog(int backlog) {
            this.backlog = Checks.atLeast("backlog", backlog, 1);
            return this;
        }

        /**
         * Sets whether connections set TCP_NODELAY.
         *
         * @param on whether connections set TCP_NODELAY
         * @return this builder
         */
        public Builder tcpNoDelay(boolean on) {
            this.tcpNoDelay = on;
            return this;
        }

        /**
         * Sets whether connections set SO_KEEPALIVE.
         *
         * @param on whether connections set SO_KEEPALIVE
         * @return this builder
         */
        public Builder keepAlive(boolean on) {
            this.keepAlive = on;
            return this;
        }

        /**
         * Sets SO_RCVBUF, or 0 for the kernel's default.
         *
         * @param bytes SO_RCVBUF, or 0 for the kernel's default
         * @return this builder
         */
        public Builder receiveBufferSize(int bytes) {
            this.receiveBufferSize = Checks.atLeast("receiveBufferSize", bytes, 0);
            return this;
        }

        /**
         * Sets SO_SNDBUF, or 0 for the kernel's default.
         *
         * @param bytes SO_SNDBUF, or 0 for the kernel's default
         * @return this builder
         */
        public Builder sendBufferSize(int bytes) {
            this.sendBufferSize = Checks.atLeast("sendBufferSize", bytes, 0);
            return this;
        }

        /**
         * Sets queued bytes above which a connection is not writable, at least 1.
         *
         * @param bytes queued bytes above which a connection is not writable, at least 1
         * @return this builder
         */
        public Builder highWaterMark(int bytes) {
            this.highWaterMark = Checks.atLeast("highWaterMark", bytes, 1);
            return this;
        }

        /**
         * Sets queued bytes at or below which a connection is writable again, at least 0.
         *
         * @param bytes queued bytes at or below which a connection is writable again, at least 0
         * @return this builder
         */
        public Builder lowWaterMark(int bytes) {
            this.lowWaterMark = Checks.atLeast("lowWaterMark", bytes, 0);
            return this;
        }

        /**
         * Sets how long a connection may neither read nor write before.
         *
         * @param timeout how long a connection may neither read nor write before
         * {@link ConnectionHandler#onIdle} is called; {@link Duration#ZERO} = off
         * @return this builder
         */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = Checks.notNegative("idleTimeout", timeout);
            return this;
        }

        /**
         * Sets how long a client connect may take, more than zero.
         *
         * @param timeout how long a client connect may take, more than zero
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Checks.positive("connectTimeout", timeout);
            return this;
        }

        /**
         * Sets the most connections one server keeps open, at least 1; beyond it a new.
         *
         * @param max the most connections one server keeps open, at least 1; beyond it a new
         * connection is accepted and closed at once
         * @return this builder
         */
        public Builder maxConnections(int max) {
            this.maxConnections = Checks.atLeast("maxConnections", max, 1);
            return this;
        }

        /**
         * The options.
         *
         * @return the options
         * @throws IllegalArgumentException if the low water mark is above the high one
         */
        public TcpOptions build() {
            if (lowWaterMark > highWaterMark) {
                throw new IllegalArgumentException("lowWaterMark (" + lowWaterMark
                        + ") must not be above highWaterMark (" + highWaterMark + ")");
            }
            return new TcpOptions(this);
        }
    }
}
