package io.nioreactor.core.internal;

import io.nioreactor.core.TlsOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
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
final class TlsTransport implements Transport, TlsEngine.TasksDone {

    private static final Logger log = LoggerFactory.getLogger(TlsTransport.class);

    private final LoopCore loop;
    private final SocketEndpoint endpoint;
    private final OutboundBuffer outbound;
    private final Owner owner;
    private final TlsHandshake handshake;
    private final TlsInbound inbound;
    /** A server's engine is made once the first whole record has arrived; a client's at once. */
    private final TlsEngine engine;
    private TlsBacklog backlog;
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
        this.engine = new TlsEngine(loop, outbound, options, engine, this);
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

    @Override
    public boolean start() throws IOException {
        handshake.start();
        if (engine.exists()) { // a client speaks first
            engine.begin();
            read();
            readBurstEnded();
        }
        return false;
    }

    private void completeHandshake() {
        handshake.completed();
        session = engine.session();
        applicationProtocol = engine.applicationProtocol();
        log.debug("{}: TLS handshake done, {} {}", this, session.getProtocol(), session.getCipherSuite());
        owner.handshakeCompleted();
    }

    private void handshakeTimedOut() {
        if (!handshake.hasEnded() && !closed) {
            owner.failed(handshake.timedOut(this), true);
        }
    }

    @Override
    public void tasksDone(Throwable failure) {
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

    @Override
    public int read() throws IOException {
        try {
            return readRecord();
        } catch (RuntimeException e) {
            throw new SSLException("the TLS engine failed: " + e, e);
        }
    }

    private int readRecord() throws IOException {
        while (!engine.tasksRunning() && !closed && !inputDone) {
            if (!engine.exists() && !makeServerEngine()) {
                int n = inbound.fill(endpoint);
                if (n <= 0) {
                    return n < 0 ? endOfStream() : 0;
                }
                continue;
            }
            HandshakeStatus status = engine.status();
            if (status == HandshakeStatus.NEED_TASK) {
                engine.runTasks();
                return 0;
            }
            if (status == HandshakeStatus.NEED_WRAP) {
                engine.wrapHandshake();
                continue;
            }
            if (!handshake.hasEnded() && status == HandshakeStatus.NOT_HANDSHAKING) {
                completeHandshake();
                return 0; // the connection looks at its state again before it reads on
            }
            int n = inbound.hasWholeRecord() ? unwrap() : TlsEngine.NEED_MORE;
            if (n == TlsEngine.NO_PROGRESS) {
                inbound.engineTookNothing();
                return 0;
            }
            if (n != TlsEngine.NEED_MORE) {
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
        engine.begin();
        return true;
    }

    /** One record: plaintext bytes, 0 for none, -1 at close_notify, or TlsEngine's NEED_MORE / NO_PROGRESS. */
    private int unwrap() throws SSLException {
        int n = engine.unwrap(inbound.source());
        if (n == TlsEngine.CLOSED) {
            inputDone = true; // close_notify: nothing that follows it is read or kept
            inbound.drop();
        } else if (n > 0 && !handshake.hasEnded()) {
            completeHandshake();
        }
        return n;
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
        return engine.plaintext();
    }

    @Override
    public boolean moreToRead() {
        return inbound.hasWholeRecord() || inbound.lastFillFilled();
    }

    @Override
    public boolean readSuspended() {
        return engine.tasksRunning();
    }

    @Override
    public boolean hasBufferedInput() {
        return !inputDone && inbound.hasRecordToRead();
    }

    @Override
    public void readBurstEnded() {
        inbound.keepRest(handshake.isCompleted());
        if (backlog != null && !engine.tasksRunning()) {
            try {
                pump(); // a renegotiation the reads completed lets the engine take data again
            } catch (IOException e) {
                owner.failed(e, false);
            }
        }
    }

    @Override
    public boolean write(ByteBuffer data, boolean later) throws IOException {
        if (engine.outputDone() || outputEnding) {
            return false;
        }
        if (backlog != null || engine.tasksRunning()) { // behind what waits, in order
            backlog().addWrite(data);
            pump();
            return true;
        }
        if (!engine.wrap(data, later)) {
            return false;
        }
        if (data.hasRemaining()) { // the engine takes no data now (tasks, a renegotiation): it waits
            backlog().addWrite(data);
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
        backlog().addFile(region);
        pump();
    }

    private TlsBacklog backlog() {
        if (backlog == null) {
            backlog = new TlsBacklog(engine, outbound);
        }
        return backlog;
    }

    /** Sends on what the backlog holds while the queue has room; once it is empty, what endOutput asked. */
    private void pump() throws IOException {
        if (backlog == null || engine.tasksRunning()) {
            return;
        }
        try {
            backlog.pump();
        } catch (IOException e) { // a file that cannot be read: the stream would have a hole
            owner.failed(e, true);
            return;
        }
        if (backlog != null && backlog.isEmpty()) {
            backlog = null;
            if (outputEnding) {
                sendCloseNotify();
            }
        }
    }

    @Override
    public void onFlushed() throws IOException {
        pump();
    }

    @Override
    public void endOutput() throws IOException {
        outputEnding = true;
        if (backlog == null && !engine.tasksRunning()) {
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
        try {
            engine.closeOutbound();
        } catch (IOException e) {
            log.debug("{}: close_notify not sent: {}", this, e.toString());
        }
    }

    @Override
    public boolean failing(IOException cause) {
        boolean refused = cause instanceof SSLException;
        if (refused) {
            engine.sendAlert();
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
    public String describe() {
        return "tls connection";
    }

    @Override
    public String toString() {
        return describe() + " " + endpoint;
    }
}
