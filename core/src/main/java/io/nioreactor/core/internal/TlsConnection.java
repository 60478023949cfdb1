package io.nioreactor.core.internal;

import io.nioreactor.core.Connection;
import io.nioreactor.core.ConnectionHandler;
import io.nioreactor.core.EventLoop;
import io.nioreactor.core.TlsOptions;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS over a {@link TcpConnection}, with the JDK's {@link SSLEngine}: the connection handlers
 * and writers see. The TCP connection below reads ciphertext into the loop's heap read buffer
 * and hands it to {@link Transport}; records are unwrapped into the loop's shared plaintext
 * buffer and handed to the user's handler. Plaintext written is wrapped, record by record, into
 * the loop's shared packet buffer and written to the TCP connection, which sends it at once or
 * copies it into its pooled outbound chunks, under its water marks and the loop's send budget
 * like any plain write (a record spans chunks: the queue is a byte stream). What this class
 * keeps of its own is the engine and, only while a record is cut by a read or the handler has
 * paused reading, the bytes not yet unwrapped: an idle TLS connection holds no buffer.
 *
 * <p>The user's handler sees {@code onOpen} once the handshake has completed; a connection
 * whose handshake fails or times out never reaches it (no {@code onOpen}, no {@code onClose}),
 * and is counted. The engine's delegated tasks run on the options' executor while the
 * connection reads nothing; it resumes on its loop when they are done.
 */
final class TlsConnection implements Connection {

    private static final Logger log = LoggerFactory.getLogger(TlsConnection.class);
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final TcpConnection tcp;
    private final LoopCore loop;
    private final SSLEngine engine;
    private final TlsOptions options;
    /** The user's handler; for an accepted connection set just after construction, by the factory. */
    private ConnectionHandler handler;
    /** The dialer's future, completed after the handshake; {@code null} on the server side. */
    private final CompletableFuture<Connection> dialed;
    private final Transport transport = new Transport();
    private final ScheduledTask handshakeTimer;
    /** The peer as the user named it (a dialed host and port), or its address. */
    private final String peer;

    /** Ciphertext read but not unwrapped yet: a cut record, or records held while reading is paused. */
    private ByteBuffer kept;
    /** Where unwrapping reads from now: the TCP connection's read, or {@link #kept}. */
    private ByteBuffer source;
    private boolean handshakeOver;
    /** The handler has had onOpen; read from any thread (isWritable). */
    private volatile boolean opened;
    /** close() was called, or the stream broke: nothing more is handed to the handler. */
    private boolean closing;
    private boolean tasksRunning;
    private boolean autoRead = true;
    private boolean inputClosed;
    /** Plaintext went to onRead since the last onReadComplete. */
    private boolean delivered;
    /** Set once a resume of {@link #kept} is on its way to the loop. */
    private boolean resumeScheduled;
    /** Plaintext behind a file being sent, or {@code null} (no file on its way: nothing held). */
    private TlsBacklog backlog;
    private TlsBacklog.Sink backlogSink;
    /** close() or shutdownOutput() asked while a file was on its way: done once it has gone. */
    private boolean closeAfterBacklog;
    private boolean shutdownAfterBacklog;
    private volatile SSLSession session;
    private volatile String applicationProtocol;
    private Object attachment;

    private TlsConnection(TcpConnection tcp, LoopCore loop, TlsOptions options, SSLEngine engine,
            ConnectionHandler handler, CompletableFuture<Connection> dialed, String peer) {
        this.tcp = tcp;
        this.peer = peer != null ? peer : Addresses.describe(tcp.remoteAddress());
        this.loop = loop;
        this.options = options;
        this.engine = engine;
        this.handler = handler;
        this.dialed = dialed;
        this.handshakeTimer = loop.timers().newTimer(this::handshakeTimedOut);
        tcp.carriedBy(this);
    }

