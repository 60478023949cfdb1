package io.nioreactor.core.internal;

import io.nioreactor.core.TlsOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
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
 * TLS over a connection's {@link SocketEndpoint} and {@link OutboundBuffer}, with the JDK's
 * {@link SSLEngine}: plaintext to the connection above, ciphertext below. Records are read
 * through {@link TlsInbound} and unwrapped into the loop's plaintext buffer one per
 * {@link #read}; plaintext written is wrapped record by record into the loop's packet buffer and
 * written to the outbound buffer like any plain write: at once, or queued under the connection's
 * water marks and the loop's budget. What the engine cannot take yet, and files, wait in a
 * {@link TlsBacklog}, counted as held bytes of the outbound buffer. The engine's delegated tasks
 * run on the options' executor while the connection reads nothing; the connection resumes on its
 * loop when they are done.
 *
 * <p>A server makes its engine only once a whole first record (the ClientHello) has arrived, so
 * a peer that stalls in the middle of it holds the bytes it sent and no engine.
 */
final class TlsTransport implements Transport, TlsBacklog.Sink {

    private static final Logger log = LoggerFactory.getLogger(TlsTransport.class);
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** {@link #unwrap}: the record is not whole yet. */
    private static final int NEED_MORE = -2;
    /** {@link #unwrap}: the engine took nothing and gave nothing: stop rather than spin. */
    private static final int NO_PROGRESS = -3;

    private final LoopCore loop;
    private final SocketEndpoint endpoint;
    private final OutboundBuffer outbound;
    private final Owner owner;
    private final TlsOptions options;
    private final TlsHandshake handshake;
    private final TlsInbound inbound;
    /** A server's is made once the first whole record has arrived; a client's at once. */
    private SSLEngine engine;
    private ByteBuffer plaintext;
    private TlsBacklog backlog;
    private boolean tasksRunning;
    /** The peer's close_notify has arrived: nothing more is read. */
    private boolean inputDone;
    /** endOutput() was asked: close_notify follows what is held. */
    private boolean outputEnding;
    private boolean closeNotifyQueued;
    private boolean closed;
    private volatile SSLSession session;
    private volatile String applicationProtocol;

    private TlsTransport(LoopCore loop, SocketEndpoint endpoint, OutboundBuffer outbound, Owner owner,
            TlsOptions options, SSLEngine engine, String peer) {
        this.loop = loop;
        this.endpoint = endpoint;
        this.outbound = outbound;
        this.owner = owner;
        this.options = options;
        this.engine = engine;
        this.inbound = new TlsInbound(loop.resources());
        this.handshake = new TlsHandshake(loop, options, peer != null ? peer : Addresses.describe(endpoint.remoteAddress()),
                this::handshakeTimedOut);
    }

    /** The server side of accepted connections. */
    static Transport.Factory server(TlsOptions options) {
        return (loop, endpoint, outbound, owner) -> new TlsTransport(loop, endpoint, outbound, owner, options, null, null);
    }

    /**
     * The client side of a dialed connection to {@code host:port} ({@code host} {@code null} for
     * a Unix socket). The engine is made at once: settings it refuses fail the dial.
     */
    static Transport.Factory client(TlsOptions options, String host, int port) {
        return (loop, endpoint, outbound, owner) -> new TlsTransport(loop, endpoint, outbound, owner, options,
                options.newEngine(host, port), host == null ? null : host + ":" + port);
    }

    // ---------------------------------------------------------------- the handshake

    @Override
    public boolean start() throws IOException {
        handshake.start();
        if (engine != null) { // a client speaks first
            engine.beginHandshake();
            read();
            readBurstEnded();
        }
        return false;
    }

    private void completeHandshake() {
        handshake.completed();
        session = engine.getSession();
        String protocol = engine.getApplicationProtocol();
        applicationProtocol = protocol == null || protocol.isEmpty() ? null : protocol;
        log.debug("{}: TLS handshake done, {} {}", this, session.getProtocol(), session.getCipherSuite());
        owner.handshakeCompleted();
    }

    private void handshakeTimedOut() {
        if (!handshake.hasEnded() && !closed) {
            owner.failed(handshake.timedOut(this), true);
        }
    }

    private void runDelegatedTasks() throws SSLException {
        List<Runnable> tasks = new ArrayList<>(2);
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
            tasks.add(task);
        }
        tasksRunning = true;
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
                loop.executeUnlessTerminated(() -> tasksDone(failed));
            });
        } catch (RejectedExecutionException e) {
            tasksRunning = false;
            throw new SSLException("the TLS task executor refused the engine's tasks", e);
        }
    }

    private void tasksDone(Throwable failure) {
        tasksRunning = false;
        if (closed) {
            return;
        }
        if (failure != null) {
            owner.failed(new SSLException("a TLS task failed: " + failure, failure), false);
            return;
        }
        try {
            pump(); // what the engine could not take while its tasks ran
        } catch (IOException e) {
            owner.failed(e, false);
            return;
        }
        outbound.checkDrained();
        owner.resumeReading();
    }

    // ---------------------------------------------------------------- reading

    @Override
    public int read() throws IOException {
        try {
            return readRecord();
        } catch (RuntimeException e) {
            throw new SSLException("the TLS engine failed: " + e, e);
        }
    }

    private int readRecord() throws IOException {
        while (!tasksRunning && !closed && !inputDone) {
            if (engine == null && !makeServerEngine()) {
                int n = inbound.fill(endpoint);
                if (n <= 0) {
                    return n < 0 ? endOfStream() : 0;
                }
                continue;
            }
            HandshakeStatus status = engine.getHandshakeStatus();
            if (status == HandshakeStatus.NEED_TASK) {
                runDelegatedTasks();
                return 0;
            }
            if (status == HandshakeStatus.NEED_WRAP) {
                wrap(EMPTY, false);
                continue;
            }
            if (!handshake.hasEnded() && status == HandshakeStatus.NOT_HANDSHAKING) {
                completeHandshake();
                return 0; // the connection looks at its state again before it reads on
            }
            int n = inbound.hasWholeRecord() ? unwrap() : NEED_MORE;
            if (n == NO_PROGRESS) {
                return 0;
            }
            if (n != NEED_MORE) {
                if (n != 0) {
                    return n; // plaintext, or -1 for close_notify
                }
                continue;
            }
            n = inbound.fill(endpoint);
            if (n <= 0) {
                return n < 0 ? endOfStream() : 0;
            }
        }
        return 0;
    }

    /** A server's engine, once the first record has arrived whole. @return whether there is one now */
    private boolean makeServerEngine() throws SSLException {
        if (!inbound.hasWholeRecord()) {
            return false;
        }
        engine = options.newEngine(null, -1);
        engine.beginHandshake();
        return true;
    }

    /** @return plaintext bytes (above 0), 0 for a record without any, -1 at close_notify, or NEED_MORE / NO_PROGRESS */
    private int unwrap() throws SSLException {
        ByteBuffer into = loop.resources().tlsPlainBuffer(engine.getSession().getApplicationBufferSize());
        into.clear();
        ByteBuffer[] array = loop.resources().tlsPlainArray(into);
        SSLEngineResult result;
        try {
            result = engine.unwrap(inbound.source(), array, 0, 1);
        } finally {
            array[0] = null;
        }
        if (result.getStatus() == Status.BUFFER_UNDERFLOW) {
            return NEED_MORE;
        }
        if (result.getStatus() == Status.BUFFER_OVERFLOW) { // the session grew its records: a larger buffer
            loop.resources().tlsPlainBuffer(engine.getSession().getApplicationBufferSize() + into.capacity());
            return 0;
        }
        if (result.getStatus() == Status.CLOSED) {
            inputDone = true; // close_notify: nothing that follows it is read or kept
            inbound.drop();
            return -1;
        }
        if (result.bytesProduced() > 0) {
            if (!handshake.hasEnded()) {
                completeHandshake();
            }
            plaintext = into.flip();
            return result.bytesProduced();
        }
        return result.bytesConsumed() > 0 ? 0 : NO_PROGRESS;
    }

    /** The socket's end without close_notify: during the handshake a failure; after it the end of input. */
    private int endOfStream() throws SSLHandshakeException {
        if (!handshake.isCompleted()) {
            throw new SSLHandshakeException("the peer closed the connection during the handshake");
        }
        if (inbound.holdsBytes()) { // many clients never send close_notify; one cut inside a record is an error
            loop.resources().counters().connectionErrors.increment();
            LogThrottle throttle = loop.resources().tlsFailureLog();
            if (throttle.allow()) {
                log.info("{}: the peer ended the stream inside a TLS record ({} bytes of it dropped; {} more not logged)",
                        this, inbound.heldBytes(), throttle.suppressed());
            }
        }
        inbound.drop();
        try {
            engine.closeInbound();
        } catch (SSLException e) {
            log.debug("{}: end of input without close_notify: {}", this, e.getMessage());
        }
        inputDone = true;
        return -1;
    }

    @Override
    public ByteBuffer inbound() {
        return plaintext;
    }

    @Override
    public boolean moreToRead() {
        return inbound.hasWholeRecord() || inbound.lastFillFilled();
    }

    @Override
    public boolean readSuspended() {
        return tasksRunning;
    }

    @Override
    public boolean hasBufferedInput() {
        return !inputDone && inbound.hasWholeRecord();
    }

    @Override
    public void readBurstEnded() {
        inbound.keepRest(handshake.isCompleted());
        if (backlog != null && !tasksRunning) {
            try {
                pump(); // a renegotiation the reads completed lets the engine take data again
            } catch (IOException e) {
                owner.failed(e, false);
            }
        }
    }

    // ---------------------------------------------------------------- writing

    @Override
    public boolean write(ByteBuffer data, boolean later) throws IOException {
        if (engine == null || engine.isOutboundDone() || outputEnding) {
            return false;
        }
        if (backlog != null || tasksRunning) { // behind what waits, in order
            hold(data);
            pump();
            return true;
        }
        if (!wrap(data, later)) {
            return false;
        }
        if (data.hasRemaining()) { // the engine takes no data now (tasks, a renegotiation): it waits
            hold(data);
        }
        return true;
    }

    @Override
    public boolean write(ByteBuffer[] data) throws IOException {
        for (ByteBuffer buffer : data) {
            if (buffer.hasRemaining() && !write(buffer, false)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void sendFile(OutboundQueue.FileRegion region) throws IOException {
        outbound.hold(region.remaining);
        backlog().addFile(region);
        pump();
    }

    private void hold(ByteBuffer data) {
        outbound.hold(backlog().addWrite(data));
    }

    private TlsBacklog backlog() {
        if (backlog == null) {
            backlog = new TlsBacklog();
        }
        return backlog;
    }

    /** Sends on what the backlog holds while the queue has room; once it is empty, what endOutput asked. */
    private void pump() throws IOException {
        if (backlog == null || tasksRunning) {
            return;
        }
        long sent;
        try {
            sent = backlog.pump(this);
        } catch (IOException e) { // a file that cannot be read: the stream would have a hole
            owner.failed(e, true);
            return;
        }
        if (backlog.isEmpty()) {
            backlog = null;
            if (outputEnding) {
                sendCloseNotify();
            }
        }
        if (sent > 0) {
            outbound.release(sent);
        }
    }

    @Override
    public boolean hasRoom() {
        return !tasksRunning && !closed && outbound.queueHasRoom();
    }

    @Override
    public void wrap(ByteBuffer plain) throws IOException {
        if (!wrap(plain, false)) {
            throw new SSLException("the TLS engine closed its output with data still to send");
        }
    }

    /**
     * Wraps {@code data} (empty: a handshake message or close_notify) record by record into the
     * outbound buffer, now or deferred; stops where the engine takes nothing more now.
     *
     * @return {@code false} if the engine has closed its output
     */
    private boolean wrap(ByteBuffer data, boolean later) throws IOException {
        try {
            do {
                ByteBuffer packet = loop.resources().tlsPacketBuffer(engine.getSession().getPacketBufferSize());
                packet.clear();
                ByteBuffer[] from = loop.resources().tlsWrapArray(data); // set each time: a nested wrap reuses it
                SSLEngineResult result;
                try {
                    result = engine.wrap(from, 0, 1, packet);
                } finally {
                    from[0] = null; // no reference to the caller's buffer kept
                }
                if (result.getStatus() == Status.BUFFER_OVERFLOW) {
                    loop.resources().tlsPacketBuffer(engine.getSession().getPacketBufferSize() + packet.capacity());
                    continue;
                }
                packet.flip();
                if (packet.hasRemaining()) {
                    if (later) {
                        outbound.writeLater(packet);
                    } else {
                        outbound.write(packet);
                    }
                }
                if (result.getStatus() == Status.CLOSED) {
                    return false;
                }
                if (result.bytesConsumed() == 0 && result.bytesProduced() == 0) {
                    break; // the engine takes no data now: what is left stays with the caller
                }
            } while (data.hasRemaining() || engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP);
            if (engine.getHandshakeStatus() == HandshakeStatus.NEED_TASK && !tasksRunning) {
                runDelegatedTasks(); // now, not at the next read: writes wait for them
            }
            return true;
        } catch (RuntimeException e) {
            throw new SSLException("the TLS engine failed: " + e, e);
        }
    }

    @Override
    public void onFlushed() throws IOException {
        pump();
    }

    // ---------------------------------------------------------------- ending

    @Override
    public void endOutput() throws IOException {
        outputEnding = true;
        if (backlog == null && !tasksRunning) {
            sendCloseNotify();
        }
    }

    @Override
    public boolean outputEnded() {
        return closeNotifyQueued;
    }

    private void sendCloseNotify() {
        if (closeNotifyQueued) {
            return;
        }
        closeNotifyQueued = true;
        if (engine == null || engine.isOutboundDone()) {
            return;
        }
        engine.closeOutbound();
        try {
            wrap(EMPTY, false);
        } catch (IOException e) {
            log.debug("{}: close_notify not sent: {}", this, e.toString());
        }
    }

    @Override
    public boolean failing(IOException cause) {
        boolean refused = cause instanceof SSLException;
        if (refused) {
            sendAlert();
        }
        if (!handshake.hasEnded()) {
            handshake.failed(this, cause, refused);
            return refused; // a refused handshake is counted as such, not as a connection error
        }
        if (refused) {
            LogThrottle throttle = loop.resources().tlsFailureLog();
            if (throttle.allow()) {
                log.info("{}: TLS stream broken, closing: {} ({} more not logged)", this, cause.getMessage(),
                        throttle.suppressed());
            }
        }
        return false;
    }

    /** The alert the engine has for the peer, if it goes out at once: a courtesy, the connection closes anyway. */
    private void sendAlert() {
        if (engine == null) {
            return;
        }
        try {
            engine.closeOutbound();
            if (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                ByteBuffer packet = loop.resources().tlsPacketBuffer(engine.getSession().getPacketBufferSize());
                packet.clear();
                engine.wrap(EMPTY, packet);
                outbound.write(packet.flip());
            }
        } catch (IOException | RuntimeException ignored) {
            // the connection closes either way
        }
    }

    @Override
    public void closed(Throwable cause) {
        closed = true;
        if (!handshake.hasEnded()) {
            if (cause != null && !(cause instanceof ClosedChannelException)) {
                handshake.failed(this, cause, false); // reset, or broken, under the handshake
            } else {
                handshake.abandoned(); // closed by us (a shutdown): not a failure of the peer's
            }
        }
        inbound.drop();
        if (backlog != null) {
            backlog.fail(cause != null ? cause : new ClosedChannelException());
            backlog = null;
        }
    }

    @Override
    public Throwable openingFailure(Throwable cause) {
        return handshake.failure(cause);
    }

    @Override
    public Optional<SSLSession> session() {
        return Optional.ofNullable(session);
    }

    @Override
    public Optional<String> applicationProtocol() {
        return Optional.ofNullable(applicationProtocol);
    }

    @Override
    public String toString() {
        return "tls connection " + endpoint;
    }
}
