package io.nioreactor.core.internal;

import io.nioreactor.core.TcpOptions;
import io.nioreactor.core.UdpOptions;
import java.io.IOException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.net.ProtocolFamily;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@link TcpOptions} and {@link UdpOptions} to channels. An option the channel's transport does not support
 * (TCP_NODELAY on a Unix domain socket) is skipped, except SO_REUSEPORT when asked for: the
 * user wanted load sharing and must hear that it is not there.
 */
final class SocketSetup {

    private static final Logger log = LoggerFactory.getLogger(SocketSetup.class);

    private SocketSetup() {
    }

    static void configureListener(ServerSocketChannel channel, TcpOptions options) throws IOException {
        channel.configureBlocking(false);
        setIfSupported(channel, StandardSocketOptions.SO_REUSEADDR, options.reuseAddress());
        if (options.reusePort()) {
            if (!channel.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                throw new UnsupportedOperationException("reusePort: SO_REUSEPORT is not supported here");
            }
            channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
        }
        // Set on the listener so accepted sockets inherit it before the handshake (window scaling).
        if (options.receiveBufferSize() > 0) {
            setIfSupported(channel, StandardSocketOptions.SO_RCVBUF, options.receiveBufferSize());
        }
        applyExplicit(channel, options.listenerOptions(), "listener");
    }

    /**
     * Tries the connections' explicit options on a socket of the listener's family, so a
     * listener whose every connection would fail is refused now, with the reason, rather than
     * closing each connection it accepts.
     */
    static void checkConnectionOptions(ProtocolFamily family, TcpOptions options) throws IOException {
        if (options.connectionOptions().isEmpty()) {
            return;
        }
        try (SocketChannel trial = SocketChannel.open(family)) {
            applyExplicit(trial, options.connectionOptions(), "connection");
        }
    }

    static void configureConnection(SocketChannel channel, TcpOptions options) throws IOException {
        channel.configureBlocking(false);
        setIfSupported(channel, StandardSocketOptions.TCP_NODELAY, options.tcpNoDelay());
        setIfSupported(channel, StandardSocketOptions.SO_KEEPALIVE, options.keepAlive());
        if (options.receiveBufferSize() > 0) {
            setIfSupported(channel, StandardSocketOptions.SO_RCVBUF, options.receiveBufferSize());
        }
        if (options.sendBufferSize() > 0) {
            setIfSupported(channel, StandardSocketOptions.SO_SNDBUF, options.sendBufferSize());
        }
        applyExplicit(channel, options.connectionOptions(), "connection");
    }

    /** Non-blocking, the options of binding and the buffers, before a UDP socket binds. */
    static void configureDatagram(DatagramChannel channel, UdpOptions options) throws IOException {
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.SO_REUSEADDR, options.reuseAddress());
        if (options.reusePort()) {
            if (!channel.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                throw new UnsupportedOperationException("reusePort: SO_REUSEPORT is not supported here");
            }
            channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
        }
        configureDatagramBuffers(channel, options);
    }

    /** The buffer sizes and the explicit options of a UDP socket, bound or not. */
    static void configureDatagramBuffers(DatagramChannel channel, UdpOptions options) throws IOException {
        if (options.receiveBufferSize() > 0) {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, options.receiveBufferSize());
        }
        if (options.sendBufferSize() > 0) {
            channel.setOption(StandardSocketOptions.SO_SNDBUF, options.sendBufferSize());
        }
        SocketSetup.applyExplicit(channel, options.socketOptions(), "endpoint");
    }

    /**
     * Sets options the user named one by one: unlike the typed settings, one the transport does
     * not support is an error, reported with the option, its value and the reason.
     *
     * @param what "listener", "connection" or "endpoint", for the message
     */
    static void applyExplicit(NetworkChannel channel, Map<SocketOption<?>, Object> options, String what)
            throws IOException {
        for (Map.Entry<SocketOption<?>, Object> entry : options.entrySet()) {
            SocketOption<?> option = entry.getKey();
            if (!channel.supportedOptions().contains(option)) {
                throw new IOException(what + " option " + option.name() + ": not supported by this socket");
            }
            try {
                set(channel, option, entry.getValue());
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                throw new IOException(what + " option " + option.name() + "=" + entry.getValue() + ": "
                        + e.getMessage(), e);
            }
        }
    }

    @SuppressWarnings("unchecked") // the builder checked the value against the option's type
    private static <T> void set(NetworkChannel channel, SocketOption<T> option, Object value) throws IOException {
        channel.setOption(option, (T) value);
    }

    static <T> void setIfSupported(NetworkChannel channel, SocketOption<T> option, T value) throws IOException {
        if (channel.supportedOptions().contains(option)) {
            channel.setOption(option, value);
        }
    }

    static void closeQuietly(SelectableChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing to do for a channel we are dropping; the error itself is not actionable.
            log.debug("error closing {}: {}", channel, e.toString());
        }
    }
}
