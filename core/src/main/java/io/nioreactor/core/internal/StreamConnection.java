package io.nioreactor.core.internal;

import io.nioreactor.core.Connection;
import io.nioreactor.core.ConnectionHandler;
import io.nioreactor.core.EventLoop;
import io.nioreactor.core.TcpOptions;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stream connection (TCP or Unix domain), the {@link Connection} its handler sees. It holds
 * the connection's life ({@link ConnectionState}) and its handler, and runs the read loop; the
 * layers below it do the rest, each importing only those below it:
 *
 * <pre>
 *   StreamConnection   state, read loop, the handler through the loop's {@link HandlerInvoker}
 *   Transport          plaintext: {@link PlainTransport}, or {@link TlsTransport} over the same two below
 *   OutboundBuffer     the queue, water marks and writability, off-loop copies, the loop's budget
 *   SocketEndpoint     the socket and its key
 * </pre>
 *
 * <p>It never knows which transport it has. Every handler callback goes through the invoker: one
 * that throws closes this connection only, with the throwable as the cause.
 */
final class StreamConnection implements Connection, Selectable, OutboundBuffer.Listener, Transport.Owner,
        IdleWatch.Listener {

    private static final Logger log = LoggerFactory.getLogger(StreamConnection.class);

    /** Reads per readiness at most, so one busy peer cannot starve the others. */
    private static final int MAX_READS_PER_EVENT = 16;

    private final LoopCore loop;
    private final SocketEndpoint endpoint;
    private final OutboundBuffer outbound;
    private final Transport transport;
    /** The server's count of open connections, or {@code null} for a client connection. */
    private final ConnectionLimit limit;
    private final IdleWatch idle;
    /** Written by the loop; read anywhere (isOpen, off-loop writes). */
    private volatile ConnectionState state = ConnectionState.OPENING;
    /** Made when the connection opens: for TLS, once the handshake has completed. */
    private ConnectionHandler handler;
    /** Until the connection opens: what makes the handler of an accepted connection. */
    private Function<? super Connection, ? extends ConnectionHandler> handlerFactory;
    /** Until the connection opens: the dialer's future, completed with it. */
    private CompletableFuture<Connection> dialed;
    private boolean autoRead = true;
    private boolean readResumeScheduled;
    private Object attachment;

    private StreamConnection(LoopCore loop, SocketChannel channel, TcpOptions options, ConnectionLimit limit,
            Transport.Factory transports) throws IOException {
        this.loop = loop;
        this.limit = limit;
        this.endpoint = new SocketEndpoint(loop, channel);
        this.outbound = new OutboundBuffer(loop, endpoint, options.highWaterMark(), options.lowWaterMark(), this);
        this.transport = transports.make(loop, endpoint, outbound, this);
        long idleNanos = options.idleTimeout().toNanos();
        this.idle = idleNanos > 0 ? new IdleWatch(loop, idleNanos, endpoint, this) : null;
    }

    /** An accepted connection, whose handler {@code handlerFactory} makes when it opens. */
    static StreamConnection accepted(LoopCore loop, SocketChannel channel, TcpOptions options, ConnectionLimit limit,
            Transport.Factory transports, Function<? super Connection, ? extends ConnectionHandler> handlerFactory)
            throws IOException {
        StreamConnection connection = new StreamConnection(loop, channel, options, limit, transports);
        connection.handlerFactory = handlerFactory;
        return connection;
    }

    /** A dialed connection: {@code dialed} completes with it once it opens, or fails if it closes first. */
    static StreamConnection dialed(LoopCore loop, SocketChannel channel, TcpOptions options,
            Transport.Factory transports, ConnectionHandler handler, CompletableFuture<Connection> dialed)
            throws IOException {
        StreamConnection connection = new StreamConnection(loop, channel, options, null, transports);
        connection.handler = handler;
        connection.dialed = dialed;
        return connection;
    }

    /**
     * Registers with the loop (or takes over a dialer's key) and starts: the idle timeout, the
     * transport, and the handler's onOpen, or the handshake before it.
     *
     * @param dialerKey the key of the dialer's connect, or {@code null} to register anew
     */
    void start(SelectionKey dialerKey) {
        try {
            if (dialerKey == null) {
                endpoint.register(this);
            } else {
                endpoint.adopt(dialerKey, this);
            }
        } catch (IOException e) {
            failed(e);
            return;
        }
        if (idle != null) {
            idle.start();
        }
        outbound.beginDispatch();
        try {
            if (transport.start()) {
                becomeOpen();
            } else {
                state = ConnectionState.HANDSHAKING;
                updateReadInterest();
            }
        } catch (IOException e) {
            failed(e);
        }
        endDispatch();
    }

    /** OPENING or HANDSHAKING to OPEN: the handler is made, if it is to be, and hears onOpen. */
    private void becomeOpen() {
        if (handlerFactory != null) {
            try {
                handler = HandlerInvoker.make(handlerFactory, this);
            } catch (Throwable t) {
                Failures.rethrowIfFatal(t);
                closeNow(loop.resources().invoker().factoryFailed(this, t));
                return;
            }
            handlerFactory = null;
        }
        state = ConnectionState.OPEN;
        log.debug("opened {} on loop {}", this, loop.name());
        updateReadInterest();
        Throwable failure = loop.resources().invoker().onOpen(handler, this);
        if (failure != null) {
            closeNow(failure);
        }
        if (dialed != null) {
            CompletableFuture<Connection> future = dialed;
            dialed = null;
            future.complete(this);
        }
    }

    // ---------------------------------------------------------------- reading

    @Override
    public void onReady(int readyOps) {
        outbound.beginDispatch();
        try {
            if ((readyOps & SelectionKey.OP_WRITE) != 0) {
                outbound.onWriteReady();
            }
        } catch (IOException e) {
            failed(e);
        }
        if ((readyOps & SelectionKey.OP_READ) != 0 && state != ConnectionState.CLOSED) {
            readBurst();
        }
        endDispatch();
    }

    private void endDispatch() {
        try {
            outbound.endDispatch();
        } catch (IOException e) {
            failed(e);
        }
    }

    /** Reads and hands over, a bounded number of times, what the transport has; then onReadComplete. */
    private void readBurst() {
        boolean delivered = false;
        try {
            for (int i = 0; i < MAX_READS_PER_EVENT && wantsToRead(); i++) {
                int n = transport.read();
                if (n < 0) {
                    transport.readBurstEnded();
                    readComplete(delivered);
                    endOfInput();
                    return;
                }
                if (n > 0 && state.delivers()) { // TLS: after close(), nothing more is handed over
                    delivered = true;
                    Throwable failure = loop.resources().invoker().onRead(handler, this, transport.inbound());
                    if (failure != null) {
                        closeNow(failure);
                        return;
                    }
                }
                if (n == 0 || !transport.moreToRead()) {
                    break;
                }
            }
        } catch (IOException e) {
            failed(e);
            return;
        }
        transport.readBurstEnded();
        readComplete(delivered);
        updateReadInterest(); // a pause by the handler or the budget drops OP_READ rather than spin
        if (transport.hasBufferedInput() && wantsToRead()) {
            scheduleReadResume(); // whole records kept by the bound of this burst
        }
    }

    private void readComplete(boolean delivered) {
        if (delivered && state.delivers()) {
            Throwable failure = loop.resources().invoker().onReadComplete(handler, this);
            if (failure != null) {
                closeNow(failure);
            }
        }
    }

    private boolean wantsToRead() {
        ConnectionState now = state;
        return now.reads() && (autoRead || now == ConnectionState.HANDSHAKING) && !transport.readSuspended()
                && !outbound.readsHeldBack();
    }

    private void updateReadInterest() {
        if (state != ConnectionState.CLOSED) {
            endpoint.readInterest(wantsToRead());
        }
    }

    /** Reads what the transport keeps on a task of its own: never inside another callback. */
    private void scheduleReadResume() {
        if (readResumeScheduled) {
            return;
        }
        readResumeScheduled = true;
        loop.executeUnlessTerminated(() -> {
            readResumeScheduled = false;
            resumeReading();
        });
    }

    @Override
    public void resumeReading() {
        if (wantsToRead()) {
            outbound.beginDispatch();
            readBurst();
            endDispatch();
        } else {
            updateReadInterest();
        }
    }

    /** The peer has ended its output (FIN, or close_notify). */
    private void endOfInput() {
        switch (state) {
            case OPEN:
                state = ConnectionState.INPUT_CLOSED;
                break;
            case OUTPUT_CLOSING:
                state = ConnectionState.CLOSING;
                break;
            case OUTPUT_CLOSED:
                closeNow(null);
                return;
            case HANDSHAKING:
                failed(new ClosedChannelException());
                return;
            default:
                return;
        }
        updateReadInterest();
        Throwable failure = loop.resources().invoker().onInputClosed(handler, this);
        if (failure != null) {
            closeNow(failure);
            return;
        }
        finishOutputIfDone();
    }

    // ---------------------------------------------------------------- writing

    @Override
    public boolean write(ByteBuffer data) {
        if (!loop.inEventLoop()) {
            return OffLoopWrites.write(this, outbound, data);
        }
        if (!state.acceptsWrites()) {
            return false;
        }
        try {
            return !data.hasRemaining() || transport.write(data, false);
        } catch (IOException e) {
            failed(e);
            return false;
        }
    }

    @Override
    public boolean write(ByteBuffer... data) {
        if (!loop.inEventLoop()) {
            return OffLoopWrites.write(this, outbound, data);
        }
        if (!state.acceptsWrites()) {
            return false;
        }
        try {
            return transport.write(data);
        } catch (IOException e) {
            failed(e);
            return false;
        }
    }

    @Override
    public boolean writeLater(ByteBuffer data) {
        if (!loop.inEventLoop()) {
            return OffLoopWrites.write(this, outbound, data);
        }
        if (!state.acceptsWrites()) {
            return false;
        }
        try {
            return !data.hasRemaining() || transport.write(data, true);
        } catch (IOException e) {
            failed(e);
            return false;
        }
    }

    /** Loop thread: an off-loop write's copy has arrived; written as if from here, or counted as lost. */
    void writeArrived(ByteBuffer copy) {
        if (!state.acceptsWrites() || !write(copy)) {
            loop.resources().counters().writesDroppedAfterClose.increment();
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
        if (loop.inEventLoop()) {
            sendFileOnLoop(region);
        } else if (!loop.executeUnlessTerminated(() -> sendFileOnLoop(region))) {
            done.completeExceptionally(new ClosedChannelException());
        }
        return done;
    }

    private void sendFileOnLoop(OutboundQueue.FileRegion region) {
        if (!state.acceptsWrites()) {
            region.done.completeExceptionally(new ClosedChannelException());
        } else if (region.count == 0) {
            region.done.complete(0L);
        } else {
            try {
                transport.sendFile(region);
            } catch (IOException e) {
                failed(e);
            }
        }
    }

    @Override
    public void flush() {
        if (!loop.inEventLoop()) {
            loop.executeUnlessTerminated(this::flush);
            return;
        }
        try {
            outbound.flush();
        } catch (IOException e) {
            failed(e);
        }
    }

    @Override
    public boolean isWritable() {
        if (!state.acceptsWrites()) {
            return false;
        }
        if (loop.inEventLoop() && outbound.readsHeldBack()) {
            updateReadInterest(); // told to stop now, so it is told (onWritable) when to go on
        }
        return outbound.isWritable();
    }

    @Override
    public long pendingOutboundBytes() {
        return outbound.pendingBytes();
    }

    // ---------------------------------------------------------------- the outbound buffer's events

    @Override
    public void onFlushed() throws IOException {
        transport.onFlushed();
    }

    @Override
    public void onDrained() {
        updateReadInterest(); // no longer held back by the budget
        finishOutputIfDone();
    }

    @Override
    public void onWritable() {
        if (state.acceptsWrites()) {
            Throwable failure = loop.resources().invoker().onWritable(handler, this);
            if (failure != null) {
                closeNow(failure);
            }
        }
    }

    @Override
    public void onBudgetAvailable() {
        updateReadInterest();
    }

    @Override
    public void onFlushFailed(IOException e) {
        failed(e);
    }

    // ---------------------------------------------------------------- reading on and off, half-close

    @Override
    public void setAutoRead(boolean on) {
        if (!loop.inEventLoop()) {
            loop.executeUnlessTerminated(() -> setAutoRead(on));
            return;
        }
        autoRead = on;
        updateReadInterest();
        if (on && transport.hasBufferedInput() && wantsToRead()) {
            scheduleReadResume(); // bytes kept while paused go first
        }
    }

    @Override
    public boolean isAutoRead() {
        ConnectionState now = state;
        return autoRead && now != ConnectionState.CLOSING && now != ConnectionState.CLOSED;
    }

    @Override
    public void shutdownOutput() {
        if (!loop.inEventLoop()) {
            loop.executeUnlessTerminated(this::shutdownOutput);
            return;
        }
        if (state == ConnectionState.OPEN) {
            state = ConnectionState.OUTPUT_CLOSING;
        } else if (state == ConnectionState.INPUT_CLOSED) {
            state = ConnectionState.CLOSING;
        } else {
            return;
        }
        endOutput();
    }

    @Override
    public void close() {
        if (!loop.inEventLoop()) {
            loop.executeUnlessTerminated(this::close);
            return;
        }
        ConnectionState now = state;
        if (now == ConnectionState.CLOSING || now == ConnectionState.CLOSED) {
            return;
        }
        if (now.beforeOpen()) {
            abortWith(new ClosedChannelException()); // a handshake cut short: nothing to close gracefully
            return;
        }
        state = ConnectionState.CLOSING;
        endOutput();
    }

    /** The output is to end: the transport queues what goes before the FIN, then the queue drains. */
    private void endOutput() {
        updateReadInterest();
        try {
            transport.endOutput();
        } catch (IOException e) {
            failed(e);
            return;
        }
        finishOutputIfDone();
    }

    /** Everything is sent: FIN for a half-close, or the close itself. */
    private void finishOutputIfDone() {
        if (!outbound.isDrained() || !transport.outputEnded()) {
            return;
        }
        if (state == ConnectionState.CLOSING) {
            closeNow(null);
        } else if (state == ConnectionState.OUTPUT_CLOSING) {
            try {
                endpoint.shutdownOutput();
            } catch (IOException e) {
                failed(e);
                return;
            }
            state = ConnectionState.OUTPUT_CLOSED;
        }
    }

    @Override
    public void abort() {
        if (!loop.inEventLoop()) {
            loop.executeUnlessTerminated(this::abort);
            return;
        }
        abortWith(null);
    }

    private void abortWith(Throwable cause) {
        if (state != ConnectionState.CLOSED) {
            endpoint.abort();
            closeNow(cause);
        }
    }

    // ---------------------------------------------------------------- failures and the end

    /** An I/O or TLS failure, or no memory for a buffer: the connection ends with it as the cause. */
    private void failed(IOException e) {
        if (state == ConnectionState.CLOSED) {
            return;
        }
        if (e instanceof OutOfBufferMemory) {
            LogThrottle throttle = loop.resources().allocationFailureLog();
            if (throttle.allow()) {
                log.warn("{}: {}, resetting the connection ({} more not logged)", this, e.getMessage(),
                        throttle.suppressed());
            }
            abortWith(e);
            return;
        }
        if (!transport.failing(e)) { // a TLS alert goes out now if it can
            loop.resources().counters().connectionErrors.increment();
        }
        if (Failures.isPeerGone(e)) {
            log.debug("{}: peer gone: {}", this, e.toString());
        } else {
            log.debug("{}: failed", this, e);
        }
        if (state.beforeOpen() && outbound.queuedBytes() > 0) {
            abortWith(e); // a handshake's alert that did not go out at once: reset
        } else {
            closeNow(e); // an alert sent at once is gone: the FIN follows it
        }
    }

    @Override
    public void failed(IOException cause, boolean reset) {
        if (reset) {
            abortWith(cause);
        } else {
            failed(cause);
        }
    }

    @Override
    public void handshakeCompleted() {
        if (state == ConnectionState.HANDSHAKING) {
            becomeOpen();
        }
    }

    @Override
    public void onIdleTimeout() {
        ConnectionState now = state;
        if (now == ConnectionState.CLOSING) {
            log.debug("{}: still not flushed an idle timeout after close, resetting", this);
            abortWith(null);
        } else if (now.acceptsWrites() || now.delivers()) { // before it opens, a handshake timeout governs
            log.debug("{}: idle", this);
            Throwable failure = loop.resources().invoker().onIdle(handler, this);
            if (failure != null) {
                closeNow(failure);
            }
        }
    }

    @Override
    public void onUnexpectedFailure(Throwable cause) {
        LogThrottle throttle = loop.resources().handlerFailureLog();
        if (throttle.allow()) {
            log.warn("{}: unexpected failure, closing the connection ({} more not logged)", this, throttle.suppressed(),
                    cause);
        }
        closeNow(cause);
    }

    @Override
    public void beginShutdown() {
        close();
    }

    @Override
    public void forceClose() {
        abortWith(null);
    }

    /** To CLOSED: the socket closes, what is held goes, and the handler (or the dialer) is told, once. */
    private void closeNow(Throwable cause) {
        ConnectionState was = state;
        if (was == ConnectionState.CLOSED) {
            return;
        }
        state = ConnectionState.CLOSED;
        endpoint.close();
        outbound.clear(cause != null ? cause : new ClosedChannelException());
        transport.closed(cause);
        if (idle != null) {
            idle.stop();
        }
        loop.resources().counters().closed.increment();
        if (limit != null) {
            limit.release();
        }
        log.debug("closed {}", this);
        if (!was.beforeOpen()) {
            loop.resources().invoker().onClose(handler, this, cause);
        } else if (dialed != null) {
            dialed.completeExceptionally(transport.openingFailure(cause != null ? cause : new ClosedChannelException()));
            dialed = null;
        }
        outbound.completeFinished(); // the files not sent fail, once the connection is settled closed
    }

    // ---------------------------------------------------------------- the rest of Connection

    @Override
    public boolean isOpen() {
        return state != ConnectionState.CLOSED;
    }

    @Override
    public SocketAddress localAddress() {
        return endpoint.localAddress();
    }

    @Override
    public SocketAddress remoteAddress() {
        return endpoint.remoteAddress();
    }

    @Override
    public EventLoop loop() {
        return loop.facade();
    }

    @Override
    public <T> T option(SocketOption<T> option) throws IOException {
        return endpoint.option(option);
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
        return transport.session();
    }

    @Override
    public Optional<String> applicationProtocol() {
        return transport.applicationProtocol();
    }

    LoopCore loopCore() {
        return loop;
    }

    boolean acceptsWrites() {
        return state.acceptsWrites();
    }

    @Override
    public String toString() {
        return "connection " + endpoint;
    }
}
