package io.nioreactor.core.internal;

import io.nioreactor.core.Connection;
import io.nioreactor.core.EventLoop;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLSession;

/**
 * The {@link Connection} a handler sees, plain or TLS alike: what the handler asks of its
 * connection. On the loop, writes go to the {@link Transport} (while the state accepts them) and
 * the rest to the {@link ConnectionDriver}, which makes the transitions; from another thread,
 * writes are copied and handed over ({@link OffLoopWrites}) and the rest is queued to the loop,
 * and once the loop has ended (every channel closed) they do nothing.
 */
final class StreamConnection implements Connection {

    private static final Logger log = LoggerFactory.getLogger(StreamConnection.class);

    private final ConnectionDriver driver;
    private Object attachment;

    StreamConnection(ConnectionDriver driver) {
        this.driver = driver;
    }

    private boolean onLoop() {
        return driver.loop.inEventLoop();
    }

    private void hop(Runnable work) {
        driver.loop.executeUnlessTerminated(work);
    }

    @Override
    public boolean write(ByteBuffer data) {
        return onLoop() ? writeOnLoop(data, false) : OffLoopWrites.write(driver, data);
    }

    @Override
    public boolean write(ByteBuffer... data) {
        if (!onLoop()) {
            return OffLoopWrites.write(driver, data);
        }
        if (!driver.state().acceptsWrites()) {
            return false;
        }
        try {
            return driver.transport.write(data);
        } catch (IOException e) {
            driver.failed(e);
            return false;
        }
    }

    @Override
    public boolean writeLater(ByteBuffer data) {
        return onLoop() ? writeOnLoop(data, true) : OffLoopWrites.write(driver, data);
    }

    @Override
    public boolean writeLater(ByteBuffer... data) {
        if (!onLoop()) {
            return OffLoopWrites.write(driver, data);
        }
        for (ByteBuffer buffer : data) { // an array's loop: no iterator
            if (!writeOnLoop(buffer, true)) {
                return false;
            }
        }
        return true;
    }

    /** A write, deferred ({@code later}) or not. @return whether the bytes were taken */
    private boolean writeOnLoop(ByteBuffer data, boolean later) {
        if (!driver.state().acceptsWrites()) {
            return false;
        }
        try {
            return !data.hasRemaining() || driver.transport.write(data, later);
        } catch (IOException e) {
            driver.failed(e);
            return false;
        }
    }

    /** Loop thread: an off-loop write's copy has arrived; written as if from here, or counted as lost. */
    void writeArrived(ByteBuffer copy) {
        if (!writeOnLoop(copy, false)) {
            driver.loop.resources().counters().writesDroppedAfterClose.increment();
            log.debug("{}: a write from another thread arrived after close or shutdownOutput ({} bytes dropped)",
                    this, copy.remaining());
        }
    }

    @Override
    public CompletableFuture<Long> sendFile(FileChannel file, long position, long count) {
        Objects.requireNonNull(file, "file");
        if (position < 0 || count < 0) {
            throw new IllegalArgumentException("position and count must be 0 or more: " + position + ", " + count);
        }
        CompletableFuture<Long> done = new CompletableFuture<>();
        OutboundQueue.FileRegion region = new OutboundQueue.FileRegion(file, position, count, done);
        if (onLoop()) {
            sendFileOnLoop(region);
        } else if (!driver.loop.executeUnlessTerminated(() -> sendFileOnLoop(region))) {
            done.completeExceptionally(new ClosedChannelException());
        }
        return done;
    }

    private void sendFileOnLoop(OutboundQueue.FileRegion region) {
        if (!driver.state().acceptsWrites()) {
            region.done.completeExceptionally(new ClosedChannelException());
        } else if (region.count == 0) {
            region.done.complete(0L);
        } else {
            try {
                driver.transport.sendFile(region);
            } catch (IOException e) {
                driver.failed(e);
            }
        }
    }

    @Override
    public void flush() {
        if (!onLoop()) {
            hop(this::flush);
            return;
        }
        try {
            driver.outbound.flush();
        } catch (IOException e) {
            driver.failed(e);
        }
    }

    @Override
    public boolean isWritable() {
        if (!driver.state().acceptsWrites()) {
            return false;
        }
        if (onLoop() && driver.outbound.readsHeldBack()) {
            ReadInterest.update(driver); // told to stop now, so it is told (onWritable) when to go on
        }
        return driver.outbound.isWritable();
    }

    @Override
    public long pendingOutboundBytes() {
        return driver.outbound.pendingBytes();
    }

    @Override
    public void setAutoRead(boolean on) {
        if (onLoop()) {
            ReadInterest.setAutoRead(driver, on);
        } else {
            hop(() -> ReadInterest.setAutoRead(driver, on));
        }
    }

    @Override
    public boolean isAutoRead() {
        return ReadInterest.isAutoRead(driver);
    }

    @Override
    public void shutdownOutput() {
        if (onLoop()) {
            driver.shutdownOutput();
        } else {
            hop(driver::shutdownOutput);
        }
    }

    @Override
    public void close() {
        if (onLoop()) {
            driver.close();
        } else {
            hop(driver::close);
        }
    }

    @Override
    public void abort() {
        if (onLoop()) {
            driver.abort(null);
        } else {
            hop(() -> driver.abort(null));
        }
    }

    @Override
    public boolean isOpen() {
        return driver.state() != ConnectionState.CLOSED;
    }

    @Override
    public SocketAddress localAddress() {
        return driver.endpoint.localAddress();
    }

    @Override
    public SocketAddress remoteAddress() {
        return driver.endpoint.remoteAddress();
    }

    @Override
    public EventLoop loop() {
        return driver.loop.facade();
    }

    @Override
    public <T> T option(SocketOption<T> option) throws IOException {
        return driver.endpoint.option(option);
    }

    @Override
    public void attach(Object attachment) {
        this.attachment = attachment;
    }

    @Override
    public Object attachment() {
        return attachment;
    }

    @Override
    public Optional<SSLSession> tlsSession() {
        return driver.transport.session();
    }

    @Override
    public Optional<String> applicationProtocol() {
        return driver.transport.applicationProtocol();
    }

    @Override
    public String toString() {
        return driver.transport.describe() + " " + driver.endpoint;
    }
}