    /** The server side of an accepted connection; its handler comes from the factory, given this connection. */
    static TlsConnection accepted(TcpConnection tcp, LoopCore loop, TlsOptions options,
            Function<? super Connection, ? extends ConnectionHandler> handlerFactory) {
        TlsConnection tls = new TlsConnection(tcp, loop, options, options.newEngine(null, -1), null, null, null);
        tls.handler = Objects.requireNonNull(handlerFactory.apply(tls), "the handler factory returned null");
        return tls;
    }

    /** The client side of a dialed connection: {@code dialed} completes with it after the handshake. */
    static TlsConnection dialed(TcpConnection tcp, LoopCore loop, TlsOptions options, String host, int port,
            ConnectionHandler handler, CompletableFuture<Connection> dialed) {
        return new TlsConnection(tcp, loop, options, options.newEngine(host, port), handler, dialed,
                host == null ? null : host + ":" + port);
    }

    /** What the TCP connection below calls: ciphertext in, events of the socket. */
    ConnectionHandler transport() {
        return transport;
    }

    // ---------------------------------------------------------------- the engine

    /**
     * Runs the engine as far as it can go now: handshake messages out, records in (from
     * {@link #source}), delegated tasks off the loop; stops when it needs more bytes, waits for
     * tasks, or the handler paused reading.
     */
    private void process() {
        try {
            while (tcp.isOpen() && !tasksRunning) {
                HandshakeStatus status = engine.getHandshakeStatus();
                if (status == HandshakeStatus.NEED_TASK) {
                    runDelegatedTasks();
                    return;
                }
                if (status == HandshakeStatus.NEED_WRAP) {
                    if (!wrap(EMPTY, false)) {
                        return;
                    }
                    continue;
                }
                if (!handshakeOver && status == HandshakeStatus.NOT_HANDSHAKING) {
                    handshakeCompleted();
                    continue;
                }
                if (opened && (!autoRead || inputClosed || closing)) {
                    return; // paused by the handler (the rest stays in kept), or done reading
                }
                if (source == null || !source.hasRemaining() || !unwrapOne()) {
                    return;
                }
            }
        } catch (SSLException e) {
            broken(e);
        } catch (RuntimeException e) {
            broken(new SSLException("the TLS engine failed: " + e, e));
        }
    }

    /** Unwraps one record from {@link #source}; {@code false} if it needs more bytes first. */
    private boolean unwrapOne() throws SSLException {
        ByteBuffer plain = loop.resources().tlsPlainBuffer(engine.getSession().getApplicationBufferSize());
        plain.clear();
        ByteBuffer[] into = loop.resources().tlsPlainArray(plain);
        SSLEngineResult result = engine.unwrap(source, into, 0, 1);
        into[0] = null;
        if (result.getStatus() == Status.BUFFER_UNDERFLOW) {
            return false;
        }
        if (result.getStatus() == Status.BUFFER_OVERFLOW) {
            loop.resources().tlsPlainBuffer(engine.getSession().getApplicationBufferSize() + plain.capacity());
            return true; // the session grew its records: again, into a larger buffer
        }
        if (result.getHandshakeStatus() == HandshakeStatus.FINISHED && !handshakeOver) {
            handshakeCompleted();
        }
        if (result.bytesProduced() > 0) {
            plain.flip();
            deliver(plain);
        }
        if (result.getStatus() == Status.CLOSED && !inputClosed) {
            peerClosed(); // close_notify
        }
        // No progress (the engine waits for something else): stop rather than spin on the loop.
        return result.bytesConsumed() > 0 || result.bytesProduced() > 0 || result.getStatus() != Status.OK;
    }

    private void deliver(ByteBuffer plain) {
        if (!opened || closing) {
            return; // no application data before the handshake has completed
        }
        delivered = true;
        try {
            handler.onRead(this, plain);
        } catch (Throwable t) {
            handlerFailed(t);
        }
    }

