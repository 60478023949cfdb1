package io.nioreactor.core;

import java.net.SocketOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Immutable settings of a {@link UdpEndpoint}, built with {@link #builder()}; a bad value
 * throws {@link IllegalArgumentException} naming the option and the value.
 */
public final class UdpOptions {

    private static final UdpOptions DEFAULTS = builder().build();

    private final boolean reuseAddress;
    private final boolean reusePort;
    private final int receiveBufferSize;
    private final int sendBufferSize;
    private final int sendQueueDatagrams;
    private final int sendQueueBytes;
    private final Map<SocketOption<?>, Object> socketOptions;

    private UdpOptions(Builder b) {
        this.reuseAddress = b.reuseAddress;
        this.reusePort = b.reusePort;
        this.receiveBufferSize = b.receiveBufferSize;
        this.sendBufferSize = b.sendBufferSize;
        this.sendQueueDatagrams = b.sendQueueDatagrams;
        this.sendQueueBytes = b.sendQueueBytes;
        this.socketOptions = SocketOptionSettings.freeze(b.socketOptions);
    }

    /**
     * The defaults: neither SO_REUSEADDR nor SO_REUSEPORT (a port another socket holds is
     * refused), kernel buffer sizes, a send queue of 1,024 datagrams or 4 MiB, whichever is
     * reached first.
     *
     * @return the default options
     */
    public static UdpOptions defaults() {
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
     * Whether SO_REUSEADDR is set. Off by default, and best left off: on Linux it lets any
     * number of UDP sockets whose owners all set it bind the same address, and the kernel then
     * hands each datagram to one of them, so a second copy of a server started by mistake
     * silently takes part of the traffic. (For TCP it means something else, rebinding a port
     * while old connections sit in TIME_WAIT, which {@link TcpOptions#reuseAddress()} keeps on.)
     *
     * @return whether SO_REUSEADDR is set (default {@code false})
     */
    public boolean reuseAddress() {
        return reuseAddress;
    }

    /**
     * Whether SO_REUSEPORT is set: an explicit opt-in to share the port with other sockets
     * that set it too (of the same user), each receiving a share of the datagrams, for instance
     * a new process joining the old one's port for a restart without downtime. Off by default,
     * so a taken port is refused.
     *
     * @return whether SO_REUSEPORT is set (default {@code false})
     */
    public boolean reusePort() {
        return reusePort;
    }

    /** {@return SO_RCVBUF in bytes, or 0 for the kernel's default} */
    public int receiveBufferSize() {
        return receiveBufferSize;
    }

    /** {@return SO_SNDBUF in bytes, or 0 for the kernel's default} */
    public int sendBufferSize() {
        return sendBufferSize;
    }

    /** {@return the most datagrams waiting in the send queue (default 1,024)} */
    public int sendQueueDatagrams() {
        return sendQueueDatagrams;
    }

    /** {@return the most bytes waiting in the send queue (default 4 MiB)} */
    public int sendQueueBytes() {
        return sendQueueBytes;
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
        b.receiveBufferSize = receiveBufferSize;
        b.sendBufferSize = sendBufferSize;
        b.sendQueueDatagrams = sendQueueDatagrams;
        b.sendQueueBytes = sendQueueBytes;
        b.socketOptions.putAll(socketOptions);
        return b;
    }

    /**
     * The socket options set with {@link Builder#option}, in the order they were set.
     *
     * @return an unmodifiable map of option to value
     */
    public Map<SocketOption<?>, Object> socketOptions() {
        return socketOptions;
    }

    @Override
    public String toString() {
        return "UdpOptions[reuseAddress=" + reuseAddress + ", reusePort=" + reusePort
                + ", receiveBufferSize=" + receiveBufferSize + ", sendBufferSize=" + sendBufferSize
                + ", sendQueueDatagrams=" + sendQueueDatagrams + ", sendQueueBytes=" + sendQueueBytes
                + ", options=" + socketOptions + "]";
    }

    /** Builds {@link UdpOptions}. Not thread-safe; each setter checks its value at once. */
    public static final class Builder {
        private boolean reuseAddress;
        private boolean reusePort;
        private int receiveBufferSize;
        private int sendBufferSize;
        private int sendQueueDatagrams = 1024;
        private int sendQueueBytes = 4 * 1024 * 1024;
        private final Map<SocketOption<?>, Object> socketOptions = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Sets any socket option on the endpoint's socket: {@code IP_TOS},
         * {@code IP_MULTICAST_IF}, {@code IP_MULTICAST_TTL}, {@code IP_MULTICAST_LOOP},
         * {@code SO_BROADCAST}, say. Applied after the typed settings of this builder, so it
         * wins over them; read it back with {@link UdpEndpoint#option}. Binding fails with the
         * reason if the socket does not support the option or refuses the value.
         *
         * @param <T>    the option's value type
         * @param option the option
         * @param value  its value, of the option's type
         * @return this builder
         * @throws IllegalArgumentException if the value is not of the option's type
         */
        public <T> Builder option(SocketOption<T> option, T value) {
            SocketOptionSettings.put(socketOptions, "option", option, value);
            return this;
        }

        /**
         * Sets whether to set SO_REUSEADDR; see {@link UdpOptions#reuseAddress()} before.
         *
         * @param on whether to set SO_REUSEADDR; see {@link UdpOptions#reuseAddress()} before
         * turning it on
         * @return this builder
         */
        public Builder reuseAddress(boolean on) {
            this.reuseAddress = on;
            return this;
        }

        /**
         * Sets whether to set SO_REUSEPORT, sharing the port on purpose; see.
         *
         * @param on whether to set SO_REUSEPORT, sharing the port on purpose; see
         * {@link UdpOptions#reusePort()}; binding fails where the platform lacks it
         * @return this builder
         */
        public Builder reusePort(boolean on) {
            this.reusePort = on;
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
         * Sets the most datagrams waiting to be sent, at least 0 (0 = drop.
         *
         * @param datagrams the most datagrams waiting to be sent, at least 0 (0 = drop
         * whatever the socket does not take at once)
         * @return this builder
         */
        public Builder sendQueueDatagrams(int datagrams) {
            this.sendQueueDatagrams = Checks.atLeast("sendQueueDatagrams", datagrams, 0);
            return this;
        }

        /**
         * Sets the most bytes waiting to be sent, at least 0.
         *
         * @param bytes the most bytes waiting to be sent, at least 0
         * @return this builder
         */
        public Builder sendQueueBytes(int bytes) {
            this.sendQueueBytes = Checks.atLeast("sendQueueBytes", bytes, 0);
            return this;
        }

        /** {@return the options} */
        public UdpOptions build() {
            return new UdpOptions(this);
        }
    }
}
