package io.nioreactor.core.internal;

import io.nioreactor.core.DatagramHandler;
import io.nioreactor.core.EventLoop;
import io.nioreactor.core.LoopMetric;
import io.nioreactor.core.UdpEndpoint;
import io.nioreactor.core.UdpOptions;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A UDP socket on the loop. Receives into the loop's shared buffer in bounded batches; sends
 * at once when the kernel takes the datagram, else queues a copy within the bounds of
 * {@link UdpOptions}, else drops and counts. ICMP errors are counted, never fatal.
 */
final class UdpChannel implements UdpEndpoint, Selectable, GroupChannels.Member {

    private static final Logger log = LoggerFactory.getLogger(UdpChannel.class);

    /** Datagrams received per readiness at most, so one flooded socket cannot starve others. */
    static final int RECEIVE_BATCH = 64;
    /** Queued datagrams sent per OP_WRITE readiness at most. */
    static final int SEND_BATCH = 64;
    /**
     * Receive batches at most when the endpoint closes, to hand over what has arrived: 4,096
     * datagrams, more than a default receive buffer (208 KiB) holds even of empty ones.
     */
    static final int CLOSING_BATCHES = 64;

    private final LoopCore loop;
    private final DatagramChannel channel;
    private final DatagramIo io;
    private final DatagramHandler handler;
    private final SocketAddress localAddress;
    private final DatagramSendQueue sendQueue;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    /** What {@link #close()} returns: {@link #closed}, or later than it once the JMX name is gone. */
    private CompletableFuture<Void> closedForCallers = closed;
    private final LogThrottle errorLog = new LogThrottle(1, TimeUnit.SECONDS);

    /** Whether closing the endpoint closes its socket: not the process's standard input (see {@link InheritedChannels}). */
    private final boolean closesSocket;

    private volatile boolean open = true;
    private SelectionKey key;
    /** Whether the last receive batch found the socket empty. */
    private boolean ranDry;

    UdpChannel(LoopCore loop, DatagramChannel channel, DatagramIo io, UdpOptions options,
            DatagramHandler handler, boolean boundHere) throws IOException {
        this.loop = loop;
        this.channel = channel;
        this.io = io;
        this.handler = handler;
        this.closesSocket = boundHere || !InheritedChannels.isStandardInput(channel);
        this.localAddress = channel.getLocalAddress();
        this.sendQueue = new DatagramSendQueue(options.sendQueueDatagrams(), options.sendQueueBytes(),
                loop.resources().budget(), loop.resources().counters().bufferAllocationFailures);
        loop.resources().counters().serving(LoopMetric.Channels.UDP);
    }

    /** Watches the socket for datagrams: the endpoint is ready once this returns. */
    void register() throws IOException {
        key = loop.register(channel, SelectionKey.OP_READ, this);
    }

    @Override
    public void onReady(int readyOps) {
        if ((readyOps & SelectionKey.OP_WRITE) != 0) {
            flushQueue();
        }
        if ((readyOps & SelectionKey.OP_READ) != 0 && open) {
            receiveBatch();
        }
    }

    /** @return how many datagrams the handler was given, and then told that the batch is complete */
    private int receiveBatch() {
        int received = receiveSome();
        if (received > 0 && open) {
            try {
                handler.onReceiveComplete(this);
            } catch (Throwable t) {
                handlerFailed(t, null);
            }
        }
        return received;
    }

    /** Receives up to a batch; @return how many datagrams the handler was given */
    private int receiveSome() {
        int delivered = 0;
        ranDry = false;
        ByteBuffer buffer = loop.resources().readBuffer();
        for (int i = 0; i < RECEIVE_BATCH && open; i++) {
            buffer.clear();
            SocketAddress sender;
            try {
                sender = io.receive(buffer);
            } catch (IOException e) {
                error("receive", null, e);
                continue; // an ICMP error reported on receive; the next datagram may be fine
            }
            if (sender == null) {
                ranDry = true;
                return delivered;
            }
            buffer.flip();
            loop.resources().counters().datagramsReceived.increment();
            loop.resources().counters().datagramBytesReceived.add(buffer.remaining());
            delivered++;
            try {
                handler.onDatagram(this, buffer, sender);
            } catch (Throwable t) {
                handlerFailed(t, sender);
            }
        }
        return delivered;
    }

    /** Counted, logged at most once a second; the endpoint stays open. */
    private void handlerFailed(Throwable t, SocketAddress sender) {
        Failures.rethrowIfFatal(t);
        loop.resources().counters().handlerFailures.increment();
        LogThrottle throttle = loop.resources().handlerFailureLog();
        if (throttle.allow()) {
            log.warn("{}: handler failed {} ({} more not logged)", this, sender == null ? "after a receive batch"
                    : "on a datagram from " + Addresses.describe(sender), throttle.suppressed(), t);
        }
    }

    @Override
    public boolean send(ByteBuffer data, SocketAddress target) {
        Objects.requireNonNull(target, "target");
        if (!loop.inEventLoop()) {
            return sendFromElsewhere(data, target);
        }
        if (!open) {
            loop.resources().counters().datagramsDropped.increment();
            return false;
        }
        if (sendQueue.isEmpty()) {
            int length = data.remaining();
            try {
                if (io.send(data, target) > 0 || length == 0) { // an empty datagram sends 0 bytes
                    sent(length);
                    return true;
                }
            } catch (IOException e) {
                error("send to", target, e);
                return false;
            } catch (OutOfMemoryError e) {
                noBufferForSend(); // the JDK's temporary buffer for a heap payload: not a dying JVM
                return false;
            }
        }
        if (!sendQueue.offer(data, target)) {
            loop.resources().counters().datagramsDropped.increment();
            return false;
        }
        key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        return true;
    }