    /**
     * Wraps {@code data} (empty: a handshake message or close_notify) record by record and hands
     * the records to the TCP connection, now or deferred.
     *
     * @return {@code false} if the engine or the connection is closed
     */
    private boolean wrap(ByteBuffer data, boolean later) throws SSLException {
        do {
            ByteBuffer packet = loop.resources().tlsPacketBuffer(engine.getSession().getPacketBufferSize());
            packet.clear();
            ByteBuffer[] from = loop.resources().tlsWrapArray(data); // set each time: a nested wrap reuses it
            SSLEngineResult result = engine.wrap(from, 0, 1, packet);
            from[0] = null; // no reference to the caller's buffer kept
            if (result.getStatus() == Status.BUFFER_OVERFLOW) {
                loop.resources().tlsPacketBuffer(engine.getSession().getPacketBufferSize() + packet.capacity());
                continue;
            }
            packet.flip();
            if (packet.hasRemaining() && !(later ? tcp.writeLater(packet) : tcp.write(packet))) {
                return false;
            }
            if (result.getHandshakeStatus() == HandshakeStatus.FINISHED && !handshakeOver) {
                handshakeCompleted();
            }
            if (result.getStatus() == Status.CLOSED) {
                return false;
            }
            if (result.bytesConsumed() == 0 && result.bytesProduced() == 0) {
                // The engine takes no data now (tasks to run, a renegotiation): what is left of
                // `data` stays with the caller, who keeps it for later (writePlain: the backlog).
                return true;
            }
        } while (data.hasRemaining() || engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP);
        return true;
    }

