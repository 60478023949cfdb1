package io.nioreactor.core.internal;

import io.nioreactor.core.TlsOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * One connection's {@link SSLEngine}, driven on its loop: plaintext wrapped record by record
 * into the loop's packet buffer and written to the {@link OutboundBuffer}, records unwrapped
 * into the loop's plaintext buffer, delegated tasks run on the options' executor and reported
 * back on the loop. The engine's two-buffer {@code wrap} and {@code unwrap} make an array per
 * call; the array forms with the loop's one-element arrays are used instead. What the engine
 * throws unchecked becomes an {@link SSLException}. Loop thread only.
 */
final class TlsEngine {

    /** {@link #unwrap}: the record is not whole yet. */
    static final int NEED_MORE = -2;
    /** {@link #unwrap}: the engine took nothing and gave nothing: stop rather than spin. */
    static final int NO_PROGRESS = -3;
    /** {@link #unwrap}: the peer's close_notify. */
    static final int CLOSED = -1;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    /** Told on the loop when the tasks handed out have run. */
    interface TasksDone {
        void tasksDone(Throwable failureOrNull);
    }

    private final LoopCore loop;
    private final OutboundBuffer outbound;
    private final TlsOptions options;
    private final TasksDone tasksDone;
    private SSLEngine engine;
    private ByteBuffer plaintext;
    private boolean tasksRunning;

    /** @param engine the engine now (a client's), or {@code null} until {@link #begin} (a server's) */
    TlsEngine(LoopCore loop, OutboundBuffer outbound, TlsOptions options, SSLEngine engine, TasksDone tasksDone) {
        this.loop = loop;
        this.outbound = outbound;
        this.options = options;
        this.engine = engine;
        this.tasksDone = tasksDone;
    }

    boolean exists() {
        return engine != null;
    }

    /** Makes a server's engine if there is none yet, and begins the handshake. */
    void begin() throws SSLException {
        try {
            if (engine == null) {
                engine = options.newEngine(null, -1);
            }
            engine.beginHandshake();
        } catch (RuntimeException e) {
            throw new SSLException("the TLS engine failed: " + e, e);
        }
    }

    HandshakeStatus status() {
        return engine.getHandshakeStatus();
    }

    boolean tasksRunning() {
        return tasksRunning;
    }

    /** Whether the engine will take no more data: close_notify sent, or (TLS 1.2) received. */
    boolean outputDone() {
        return engine == null || engine.isOutboundDone();
    }

    SSLSession session() {
        return engine.getSession();
    }

    /** @return the ALPN protocol agreed, or {@code null} */
    String applicationProtocol() {
        String protocol = engine.getApplicationProtocol();
        return protocol == null || protocol.isEmpty() ? null : protocol;
    }

    /** The plaintext of the last {@link #unwrap} that gave some: the loop's buffer, valid until the next. */
    ByteBuffer plaintext() {
        return plaintext;
    }

    /**
     * Unwraps one record of {@code source}.
     *
     * @return the plaintext bytes (above 0), 0 for a record without any, or {@link #CLOSED},
     *         {@link #NEED_MORE}, {@link #NO_PROGRESS}
     */
    int unwrap(ByteBuffer source) throws SSLException {
        ByteBuffer into = loop.resources().tlsPlainBuffer(engine.getSession().getApplicationBufferSize());
        into.clear();
        ByteBuffer[] array = loop.resources().tlsPlainArray(into);
        SSLEngineResult result;
        try {
            result = engine.unwrap(source, array, 0, 1);
        } catch (RuntimeException e) {
            throw new SSLException("the TLS engine failed: " + e, e);
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
            return CLOSED;
        }
        if (result.bytesProduced() > 0) {
            plaintext = into.flip();
            return result.bytesProduced();
        }
        return result.bytesConsumed() > 0 ? 0 : NO_PROGRESS;
    }

    /**
     * Wraps {@code data} (empty: a handshake message or close_notify) record by record into the
     * outbound buffer, now or deferred ({@code later}); stops where the engine takes no more data
     * now, leaving the rest in {@code data}, and starts the engine's tasks if it asks for them.
     *
     * @return {@code false} if the engine has closed its output
     */
    boolean wrap(ByteBuffer data, boolean later) throws IOException {
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
                runTasks(); // now, not at the next read: writes wait for them
            }
            return true;
        } catch (RuntimeException e) {
            throw new SSLException("the TLS engine failed: " + e, e);
        }
    }

    /** A handshake message the engine has to send. */
    void wrapHandshake() throws IOException {
        wrap(EMPTY, false);
    }

    /** Runs the engine's delegated tasks on the options' executor; {@link TasksDone} hears on the loop. */
    void runTasks() throws SSLException {
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
                loop.executeUnlessTerminated(() -> {
                    tasksRunning = false;
                    tasksDone.tasksDone(failed);
                });
            });
        } catch (RejectedExecutionException e) {
            tasksRunning = false;
            throw new SSLException("the TLS task executor refused the engine's tasks", e);
        }
    }

    /** The peer's stream ended without close_notify. @throws SSLException as the engine says so */
    void closeInbound() throws SSLException {
        engine.closeInbound();
    }

    /** Sends close_notify after what is queued. */
    void closeOutbound() throws IOException {
        if (!outputDone()) {
            engine.closeOutbound();
            wrap(EMPTY, false);
        }
    }

    /** The alert the engine has for a refused peer, if it goes out at once: a courtesy, the connection closes anyway. */
    void sendAlert() {
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
}