    /**
     * Off the loop: copies the datagram now (the caller may reuse its buffer), counted toward the
     * loop's send budget until the loop sends or drops it.
     */
    private boolean sendFromElsewhere(ByteBuffer data, SocketAddress target) {
        if (!open) {
            return false;
        }
        int length = data.remaining();
        ByteBuffer copy;
        try {
            copy = ByteBuffer.allocate(length);
        } catch (OutOfMemoryError e) {
            return false; // a buffer we asked for: the caller keeps its data
        }
        copy.put(data.duplicate()).flip();
        loop.resources().budget().addOffLoop(length);
        try {
            loop.execute(() -> {
                loop.resources().budget().removeOffLoop(length);
                send(copy, target);
            });
        } catch (RejectedExecutionException e) {
            loop.resources().budget().addOffLoop(-length);
            return false;
        }
        data.position(data.limit());
        return true;
    }

    private void flushQueue() {
        for (int i = 0; i < SEND_BATCH && !sendQueue.isEmpty(); i++) {
            ByteBuffer payload = sendQueue.peekPayload();
            int length = payload.remaining();
            try {
                if (io.send(payload, sendQueue.peekTarget()) == 0 && length > 0) {
                    return; // still full: wait for the next OP_WRITE
                }
                sent(length);
            } catch (IOException e) {
                error("send to", sendQueue.peekTarget(), e);
            } catch (OutOfMemoryError e) {
                noBufferForSend();
            }
            sendQueue.removeFirst();
        }
        if (sendQueue.isEmpty() && open) {
            key.interestOps(SelectionKey.OP_READ);
        }
    }

    /** The JVM had no direct memory to send a heap payload through: this datagram is dropped. */
    private void noBufferForSend() {
        loop.resources().counters().bufferAllocationFailures.increment();
        loop.resources().counters().datagramsDropped.increment();
    }

    private void sent(int length) {
        loop.resources().counters().datagramsSent.increment();
        loop.resources().counters().datagramBytesSent.add(length);
    }

    /** Counted always; the message is only built when the throttle lets a line through. */
    private void error(String what, SocketAddress peer, IOException e) {
        loop.resources().counters().datagramErrors.increment();
        if (errorLog.allow() && log.isDebugEnabled()) {
            log.debug("{}: {} {} failed: {} ({} more not logged)", this, what,
                    peer == null ? "" : Addresses.describe(peer), e.toString(), errorLog.suppressed());
        }
    }

    @Override
    public SocketAddress localAddress() {
        return localAddress;
    }

    /** @return whether the caller runs on this endpoint's loop */
    boolean inItsLoop() {
        return loop.inEventLoop();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public EventLoop loop() {
        return loop.facade();
    }

    /** @return completed once the socket is closed, by {@link #close()} or by the loop's end */
    CompletableFuture<Void> closedFuture() {
        return closed;
    }

    /** Sets what {@link #close()} returns: completed once closed and, where JMX is on, out of it. */
    void closedForCallers(CompletableFuture<Void> whenClosed) {
        this.closedForCallers = whenClosed;
    }

    @Override
    public CompletableFuture<Void> close() {
        loop.closeOnLoop(this::receiveQueuedThenClose, closed);
        return closedForCallers;
    }

    /**
     * Closes without losing what has arrived: the datagrams the socket holds are handed to the
     * handler first (bounded), what it sends goes out if the socket takes it now, and the socket
     * closes in the same task, leaving the smallest window for a datagram to arrive unread. The one
     * way an endpoint stops gracefully: {@link #close()} and the loop's shutdown alike.
     */
    private void receiveQueuedThenClose() {
        for (int i = 0; i < CLOSING_BATCHES && open; i++) {
            receiveBatch();
            if (ranDry) {
                break;
            }
        }
        for (int i = 0; i < CLOSING_BATCHES && open && !sendQueue.isEmpty(); i++) {
            int queued = sendQueue.size();
            flushQueue();
            if (sendQueue.size() == queued) {
                break; // the kernel takes no more now
            }
        }
        closeNow();
    }

    private void closeNow() {
        if (!open) {
            return;
        }
        open = false;
        loop.deregister(key);
        loop.resources().counters().datagramsDropped.add(sendQueue.clear());
        if (closesSocket) {
            SocketSetup.closeQuietly(channel);
        }
        log.debug("closed {}", this);
        loop.completeAfterDeregistration(closed); // the socket is closed at the next select
    }

    @Override
    public void onUnexpectedFailure(Throwable cause) {
        log.warn("{}: unexpected failure", this, cause);
    }

    @Override
    public void beginShutdown() {
        receiveQueuedThenClose();
    }

    @Override
    public void forceClose() {
        closeNow();
    }

    @Override
    public String toString() {
        return "udp " + Addresses.describe(localAddress);
    }

    @Override
    public <T> T option(SocketOption<T> option) throws IOException {
        return channel.getOption(option);
    }
}
