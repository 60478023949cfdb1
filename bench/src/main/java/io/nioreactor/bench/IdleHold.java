package io.nioreactor.bench;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens and holds idle connections, to measure what a server spends per connection. When the
 * ephemeral ports of one source address run out it moves on to 127.0.0.2, 127.0.0.3, ...
 * A connect that gets no answer (a server that stopped accepting and whose backlog is full)
 * fails after a timeout rather than waiting out the kernel's SYN retries.
 */
final class IdleHold implements AutoCloseable {

    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    private final List<SocketChannel> channels = new ArrayList<>();

    /**
     * Opens up to {@code connections}; stops at the first connect that fails.
     *
     * @return the connections held; {@link #failure()} says why there are fewer than asked
     */
    static IdleHold open(InetSocketAddress target, int connections) throws IOException {
        IdleHold hold = new IdleHold();
        int source = 1;
        while (hold.channels.size() < connections && hold.failure == null) {
            SocketChannel channel = SocketChannel.open();
            try {
                channel.bind(new InetSocketAddress("127.0.0." + source, 0));
            } catch (BindException portsExhausted) {
                channel.close();
                if (source >= 254 || !target.getAddress().isLoopbackAddress()) {
                    hold.failure = "out of source ports: " + portsExhausted.getMessage();
                }
                source++;
                continue;
            }
            try {
                channel.socket().connect(target, CONNECT_TIMEOUT_MILLIS);
                hold.channels.add(channel);
            } catch (IOException e) {
                channel.close();
                hold.failure = "connect " + (hold.channels.size() + 1) + " failed: " + e.getMessage();
            }
        }
        return hold;
    }

    private String failure;

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
            channel.close();
        }
        channels.clear();
    }
}
