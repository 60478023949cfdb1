package io.nioreactor.core;

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

    private UdpOptions(Builder b) {
        this.reuseAddress = b.reuseAddress;
        this.reusePort = b.reusePort;
        this.receiveBufferSize = b.receiveBufferSize;
        this.sendBufferSize = b.sendBufferSize;
        this.sendQueueDatagrams = b.sendQueueDatagrams;
        this.sendQueueBytes = b.sendQueueBytes;
    }

    /**
     * The defaults: SO_REUSEADDR on, kernel buffer sizes, a send queue of 1,024 datagrams or
     * 4 MiB, whichever is reached first.
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

    /** @return whether SO_REUSEADDR is set (default {@code true}) */
    public boolean reuseAddress() {
        return reuseAddress;
    }

    /** @return whether SO_REUSEPORT is set (default {@code false}) */
    public boolean reusePort() {
        return reusePort;
    }

    /** @return SO_RCVBUF in bytes, or 0 for the kernel's default */
    public int receiveBufferSize() {
        return receiveBufferSize;
    }

    /** @return SO_SNDBUF in bytes, or 0 for the kernel's default */
    public int sendBufferSize() {
        return sendBufferSize;
    }

    /** @return the most datagrams waiting in the send queue (default 1,024) */
    public int sendQueueDatagrams() {
        return sendQueueDatagrams;
    }

    /** @return the most bytes waiting in the send queue (default 4 MiB) */
    public int sendQueueBytes() {
        return sendQueueBytes;
    }

    @Override
    public String toString() {
        return "UdpOptions[reuseAddress=" + reuseAddress + ", reusePort=" + reusePort
                + ", receiveBufferSize=" + receiveBufferSize + ", sendBufferSize=" + sendBufferSize
                + ", sendQueueDatagrams=" + sendQueueDatagrams + ", sendQueueBytes=" + sendQueueBytes + "]";
    }

    /** Builds {@link UdpOptions}. Not thread-safe; each setter checks its value at once. */
    public static final class Builder {
        private boolean reuseAddress = true;
        private boolean reusePort;
        private int receiveBufferSize;
        private int sendBufferSize;
        private int sendQueueDatagrams = 1024;
        private int sendQueueBytes = 4 * 1024 * 1024;

        private Builder() {
        }

        /**
         * @param on whether to set SO_REUSEADDR
         * @return this builder
         */
        public Builder reuseAddress(boolean on) {
            this.reuseAddress = on;
            return this;
        }

        /**
         * @param on whether to set SO_REUSEPORT; binding fails where the platform lacks it
         * @return this builder
         */
        public Builder reusePort(boolean on) {
            this.reusePort = on;
            return this;
        }

        /**
         * @param bytes SO_RCVBUF, or 0 for the kernel's default
         * @return this builder
         */
        public Builder receiveBufferSize(int bytes) {
            this.receiveBufferSize = Checks.atLeast("receiveBufferSize", bytes, 0);
            return this;
        }

        /**
         * @param bytes SO_SNDBUF, or 0 for the kernel's default
         * @return this builder
         */
        public Builder sendBufferSize(int bytes) {
            this.sendBufferSize = Checks.atLeast("sendBufferSize", bytes, 0);
            return this;
        }

        /**
         * @param datagrams the most datagrams waiting to be sent, at least 0 (0 = drop
         *                  whatever the socket does not take at once)
         * @return this builder
         */
        public Builder sendQueueDatagrams(int datagrams) {
            this.sendQueueDatagrams = Checks.atLeast("sendQueueDatagrams", datagrams, 0);
            return this;
        }

        /**
         * @param bytes the most bytes waiting to be sent, at least 0
         * @return this builder
         */
        public Builder sendQueueBytes(int bytes) {
            this.sendQueueBytes = Checks.atLeast("sendQueueBytes", bytes, 0);
            return this;
        }

        /** @return the options */
        public UdpOptions build() {
            return new UdpOptions(this);
        }
    }
}
