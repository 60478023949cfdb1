package io.nioreactor.core.internal;

import io.nioreactor.core.LoopMetric;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bottom of a connection's stack: one stream socket and its selection key. It reads into
 * the buffer its caller picks, writes (one buffer, gathering, or from a file), sets the key's
 * interest, half-closes, closes and resets; it counts the bytes it moves and stamps when they
 * last moved (for the idle timeout). It knows nothing of queues, TLS or handlers: what to read
 * into, what to send and when is decided above it. Loop thread only.
 */
final class SocketEndpoint {

    private static final Logger log = LoggerFactory.getLogger(SocketEndpoint.class);

    /**
     * A heap buffer goes to the socket through a temporary direct buffer of the JDK's, as large
     * as what is written at once and kept per thread: writing it in windows keeps that small.
     */
    static final int HEAP_WRITE_WINDOW = 64 * 1024;

    private final LoopCore loop;
    private final SocketChannel channel;
    private final SocketAddress localAddress;
    private final SocketAddress remoteAddress;
    private SelectionKey key;
    private int interestOps;
    /** When bytes last moved either way, from the loop's once-per-iteration clock. */
    private long lastActivityNanos;

    SocketEndpoint(LoopCore loop, SocketChannel channel) throws IOException {
        this.loop = loop;
        this.channel = channel;
        this.localAddress = channel.getLocalAddress();
        this.remoteAddress = channel.getRemoteAddress();
        this.lastActivityNanos = System.nanoTime(); // not the iteration's clock: it may be old by now (a drain counts from here)
        loop.resources().counters().serving(LoopMetric.Channels.TCP);
    }

    /** Registers the channel with no interest yet; {@code attachment} is told of its readiness. */
    SelectionKey register(Selectable attachment) throws IOException {
        key = loop.register(channel, 0, attachment);
        interestOps = 0;
        return key;
    }

    /** Takes over a key registered already (a dialer's), attaching {@code attachment} to it. */
    void adopt(SelectionKey registered, Selectable attachment) {
        key = registered;
        interestOps = registered.interestOps();
        registered.attach(attachment);
    }

    /**
     * Reads what the socket holds into {@code into}, up to its limit.
     *
     * @return the bytes read, 0 if none were waiting, -1 at end of stream
     */
    int read(ByteBuffer into) throws IOException {
        int n = channel.read(into);
        if (n > 0) {
            loop.resources().counters().bytesRead.add(n);
            lastActivityNanos = loop.resources().ioNanos();
        }
        return n;
    }

    /** One write of {@code data}; a large heap buffer goes in windows. @return the bytes the socket took */
    int write(ByteBuffer data) throws IOException {
        loop.resources().counters().socketWrites.increment();
        int n = data.isDirect() || data.remaining() <= HEAP_WRITE_WINDOW ? channel.write(data) : writeWindow(data);
        wrote(n);
        return n;
    }

    /** One gathering write. @return the bytes the socket took */
    long write(ByteBuffer[] data, int offset, int length) throws IOException {
        loop.resources().counters().socketWrites.increment();
        long n = length == 1 ? channel.write(data[offset]) : channel.write(data, offset, length);
        wrote(n);
        return n;
    }

    /** One gathering write fits: direct buffers, or heap ones small enough for the JDK's temporary copies. */
    static boolean gatherable(ByteBuffer[] data) {
        long heapBytes = 0;
        for (ByteBuffer buffer : data) {
            if (!buffer.isDirect()) {
                heapBytes += buffer.remaining();
            }
        }
        return heapBytes <= HEAP_WRITE_WINDOW;
    }

    static boolean hasRemaining(ByteBuffer[] data) {
        for (ByteBuffer buffer : data) {
            if (buffer.hasRemaining()) {
                return true;
            }
        }
        return false;
    }

    /** Sends from a file without copying it through the JVM (sendfile on Linux). @return the bytes sent */
    long transferFrom(FileChannel file, long position, long count) throws IOException {
        loop.resources().counters().socketWrites.increment();
        long n = file.transferTo(position, count, channel);
        wrote(n);
        loop.resources().counters().fileBytesSent.add(n);
        return n;
    }

    private void wrote(long n) {
        if (n > 0) {
            loop.resources().counters().bytesWritten.add(n);
            lastActivityNanos = loop.resources().ioNanos();
        }
    }

    /** Writes at most {@link #HEAP_WRITE_WINDOW} bytes of a large heap buffer. */
    private int writeWindow(ByteBuffer data) throws IOException {
        int limit = data.limit();
        data.limit(data.position() + HEAP_WRITE_WINDOW);
        try {
            return channel.write(data);
        } finally {
            data.limit(limit);
        }
    }

    long lastActivityNanos() {
        return lastActivityNanos;
    }

    /** Watches for readability, or stops. */
    void readInterest(boolean on) {
        interest(SelectionKey.OP_READ, on);
    }

    /** Watches for writability, or stops. */
    void writeInterest(boolean on) {
        interest(SelectionKey.OP_WRITE, on);
    }

    /** Whether the key watches for writability (bytes are queued). */
    boolean watchesWrites() {
        return (interestOps & SelectionKey.OP_WRITE) != 0;
    }

    private void interest(int op, boolean on) {
        int ops = on ? interestOps | op : interestOps & ~op;
        if (ops != interestOps && key != null && key.isValid()) {
            interestOps = ops;
            key.interestOps(ops);
        }
    }

    /** Sends FIN once the kernel has sent what it holds; reading goes on. */
    void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    /** Closes the socket; the loop stops watching it. Twice is harmless. */
    void close() {
        if (key != null && key.isValid()) {
            loop.deregister(key);
        }
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("{}: error on close: {}", this, e.toString());
        }
    }

    /** Closes with a reset (RST) where the transport has one, dropping what the kernel still holds. */
    void abort() {
        if (channel.isOpen() && channel.supportedOptions().contains(StandardSocketOptions.SO_LINGER)) {
            try {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            } catch (IOException e) {
                log.debug("{}: cannot set SO_LINGER 0 for a reset: {}", this, e.toString());
            }
        }
        close();
    }

    SocketAddress localAddress() {
        return localAddress;
    }

    SocketAddress remoteAddress() {
        return remoteAddress;
    }

    <T> T option(SocketOption<T> option) throws IOException {
        return channel.getOption(option);
    }

    @Override
    public String toString() {
        return Addresses.describe(remoteAddress) + " -> " + Addresses.describe(localAddress);
    }
}
