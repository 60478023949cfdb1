package io.nioreactor.tcp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many clients that write 64 KiB blocks as fast as the server takes them and never read, each
 * with a 4 KiB receive buffer so that the echo backs up in the server at once: the attack of
 * issue 10. One thread drives them all through a selector; {@link #close()} resets them.
 */
final class NonReadingFlooders implements AutoCloseable {

    private final List<SocketChannel> channels = new ArrayList<>();
    private final AtomicLong written = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread writer;
    private final Selector selector;

    private NonReadingFlooders(Selector selector) {
        this.selector = selector;
        this.writer = new Thread(this::flood, "flooders");
    }

    /** Connects {@code count} clients and starts writing from all of them. */
    static NonReadingFlooders start(InetSocketAddress address, int count) throws IOException {
        NonReadingFlooders flooders = new NonReadingFlooders(Selector.open());
        try {
            for (int i = 0; i < count; i++) {
                SocketChannel channel = SocketChannel.open();
                flooders.channels.add(channel);
                channel.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
                channel.setOption(StandardSocketOptions.SO_SNDBUF, 64 * 1024);
                channel.connect(address);
                channel.configureBlocking(false);
                channel.register(flooders.selector, SelectionKey.OP_WRITE);
            }
        } catch (IOException | RuntimeException e) {
            flooders.close();
            throw e;
        }
        flooders.writer.start();
        return flooders;
    }

    private void flood() {
        ByteBuffer block = ByteBuffer.allocateDirect(64 * 1024);
        try {
            while (running.get()) {
                selector.select(key -> {
                    block.clear();
                    try {
                        written.addAndGet(((SocketChannel) key.channel()).write(block));
                    } catch (IOException e) {
                        key.cancel(); // the server reset it: it is gone, the others go on
                    }
                }, 100);
            }
        } catch (IOException | RuntimeException e) {
            if (running.get()) {
                throw new IllegalStateException("flooder thread failed", e);
            }
        }
    }

    /** @return bytes the flooders have written so far */
    long written() {
        return written.get();
    }

    /** @return how many flooders the server has not closed */
    long stillConnected() {
        return channels.stream().filter(c -> c.isOpen() && c.keyFor(selector) != null && c.keyFor(selector).isValid())
                .count();
    }

    /** Stops writing and resets every connection (RST), as a client that gives up would. */
    @Override
    public void close() throws IOException {
        running.set(false);
        selector.wakeup();
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (SocketChannel channel : channels) {
            try {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            } catch (IOException e) {
                // not connected: nothing to reset
            }
            channel.close();
        }
        selector.close();
    }
}
