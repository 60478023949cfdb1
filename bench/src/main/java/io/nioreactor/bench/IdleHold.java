package io.nioreactor.bench;

import java.io.IOException;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens and holds idle connections, to measure what a server spends per connection. For an
 * IPv4 loopback target the connections come from 127.0.0.2, then 127.0.0.3 and so on as each
 * address runs out of ephemeral ports, leaving 127.0.0.1's ports to the load runs. A connect
 * that gets no answer (a server that stopped accepting, its backlog full) fails after a timeout
 * rather than waiting out the kernel's SYN retries. Closing resets the connections: 10,000
 * sockets in TIME_WAIT for a minute would starve the next runs of ports.
 */
final class IdleHold implements AutoCloseable {

    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    private final List<SocketChannel> channels = new ArrayList<>();
    /** The TLS sessions over the channels, kept so that nothing of them is collected. */
    private final List<javax.net.ssl.SSLSocket> tlsSockets = new ArrayList<>();
    private String failure;

    /**
     * Opens up to {@code connections}; stops at the first connect that fails.
     *
     * @return the connections held; {@link #failure()} says why there are fewer than asked
     */
    static IdleHold open(InetSocketAddress target, int connections) throws IOException {
        return open(target, connections, null);
    }

    /**
     * Opens up to {@code connections}, each with a TLS handshake over it when {@code tls} is given
     * (then idle after the handshake, as a TLS server holds its connections most of the time).
     *
     * @return the connections held; {@link #failure()} says why there are fewer than asked
     */
    static IdleHold open(InetSocketAddress target, int connections, javax.net.ssl.SSLContext tls) throws IOException {
        IdleHold hold = new IdleHold();
        boolean spread = target.getAddress() instanceof Inet4Address && target.getAddress().isLoopbackAddress();
        int source = 2;
        while (hold.channels.size() < connections && hold.failure == null) {
            SocketChannel channel = SocketChannel.open(spread ? StandardProtocolFamily.INET : protocolOf(target));
            if (spread) {
                try {
                    channel.bind(new InetSocketAddress("127.0.0." + source, 0));
                } catch (BindException portsExhausted) {
                    channel.close();
                    if (++source > 254) {
                        hold.failure = "out of source ports: " + portsExhausted.getMessage();
                    }
                    continue;
                }
            }
            try {
                channel.socket().connect(target, CONNECT_TIMEOUT_MILLIS);
                hold.channels.add(channel);
                if (tls != null) {
                    javax.net.ssl.SSLSocket session = (javax.net.ssl.SSLSocket) tls.getSocketFactory()
                            .createSocket(channel.socket(), target.getHostString(), target.getPort(), false);
                    session.setSoTimeout(CONNECT_TIMEOUT_MILLIS);
                    session.startHandshake();
                    hold.tlsSockets.add(session);
                }
            } catch (IOException e) {
                channel.close();
                hold.failure = "connect " + (hold.channels.size() + 1) + " failed: " + e.getMessage();
            }
        }
        return hold;
    }

    private static StandardProtocolFamily protocolOf(InetSocketAddress target) {
        return target.getAddress() instanceof Inet4Address ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
    }

    int size() {
        return channels.size();
    }

    /** @return why fewer connections than asked were opened, or {@code null} */
    String failure() {
        return failure;
    }

    @Override
    public void close() throws IOException {
        for (SocketChannel channel : channels) {
            channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            channel.close();
        }
        channels.clear();
        tlsSockets.clear();
    }
}
