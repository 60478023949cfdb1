package io.nioreactor.core;

import java.net.SocketOption;
import java.time.Duration;
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

    /** A private copy of what the builder set: never changed, never handed out. */
    private final TcpSettings values;
    private final Map<SocketOption<?>, Object> connectionOptions;
    private final Map<SocketOption<?>, Object> listenerOptions;

    private TcpOptions(TcpSettings set) {
        this.values = new TcpSettings(set);
        this.connectionOptions = SocketOptionSettings.freeze(set.connectionOptions);
        this.listenerOptions = SocketOptionSettings.freeze(set.listenerOptions);
    }

    /**
     * {@return the defaults: SO_REUSEADDR and TCP_NODELAY on, backlog 1024, water marks 64 KiB /
     * 32 KiB, no idle timeout, connect timeout 10 s, no connection limit, kernel socket buffer sizes}
     */
    public static TcpOptions defaults() {
        return DEFAULTS;
    }

    /** {@return a new builder, starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return a new builder, starting from these options} */
    public Builder toBuilder() {
        return new Builder(new TcpSettings(values));
    }

    /** {@return whether listeners set SO_REUSEADDR (default {@code true})} */
    public boolean reuseAddress() {
        return values.reuseAddress;
    }

    /**
     * Whether other processes of the same user may listen on the port too (SO_REUSEPORT), the
     * kernel spreading connections over all of them: for a restart beside the old process, say.
     * Off by default, so a port another process holds is refused. A group's own listeners share
     * their port among themselves either way (see {@link #listenerPerLoop()}).
     *
     * @return whether to share the port with other processes (default {@code false})
     */
    public boolean reusePort() {
        return values.reusePort;
    }

    /**
     * How an {@link EventLoopGroup} listens: {@code true} (the default), one socket per loop on
     * the same address (SO_REUSEPORT among the group's own), so the kernel spreads connections
     * over the loops; {@code false}, one loop accepts and hands each connection to the next.
     * Without SO_REUSEPORT, and for Unix domain sockets, a group always hands off. A single
     * {@link EventLoop} ignores it.
     *
     * @return whether a group listens on every loop (default {@code true})
     */
    public boolean listenerPerLoop() {
        return values.listenerPerLoop;
    }

    /** {@return the listen backlog (default 1024; the kernel may cap it)} */
    public int backlog() {
        return values.backlog;
    }

    /** {@return whether TCP_NODELAY is set on connections (default {@code true})} */
    public boolean tcpNoDelay() {
        return values.tcpNoDelay;
    }

    /** {@return whether SO_KEEPALIVE is set on connections (default {@code false})} */
    public boolean keepAlive() {
        return values.keepAlive;
    }

    /** {@return SO_RCVBUF in bytes, or 0 to keep the kernel's default} */
    public int receiveBufferSize() {
        return values.receiveBufferSize;
    }

    /** {@return SO_SNDBUF in bytes, or 0 to keep the kernel's default} */
    public int sendBufferSize() {
        return values.sendBufferSize;
    }

    /** {@return queued outbound bytes above which a connection is not writable (default 64 KiB)} */
    public int highWaterMark() {
        return values.highWaterMark;
    }

    /** {@return queued outbound bytes at or below which it is writable again (default 32 KiB)} */
    public int lowWaterMark() {
        return values.lowWaterMark;
    }

    /** {@return how long a connection may neither read nor write; {@link Duration#ZERO} = off} */
    public Duration idleTimeout() {
        return values.idleTimeout;
    }

    /** {@return how long {@link EventLoop#connectTcp} waits for the connection (default 10 s)} */
    public Duration connectTimeout() {
        return values.connectTimeout;
    }

    /**
     * {@return how long a connection must be quiet (nothing read or written, nothing queued, reading
     * not paused) before a drain, {@link EventLoop#shutdownGracefully}'s or {@link TcpServer#drain}'s,
     * ends it; also how long a connection just accepted has for its first bytes (default 250 ms)}
     */
    public Duration drainQuietPeriod() {
        return values.drainQuietPeriod;
    }

    /** {@return the most connections one server keeps open (default {@link Integer#MAX_VALUE})} */
    public int maxConnections() {
        return values.maxConnections;
    }

    /** {@return the options set with {@link Builder#option} on every connection, in order; unmodifiable} */
    public Map<SocketOption<?>, Object> connectionOptions() {
        return connectionOptions;
    }

    /** {@return the socket options set with {@link Builder#listenerOption} on listening sockets} */
    public Map<SocketOption<?>, Object> listenerOptions() {
        return listenerOptions;
    }

    /** {@return the TLS settings of the connections, or {@code null} for plain TCP (the default)} */
    public TlsOptions tls() {
        return values.tls;
    }

    @Override
    public String toString() {
        return values.toString(); // the frozen socket option maps print as the copies do
    }

    /** Builds {@link TcpOptions}. Not thread-safe; each setter checks its value at once. */
    public static final class Builder {
        private final TcpSettings set;

        private Builder() { // the defaults
            this(new TcpSettings());
        }

        private Builder(TcpSettings set) {
            this.set = set;
        }

        /**
         * Sets TLS for the connections: {@link TlsOptions#server} ones to listen, {@link TlsOptions#client}
         * ones to dial; {@code null} (the default) for plain TCP. Handlers still read and write
         * plaintext, and {@link ConnectionHandler#onOpen} comes after the handshake.
         *
         * @param tls the TLS options, or {@code null}
         * @return this builder
         */
        public Builder tls(TlsOptions tls) {
            set.tls = tls;
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
            SocketOptionSettings.put(set.connectionOptions, "option", option, value);
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
            SocketOptionSettings.put(set.listenerOptions, "listenerOption", option, value);
            return this;
        }

        /**
         * Sets whether listeners set SO_REUSEADDR.
         * @param on whether listeners set SO_REUSEADDR
         * @return this builder
         */
        public Builder reuseAddress(boolean on) {
            set.reuseAddress = on;
            return this;
        }

        /**
         * Sets whether to share the port with other processes (SO_REUSEPORT; see
         * {@link TcpOptions#reusePort()}); listening fails where the platform lacks it.
         * @param on whether to share the port
         * @return this builder
         */
        public Builder reusePort(boolean on) {
            set.reusePort = on;
            return this;
        }

        /**
         * Sets whether a group listens with one socket per loop (the default) or hands
         * connections off from one accepting loop; see {@link TcpOptions#listenerPerLoop()}.
         * @param on one socket per loop
         * @return this builder
         */
        public Builder listenerPerLoop(boolean on) {
            set.listenerPerLoop = on;
            return this;
        }

        /**
         * Sets the listen backlog, at least 1.
         * @param backlog the listen backlog, at least 1
         * @return this builder
         */
        public Builder backlog(int backlog) {
            set.backlog = Checks.atLeast("backlog", backlog, 1);
            return this;
        }

        /**
         * Sets whether connections set TCP_NODELAY.
         * @param on whether connections set TCP_NODELAY
         * @return this builder
         */
        public Builder tcpNoDelay(boolean on) {
            set.tcpNoDelay = on;
            return this;
        }

        /**
         * Sets whether connections set SO_KEEPALIVE.
         * @param on whether connections set SO_KEEPALIVE
         * @return this builder
         */
        public Builder keepAlive(boolean on) {
            set.keepAlive = on;
            return this;
        }

        /**
         * Sets SO_RCVBUF, or 0 for the kernel's default.
         * @param bytes SO_RCVBUF, or 0 for the kernel's default
         * @return this builder
         */
        public Builder receiveBufferSize(int bytes) {
            set.receiveBufferSize = Checks.atLeast("receiveBufferSize", bytes, 0);
            return this;
        }

        /**
         * Sets SO_SNDBUF, or 0 for the kernel's default.
         * @param bytes SO_SNDBUF, or 0 for the kernel's default
         * @return this builder
         */
        public Builder sendBufferSize(int bytes) {
            set.sendBufferSize = Checks.atLeast("sendBufferSize", bytes, 0);
            return this;
        }

        /**
         * Sets queued bytes above which a connection is not writable, at least 1.
         * @param bytes queued bytes above which a connection is not writable, at least 1
         * @return this builder
         */
        public Builder highWaterMark(int bytes) {
            set.highWaterMark = Checks.atLeast("highWaterMark", bytes, 1);
            return this;
        }

        /**
         * Sets queued bytes at or below which a connection is writable again, at least 0.
         * @param bytes queued bytes at or below which a connection is writable again, at least 0
         * @return this builder
         */
        public Builder lowWaterMark(int bytes) {
            set.lowWaterMark = Checks.atLeast("lowWaterMark", bytes, 0);
            return this;
        }

        /**
         * Sets how long a connection may be idle before {@link ConnectionHandler#onIdle}; 0 = off.
         * @param timeout the idle timeout, zero or more
         * @return this builder
         */
        public Builder idleTimeout(Duration timeout) {
            set.idleTimeout = Checks.notNegative("idleTimeout", timeout);
            return this;
        }

        /**
         * Sets how long a client connect may take, more than zero.
         * @param timeout how long a client connect may take, more than zero
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            set.connectTimeout = Checks.positive("connectTimeout", timeout);
            return this;
        }

        /**
         * Sets how long a connection must be quiet before a drain ends it; see {@link TcpOptions#drainQuietPeriod()}.
         * @param period the quiet period, more than zero
         * @return this builder
         */
        public Builder drainQuietPeriod(Duration period) {
            set.drainQuietPeriod = Checks.positive("drainQuietPeriod", period);
            return this;
        }

        /**
         * Sets the most connections one server keeps open; beyond it a new connection is
         * accepted and closed at once.
         * @param max the most connections, at least 1
         * @return this builder
         */
        public Builder maxConnections(int max) {
            set.maxConnections = Checks.atLeast("maxConnections", max, 1);
            return this;
        }

        /**
         * {@return the options}
         * @throws IllegalArgumentException if the low water mark is above the high one
         */
        public TcpOptions build() {
            if (set.lowWaterMark > set.highWaterMark) {
                throw new IllegalArgumentException("lowWaterMark (" + set.lowWaterMark
                        + ") must not be above highWaterMark (" + set.highWaterMark + ")");
            }
            return new TcpOptions(set);
        }
    }
}