    private void runDelegatedTasks() {
        List<Runnable> tasks = new ArrayList<>(2);
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
            tasks.add(task);
        }
        tasksRunning = true;
        tcp.setAutoRead(false); // nothing to unwrap with until the tasks are done
        try {
            options.delegatedTaskExecutor().execute(() -> {
                Throwable failure = null;
                try {
                    for (Runnable task : tasks) {
                        task.run();
                    }
                } catch (Throwable t) {
                    failure = t;
                }
                Throwable failed = failure;
                try {
                    loop.execute(() -> delegatedTasksDone(failed));
                } catch (RejectedExecutionException e) {
                    log.debug("{}: loop terminated while TLS tasks ran", this);
                }
            });
        } catch (RejectedExecutionException e) {
            tasksRunning = false;
            broken(new SSLException("the TLS task executor refused the handshake's tasks", e));
        }
    }

    private void delegatedTasksDone(Throwable failure) {
        tasksRunning = false;
        if (!tcp.isOpen()) {
            return;
        }
        if (failure != null) {
            broken(new SSLException("a TLS task failed: " + failure, failure));
            return;
        }
        tcp.setAutoRead(!opened || (autoRead && !inputClosed));
        source = kept;
        process();
        keepRest();
        if (backlog != null && tcp.isOpen()) {
            pumpBacklog(); // writes the engine could not take while the tasks ran
        }
    }

    private void handshakeCompleted() {
        handshakeOver = true;
        loop.timers().disarm(handshakeTimer);
        session = engine.getSession();
        String protocol = engine.getApplicationProtocol();
        applicationProtocol = protocol == null || protocol.isEmpty() ? null : protocol;
        loop.resources().counters().tlsHandshakes.increment();
        opened = true;
        log.debug("{}: TLS handshake done, {} {}", this, session.getProtocol(), session.getCipherSuite());
        try {
            handler.onOpen(this);
        } catch (Throwable t) {
            handlerFailed(t);
        }
        if (dialed != null) {
            dialed.complete(this);
        }
    }

    /** The peer's close_notify: end of input for the handler (TLS 1.2: the engine closes the output too). */
    private void peerClosed() {
        inputClosed = true;
        tcp.setAutoRead(false); // nothing may follow close_notify: no more reading, nothing more kept
        if (!opened) {
            return;
        }
        try {
            handler.onInputClosed(this);
        } catch (Throwable t) {
            handlerFailed(t);
        }
    }

    /**
     * The engine refused the bytes (garbage, a plain-text client, an alert, an untrusted
     * certificate) or failed: during the handshake a failed handshake, counted; after it a
     * broken stream. The alert the engine has for the peer is sent if it goes at once.
     */
    private void broken(SSLException e) {
        if (!tcp.isOpen()) {
            return;
        }
        sendAlert();
        if (!handshakeOver) {
            handshakeFailed(e);
            return;
        }
        closing = true;
        loop.resources().counters().connectionErrors.increment();
        LogThrottle throttle = loop.resources().tlsFailureLog();
        if (throttle.allow()) {
            log.info("{}: TLS stream broken, closing: {} ({} more not logged)", this, e.getMessage(), throttle.suppressed());
        }
        tcp.closeWithCause(e); // the alert, written at once above, goes before the FIN
    }

    private void sendAlert() {
        try {
            engine.closeOutbound();
            if (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                ByteBuffer packet = loop.resources().tlsPacketBuffer(engine.getSession().getPacketBufferSize());
                packet.clear();
                engine.wrap(EMPTY, packet);
                packet.flip();
                tcp.write(packet);
            }
        } catch (SSLException | RuntimeException ignored) {
            // the alert is a courtesy: the connection closes either way
        }
    }

    private void handshakeFailed(Throwable cause) {
        handshakeOver = true;
        loop.timers().disarm(handshakeTimer);
        loop.resources().counters().tlsHandshakeFailures.increment();
        LogThrottle throttle = loop.resources().tlsFailureLog();
        if (throttle.allow()) {
            log.info("{}: TLS handshake failed: {} ({} more not logged)", this, cause.getMessage(), throttle.suppressed());
        }
        failDialed(cause);
        closeAfterAlert();
    }

    /** Closed gracefully if the alert went out at once (the peer then reads why), else reset. */
    private void closeAfterAlert() {
        if (tcp.pendingOutboundBytes() == 0) {
            tcp.close();
        } else {
            tcp.abort();
        }
    }

    private void handshakeTimedOut() {
        if (handshakeOver || !tcp.isOpen()) {
            return;
        }
        handshakeOver = true;
        loop.resources().counters().tlsHandshakeTimeouts.increment();
        LogThrottle throttle = loop.resources().tlsFailureLog();
        if (throttle.allow()) {
            log.info("{}: TLS handshake timed out after {} ({} more not logged)", this,
                    Durations.describe(options.handshakeTimeout()), throttle.suppressed());
        }
        failDialed(new SSLHandshakeException("TLS handshake with " + peer
                + " timed out after " + Durations.describe(options.handshakeTimeout())));
        tcp.abort();
    }

    private void failDialed(Throwable cause) {
        if (dialed == null || dialed.isDone()) {
            return;
        }
        SSLHandshakeException failure = new SSLHandshakeException("TLS handshake with "
                + peer + " failed: " + cause.getMessage());
        failure.initCause(cause);
        dialed.completeExceptionally(cause instanceof SSLHandshakeException && cause.getMessage().startsWith("TLS handshake with")
                ? cause : failure);
    }

    private void handlerFailed(Throwable t) {
        closing = true; // nothing more is handed to the handler
        tcp.handlerFailed(t);
    }

    /** What is left of {@link #source} after processing is kept, copied, for later; an empty one is let go. */
    private void keepRest() {
        ByteBuffer rest = source;
        source = null;
        if (rest == null || rest == kept) {
            if (kept != null && !kept.hasRemaining()) {
                dropKept();
            } else if (kept != null) {
                kept.compact().flip();
            }
            return;
        }
        if (rest.hasRemaining()) {
            kept = loop.resources().takeTlsKeptBuffer(rest.remaining()).put(rest).flip();
        }
    }

    /** What was kept is done with (or dropped): its buffer goes back to the loop. */
    private void dropKept() {
        if (kept != null) {
            loop.resources().giveBackTlsKeptBuffer(kept);
            kept = null;
        }
    }

    /**
     * A read of ciphertext: unwrapped in place, or, when a cut record is kept, added to it as
     * much as fits (a kept buffer holds more than a record, so each round completes one) until
     * the read is used up; only a paused handler makes the rest of a read wait in a larger buffer.
     */
    private void received(ByteBuffer ciphertext) {
        if (inputClosed || closing) {
            ciphertext.position(ciphertext.limit()); // after close_notify or close(): dropped, never kept
            return;
        }
        if (kept == null) {
            source = ciphertext;
            process();
            keepRest();
            return;
        }
        while (true) {
            appendToKept(ciphertext, kept.capacity() - kept.limit());
            source = kept;
            process();
            if (!ciphertext.hasRemaining() || !tcp.isOpen() || inputClosed || closing) {
                ciphertext.position(ciphertext.limit());
                break;
            }
            if (kept.position() == 0) { // nothing used (reading paused): the rest of the read waits too
                ByteBuffer larger = loop.resources().takeTlsKeptBuffer(kept.remaining() + ciphertext.remaining());
                larger.put(kept).flip();
                dropKept();
                kept = larger;
                appendToKept(ciphertext, ciphertext.remaining());
                break;
            }
            kept.compact().flip();
        }
        source = kept;
        keepRest();
    }

    /** Moves up to {@code max} bytes of {@code from} to the end of {@link #kept}, without copying buffers. */
    private void appendToKept(ByteBuffer from, int max) {
        int n = Math.min(max, from.remaining());
        int position = kept.position();
        int fromLimit = from.limit();
        from.limit(from.position() + n);
        kept.position(kept.limit()).limit(kept.limit() + n);
        kept.put(from);
        from.limit(fromLimit);
        kept.flip().position(position);
    }

    /** Reading resumed with records kept: they go first, on a task of their own (never inside another's callback). */
    private void resumeKept() {
        resumeScheduled = false;
        if (!tcp.isOpen() || kept == null || !autoRead) {
            return;
        }
        source = kept;
        delivered = false;
        process();
        keepRest();
        if (delivered && tcp.isOpen()) {
            delivered = false;
            try {
                handler.onReadComplete(this);
            } catch (Throwable t) {
                handlerFailed(t);
            }
        }
    }

    // ---------------------------------------------------------------- Connection

    @Override
    public boolean write(ByteBuffer data) {
        if (!loop.inEventLoop()) {
            return tcp.writeFromElsewhere(data);
        }
        return writePlain(data, false);
    }

    @Override
    public boolean write(ByteBuffer... data) {
        if (!loop.inEventLoop()) {
            return tcp.writeFromElsewhere(data);
        }
        for (ByteBuffer buffer : data) { // once one waits in the backlog, the rest follow it there, in order
            if (!writePlain(buffer, false)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean writeLater(ByteBuffer data) {
        if (!loop.inEventLoop()) {
            return tcp.writeFromElsewhere(data);
        }
        return writePlain(data, true);
    }

    private boolean writePlain(ByteBuffer data, boolean later) {
        if (!opened || !tcp.isOpen() || engine.isOutboundDone() || closeAfterBacklog || shutdownAfterBacklog) {
            return false;
        }
        if (!data.hasRemaining()) {
            return true;
        }
        if (backlog != null) { // behind a file, or behind data the engine could not take: in order, after it
            backlog.addWrite(data);
            return true;
        }
        try {
            if (!wrap(data, later)) {
                return false;
            }
        } catch (SSLException e) {
            broken(e);
            return false;
        }
        if (data.hasRemaining()) { // the engine cannot take it now (tasks, a renegotiation): kept for later
            ensureBacklog();
            backlog.addWrite(data);
        }
        return true;
    }

    /**
     * Over TLS the file's bytes go through the engine: read into a heap buffer a record's worth
     * at a time, only while the connection is writable, and wrapped (a copy, where plain TCP has
     * {@code sendfile}). Writes made meanwhile follow the file, and the connection is not
     * writable until the file has gone. Any thread.
     */
    @Override
    public CompletableFuture<Long> sendFile(FileChannel file, long position, long count) {
        Objects.requireNonNull(file, "file");
        if (position < 0 || count < 0) {
            throw new IllegalArgumentException("position and count must be 0 or more: " + position + ", " + count);
        }
        CompletableFuture<Long> done = new CompletableFuture<>();
        Runnable send = () -> sendFileOnLoop(file, position, count, done);
        if (loop.inEventLoop()) {
            send.run();
        } else {
            try {
                loop.execute(send);
            } catch (RejectedExecutionException e) {
                done.completeExceptionally(e);
            }
        }
        return done;
    }

    private void sendFileOnLoop(FileChannel file, long position, long count, CompletableFuture<Long> done) {
        if (!opened || !tcp.isOpen() || engine.isOutboundDone() || closeAfterBacklog || shutdownAfterBacklog) {
            done.completeExceptionally(new ClosedChannelException());
            return;
        }
        if (count == 0) {
            done.complete(0L);
            return;
        }
        ensureBacklog();
        backlog.addFile(file, position, count, done);
        pumpBacklog();
    }

    private void ensureBacklog() {
        if (backlog == null) {
            backlog = new TlsBacklog();
            backlogSink = new TlsBacklog.Sink() {
                @Override
                public boolean writable() {
                    return tcp.isWritable();
                }

                @Override
                public boolean write(ByteBuffer plain) {
                    try {
                        return wrap(plain, false);
                    } catch (SSLException e) {
                        broken(e);
                        return false;
                    }
                }
            };
        }
    }

    /** Sends what the backlog holds while writable; once it is empty, what close or shutdownOutput asked. */
    private void pumpBacklog() {
        if (!backlog.pump(backlogSink)) {
            if (tcp.isOpen()) {
                tcp.abort(); // a file that ended early: the stream would have a hole
            }
            return;
        }
        if (!backlog.isEmpty()) {
            return; // not writable now: onWritable goes on
        }
        backlog = null;
        backlogSink = null;
        if (closeAfterBacklog) {
            closeAfterBacklog = false;
            close();
        } else if (shutdownAfterBacklog) {
            shutdownAfterBacklog = false;
            shutdownOutput();
        }
    }

    @Override
    public void flush() {
        tcp.flush();
    }

    @Override
    public boolean isWritable() {
        return opened && backlog == null && tcp.isWritable();
    }

    @Override
    public long pendingOutboundBytes() {
        TlsBacklog held = backlog;
        return tcp.pendingOutboundBytes() + (held == null || !loop.inEventLoop() ? 0 : held.heldBytes());
    }

    @Override
    public void setAutoRead(boolean on) {
        if (!loop.inEventLoop()) {
            loop.execute(() -> setAutoRead(on));
            return;
        }
        autoRead = on;
        if (!tcp.isOpen()) {
            return;
        }
        if (!tasksRunning) {
            tcp.setAutoRead((on && !inputClosed) || !opened);
        }
        if (on && kept != null && !resumeScheduled) {
            resumeScheduled = true;
            loop.execute(this::resumeKept);
        }
    }

    @Override
    public boolean isAutoRead() {
        return autoRead;
    }

    /** Sends close_notify, then shuts the TCP output (TLS 1.3 keeps the input open; the JDK's TLS 1.2 engine closes both). */
    @Override
    public void shutdownOutput() {
        if (!loop.inEventLoop()) {
            loop.execute(this::shutdownOutput);
            return;
        }
        if (backlog != null) {
            shutdownAfterBacklog = true;
            return;
        }
        if (sendCloseNotify()) {
            tcp.shutdownOutput();
        }
    }

    /** Sends close_notify after what is queued, then closes. */
    @Override
    public void close() {
        if (!loop.inEventLoop()) {
            loop.execute(this::close);
            return;
        }
        if (!handshakeOver) {
            handshakeOver = true; // a shutdown during the handshake: no session to close
            loop.timers().disarm(handshakeTimer);
            failDialed(new ClosedChannelException());
            tcp.abort();
            return;
        }
        if (backlog != null) {
            closeAfterBacklog = true; // the file first
            return;
        }
        closing = true;
        sendCloseNotify();
        tcp.close();
    }

    private boolean sendCloseNotify() {
        if (!tcp.isOpen()) {
            return false;
        }
        if (engine.isOutboundDone()) {
            return true;
        }
        engine.closeOutbound();
        try {
            wrap(EMPTY, false);
        } catch (SSLException e) {
            log.debug("{}: close_notify not sent: {}", this, e.toString());
        }
        return tcp.isOpen();
    }

    /** Resets the connection, no close_notify. */
    @Override
    public void abort() {
        tcp.abort();
    }

    @Override
    public boolean isOpen() {
        return tcp.isOpen();
    }

    @Override
    public SocketAddress localAddress() {
        return tcp.localAddress();
    }

    @Override
    public SocketAddress remoteAddress() {
        return tcp.remoteAddress();
    }

    @Override
    public EventLoop loop() {
        return tcp.loop();
    }

    @Override
    public <T> T option(SocketOption<T> option) throws IOException {
        return tcp.option(option);
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
        return Optional.ofNullable(session);
    }

    @Override
    public Optional<String> applicationProtocol() {
        return Optional.ofNullable(applicationProtocol);
    }

    @Override
    public String toString() {
        return "tls " + tcp;
    }

    // ---------------------------------------------------------------- the TCP connection's events

    /** The TCP connection's handler: ciphertext and socket events in, the user's handler called with plaintext. */
    private final class Transport implements ConnectionHandler {

        @Override
        public void onOpen(Connection connection) {
            loop.timers().arm(handshakeTimer, System.nanoTime() + options.handshakeTimeout().toNanos());
            try {
                engine.beginHandshake();
            } catch (SSLException e) {
                handshakeFailed(e);
                return;
            }
            process();
        }

        @Override
        public void onRead(Connection connection, ByteBuffer ciphertext) {
            received(ciphertext);
        }

        @Override
        public void onReadComplete(Connection connection) {
            if (delivered && opened && tcp.isOpen()) {
                delivered = false;
                try {
                    handler.onReadComplete(TlsConnection.this);
                } catch (Throwable t) {
                    handlerFailed(t);
                }
            }
        }

        @Override
        public void onWritable(Connection connection) {
            if (backlog != null) {
                pumpBacklog();
            }
            if (opened && backlog == null && tcp.isOpen()) {
                handler.onWritable(TlsConnection.this);
            }
        }

        @Override
        public void onInputClosed(Connection connection) {
            if (!handshakeOver) {
                handshakeFailed(new SSLHandshakeException("the peer closed the connection during the handshake"));
                return;
            }
            if (inputClosed) {
                return; // after close_notify: the FIN that follows it
            }
            // A FIN without close_notify: the handler sees the end all the same; cut inside a record, it is counted.
            if (kept != null && kept.hasRemaining()) {
                loop.resources().counters().connectionErrors.increment();
                LogThrottle throttle = loop.resources().tlsFailureLog();
                if (throttle.allow()) {
                    log.info("{}: the peer ended the stream inside a TLS record ({} bytes of it dropped; {} more not logged)",
                            TlsConnection.this, kept.remaining(), throttle.suppressed());
                }
                dropKept();
            }
            try {
                engine.closeInbound();
            } catch (SSLException e) {
                log.debug("{}: end of input without close_notify: {}", TlsConnection.this, e.getMessage());
            }
            peerClosed();
        }

        @Override
        public void onIdle(Connection connection) {
            if (opened) { // before: the handshake timeout governs
                handler.onIdle(TlsConnection.this);
            }
        }

        @Override
        public void onClose(Connection connection, Throwable cause) {
            loop.timers().disarm(handshakeTimer);
            source = null;
            dropKept();
            if (backlog != null) {
                backlog.fail(cause != null ? cause : new ClosedChannelException());
                backlog = null;
            }
            if (opened) {
                handler.onClose(TlsConnection.this, cause);
                return;
            }
            if (!handshakeOver) { // reset or failed under the handshake
                handshakeOver = true;
                loop.resources().counters().tlsHandshakeFailures.increment();
                failDialed(cause != null ? cause : new ClosedChannelException());
            }
        }
    }
}
