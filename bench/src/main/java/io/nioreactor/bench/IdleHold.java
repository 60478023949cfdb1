package io.nioreactor.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens and holds idle connections, to measure what a server spends per connection. When the
 * ephemeral ports of one source address run short it moves on to 127.0.0.2, 127.0.0.3, ...
 */
final class IdleHold implements AutoCloseable {

    private final List<SocketChannel> channels = new ArrayList<>();

    static IdleHold open(InetSocketAddress target, int connections) throws IOException {
        IdleHold hold = new IdleHold();
        int source = 1;
        try {
            while (hold.channels.size() < connections) {
                SocketChannel channel = SocketChannel.open();
                try {
                    channel.bind(new InetSocketAddress("127.0.0." + source, 0));
                    channel.connect(target);
                    hold.channels.add(channel);
                } catch (IOException e) {
                    channel.close();
                    if (source >= 254 || !target.getAddress().isLoopbackAddress()) {
                        throw e;
                    }
                    source++; // out of ports on this source address: spread to the next one
                }
            }
        } catch (IOException e) {
            hold.close();
            throw new IOException("opened " + hold.channels.size() + " of " + connections + " connections: "
                    + e.getMessage(), e);
        }
        return hold;
    }

    int size() {
        return channels.size();
    }

    @Override
    public void close() throws IOException {
        for (SocketChannel channel : channels) {
            channel.close();
        }
        channels.clear();
    }
}
