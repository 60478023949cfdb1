package io.nioreactor.core.internal;

import io.nioreactor.core.ConnectionHandler;
import io.nioreactor.core.TcpOptions;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one stream connection (TCP or Unix domain) through its {@link ConnectionState}s, on its
 * loop: the key's readiness, the read loop ({@link ReadLoop}), the events of the layers below
 * (the {@link Transport}, plain or TLS, which it never tells apart; the {@link OutboundBuffer};
 * the {@link SocketEndpoint}), and every transition. Its handler sees it as a
 * {@link StreamConnection}, which brings the handler's calls from any thread to the loop, and
 * hears of it through the loop's {@link HandlerInvoker}. The stack is drawn in this package's
 * documentation. Loop thread only, but for {@link #state()}.
 */
final class ConnectionDriver implements Selectable, OutboundBuffer.Listener, Transport.Owner, IdleWatch.Listener {

    private static final Logger log = LoggerFactory.getLogger(ConnectionDriver.class);

    final LoopCore loop;
    final SocketEndpoint endpoint;
    final OutboundBuffer outbound;
    final Transport transport;
    /** What the handler sees. */
    final StreamConnection connection;
    /** The server's connections (their count, whether they drain), or {@code null} for a client connection. */
    private final ServerConnections server;
    private final TcpOptions options;
    private final IdleWatch idle;
    /** Made when the connection is to drain (a graceful shutdown, its server's drain). */
    private DrainWatch drain;
    /** Written by the loop; read anywhere (isOpen, off-loop writes). */
    private volatile ConnectionState state = ConnectionState.OPENING;
    /** Made when the connection opens: for TLS, once the handshake has completed. */
    private ConnectionHandler handler;
    /** Until the connection opens. */
    private ConnectionOpening opening;
    /** The handler's {@code setAutoRead}; with the two below, {@link ReadInterest}'s to keep. */
    boolean autoRead = true;
    /** Made on first need (TLS only). */
    ReadResume readResume;
    /**
     * Bytes of its last read burst, for {@link ReadLoop}'s fairness: 64 KiB or more marks a flooding peer; a
     * new connection counts as one until its first burst shows otherwise (a thousand may connect and flood).
     */
    int lastReadBurst = LoopCore.READ_SIZE;

    ConnectionDriver(LoopCore loop, SocketChannel channel, TcpOptions options, ServerConnections server,
            Transport.Factory transports, ConnectionOpening opening) throws IOException {
        this.loop = loop;
        this.server = server;
        this.options = options;
        this.opening = opening;
        this.endpoint = new SocketEndpoint(loop, channel);
        this.outbound = new OutboundBuffer(loop, endpoint, options.highWaterMark(), options.lowWaterMark(), this);
        this.transport = transports.make(loop, endpoint, outbound, this);
        long idleNanos = options.idleTimeout().toNanos();
        this.idle = idleNanos > 0 ? new IdleWatch(loop, idleNanos, endpoint, this) : null;
        this.connection = new StreamConnection(this);
    }

    /** Any thread: a recent state. */
    ConnectionState state() {
        return state;
    }

    /** Registers (or takes over {@code dialerKey}, if not null) and starts: idle timeout, transport, onOpen or the handshake. */
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
                ReadInterest.update(this);
            }
        } catch (IOException e) {
            failed(e);
        }
        if (server != null && server.drainTimedOut()) {
            abort(null); // handed off after its server's drain timed out: nothing would end it
        } else if (loop.isShuttingDown() || (server != null && server.draining())) {
            drain(); // accepted by a listener's last accepts: served, then ended like the others
        }
        endDispatch();
    }

    /** OPENING or HANDSHAKING to OPEN: the handler is made, if it is to be, and hears onOpen. */
    private void becomeOpen() {
        try {
            handler = opening.handler(connection);
        } catch (Throwable t) {
            Failures.rethrowIfFatal(t);
            closeNow(loop.resources().invoker().factoryFailed(connection, t));
            return;
        }
        state = ConnectionState.OPEN;
        log.debug("opened {} on loop {}", connection, loop.name());
        ReadInterest.update(this);
        handlerDone(loop.resources().invoker().onOpen(handler, connection));
        opening.opened(connection);
        opening = null;
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
            loop.resources().readLoop().readWhenReady(this);
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

    /** Whether it is draining (see {@link DrainWatch}). */
    boolean draining() {
        return drain != null;
    }

    ConnectionHandler handler() {
        return handler;
    }

    @Override
    public void resumeReading() {
        if (ReadInterest.wanted(this)) {
            outbound.beginDispatch();
            loop.resources().readLoop().read(this);
            endDispatch();
        } else {
            ReadInterest.update(this);
        }
    }

    /** The peer has ended its output (FIN, or close_notify). */
    void endOfInput() {
        ConnectionState next = state.afterEndOfInput();
        if (next == ConnectionState.CLOSED) {
            if (state.beforeOpen()) {
                failed(new ClosedChannelException());
            } else {
                closeNow(null); // our FIN is out already
            }
        } else if (next != state) {
            state = next;
            ReadInterest.update(this);
            if (handlerDone(loop.resources().invoker().onInputClosed(handler, connection))) {
                finishOutputIfDone();
            }
        }
    }

    /** @return {@code true} if the callback returned; else it threw, and the connection is closed with that */
    boolean handlerDone(Throwable failure) {
        if (failure == null) {
            return true;
        }
        closeNow(failure);
        return false;
    }

    // ---------------------------------------------------------------- asked by the handler

    void shutdownOutput() {
        ConnectionState next = state.afterShutdownOutput();
        if (next != state) {
            state = next;
            endOutput();
        }
    }

    void close() {
        ConnectionState next = state.afterClose();
        if (next == ConnectionState.CLOSED) {
            abort(new ClosedChannelException()); // a handshake cut short: nothing to close gracefully
        } else if (next != state) {
            state = next;
            endOutput();
        }
    }

    /** The output is to end: the transport queues what goes before the FIN, then the queue drains. */
    private void endOutput() {
        ReadInterest.update(this);
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

    /** Resets (RST) and closes now, what is queued dropped. */
    void abort(Throwable cause) {
        if (state != ConnectionState.CLOSED) {
            endpoint.abort();
            closeNow(cause);
        }
    }

    // ---------------------------------------------------------------- the layers' events

    @Override
    public void onFlushed() throws IOException {
        transport.onFlushed();
    }

    @Override
    public void onDrained() {
        ReadInterest.update(this); // no longer held back by the budget
        finishOutputIfDone();
    }

    @Override
    public void onWritable() {
        if (state.acceptsWrites()) {
            handlerDone(loop.resources().invoker().onWritable(handler, connection));
        }
    }

    @Override
    public void onBudgetAvailable() {
        ReadInterest.update(this);
    }

    @Override
    public void onFlushFailed(IOException e) {
        failed(e);
    }

    @Override
    public void handshakeCompleted() {
        if (state == ConnectionState.HANDSHAKING) {
            becomeOpen();
        }
    }

    @Override
    public void failed(IOException cause, boolean reset) {
        if (reset) {
            abort(cause);
        } else {
            failed(cause);
        }
    }

    @Override
    public void onIdleTimeout() {
        ConnectionState now = state;
        if (now == ConnectionState.CLOSING) {
            log.debug("{}: still not flushed an idle timeout after close, resetting", connection);
            abort(null);
        } else if (now.acceptsWrites() || now.delivers()) { // before it opens, the handshake timeout governs
            log.debug("{}: idle", connection);
            handlerDone(loop.resources().invoker().onIdle(handler, connection));
        }
    }

    @Override
    public void onUnexpectedFailure(Throwable cause) {
        closeNow(loop.resources().invoker().unexpected(connection, cause));
    }

    @Override
    public void beginShutdown() {
        drain();
    }

    // ---------------------------------------------------------------- the drain (see DrainWatch)

    /** Ends the connection once it is quiet, losing nothing of what the peer sent; twice is harmless. */
    void drain() {
        if (drain == null && state != ConnectionState.CLOSED) {
            drain = new DrainWatch(this, options.drainQuietPeriod().toNanos());
            drain.start();
            ReadInterest.update(this); // an ended output reads on now, whatever the handler asked
        }
    }

    /** @return whether this is a connection of {@code server} */
    boolean belongsTo(ServerConnections server) {
        return this.server == server;
    }

    @Override
    public void forceClose() {
        abort(null);
    }

    @Override
    public String toString() {
        return connection.toString();
    }

    // ---------------------------------------------------------------- failures and the end

    /** An I/O or TLS failure, or no memory for a buffer: the connection ends with it as the cause. */
    void failed(IOException e) {
        if (state == ConnectionState.CLOSED) {
            return;
        }
        if (e instanceof OutOfBufferMemory) { // logged where it happened
            abort(e);
            return;
        }
        if (!transport.failing(e)) { // a TLS alert goes out now if it can
            loop.resources().counters().connectionErrors.increment();
        }
        Failures.logFailed(log, connection, e);
        if (state.beforeOpen() && outbound.queuedBytes() > 0) {
            abort(e); // a handshake's alert that did not go out at once: reset
        } else {
            closeNow(e); // an alert sent at once is gone: the FIN follows it
        }
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
        if (drain != null) {
            drain.stop();
        }
        loop.resources().counters().closed.increment();
        if (server != null) {
            server.release();
        }
        log.debug("closed {}", connection);
        if (!was.beforeOpen()) {
            loop.resources().invoker().onClose(handler, connection, cause);
        } else {
            opening.failed(transport.openingFailure(cause != null ? cause : new ClosedChannelException()));
            opening = null;
        }
        outbound.completeFinished(); // the files not sent fail, once the connection is settled closed
    }
}
