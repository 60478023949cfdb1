package io.nioreactor.core.internal;

import io.nioreactor.core.DatagramHandler;
import io.nioreactor.core.UdpOptions;
import java.io.IOException;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a {@link UdpChannel} of a socket: binds one (alone, or one of a group's sockets sharing an
 * address), or serves one bound already, configured from {@link UdpOptions} and registered with
 * its loop.
 */
final class UdpBinding {

    /** The endpoint's own logger: "bound" and "serving" lines read as the endpoint's. */
    private static final Logger log = LoggerFactory.getLogger(UdpChannel.class);

    private UdpBinding() {
    }

    /** Makes the calls a bound channel's endpoint goes through; may configure the channel. */
    @FunctionalInterface
    interface IoFactory {
        DatagramIo create(DatagramChannel channel) throws IOException;
    }

    /** Binds an endpoint of its own to {@code address} on {@code loop}. */
    static UdpChannel open(LoopCore loop, SocketAddress address, UdpOptions options, DatagramHandler handler)
            throws IOException {
        return open(loop, address, options, handler, DatagramIo::of, false);
    }

    /**
     * Binds one of a group's endpoints: with SO_REUSEPORT, so that the group's sockets on the
     * other loops bind the same address and the kernel spreads datagrams by source.
     */
    static UdpChannel openInGroup(LoopCore loop, SocketAddress address, UdpOptions options, DatagramHandler handler)
            throws IOException {
        return open(loop, address, options, handler, DatagramIo::of, true);
    }

    /**
     * Serves a socket bound already (one the process inherited, say), as it is: the options of
     * binding (reuseAddress, reusePort) were its maker's; the buffer sizes and explicit options apply.
     */
    static UdpChannel serve(LoopCore loop, DatagramChannel bound, UdpOptions options, DatagramHandler handler)
            throws IOException {
        Objects.requireNonNull(bound, "bound");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handler, "handler");
        if (bound.getLocalAddress() == null) {
            throw new IllegalArgumentException("the channel to serve is not bound: " + bound);
        }
        bound.configureBlocking(false);
        SocketSetup.configureDatagramBuffers(bound, options);
        UdpChannel endpoint = new UdpChannel(loop, bound, DatagramIo.of(bound), options, handler, false);
        endpoint.register();
        log.debug("serving {}", endpoint);
        return endpoint;
    }

    /**
     * As {@link #open(LoopCore, SocketAddress, UdpOptions, DatagramHandler)}, with the socket's
     * calls made through what {@code ioFactory} makes of the bound channel: a seam for tests.
     */
    static UdpChannel open(LoopCore loop, SocketAddress address, UdpOptions options, DatagramHandler handler,
            IoFactory ioFactory, boolean sharedInGroup) throws IOException {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handler, "handler");
        ProtocolFamily family = Addresses.familyOf(address);
        if (family == StandardProtocolFamily.UNIX) {
            throw new IllegalArgumentException("UDP needs an IP address, not " + address);
        }
        DatagramChannel channel = DatagramChannel.open(family);
        try {
            SocketSetup.configureDatagram(channel, options);
            if (sharedInGroup) {
                channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            channel.bind(address);
            UdpChannel endpoint = new UdpChannel(loop, channel, ioFactory.create(channel), options, handler, true);
            endpoint.register();
            log.debug("bound {}", endpoint);
            return endpoint;
        } catch (IOException e) {
            SocketSetup.closeQuietly(channel);
            throw Addresses.bindFailure("cannot bind ", address, e);
        } catch (RuntimeException e) {
            SocketSetup.closeQuietly(channel);
            throw e;
        }
    }
}
