package io.nioreactor.core.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/**
 * The bytes of one connection as its handler sees them: plaintext read, plaintext written.
 * Either the socket itself ({@link PlainTransport}) or TLS over it ({@link TlsTransport}), which
 * decorates the same {@link SocketEndpoint} and {@link OutboundBuffer}, as Jetty's
 * {@code SslConnection} decorates an {@code EndPoint}: ciphertext below, plaintext above, and
 * ciphertext in the same outbound queue, water marks and budget. The connection above keeps the
 * state and calls the handler; it never knows which transport it has. Loop thread only.
 */
interface Transport {

    /** What a transport tells the connection above it outside the calls that connection makes. */
    interface Owner {
        /** The handshake has completed: the handler may be made, and opened. */
        void handshakeCompleted();

        /** Reading may go on without a readiness event: the engine's tasks have run. */
        void resumeReading();

        /** Failed outside any call of the connection's (a task, a timer): the connection ends, with a reset if asked. */
        void failed(IOException cause, boolean reset);
    }

    /** Makes the transport of a new connection: one per listener or dialer, not per connection. */
    @FunctionalInterface
    interface Factory {
        Transport make(LoopCore loop, SocketEndpoint endpoint, OutboundBuffer outbound, Owner owner);
    }

    /**
     * Starts the transport on an open socket.
     *
     * @return {@code true} if the connection is open for a handler now; {@code false} if a
     *         handshake comes first ({@link Owner#handshakeCompleted} follows)
     */
    boolean start() throws IOException;

    /**
     * Reads the next bytes for the handler into {@link #inbound()}.
     *
     * @return their count (above 0); 0 if none are ready now; -1 at the end of the input
     */
    int read() throws IOException;

    /** The bytes of the last {@link #read}: a buffer of the loop's, valid until the next read. */
    ByteBuffer inbound();

    /** Whether another read may find bytes at once: the last one filled its buffer, or whole records are kept. */
    boolean moreToRead();

    /** Whether reading must wait for the transport (its engine's delegated tasks run). */
    boolean readSuspended();

    /** Whether bytes read from the socket already wait to be handed over: to read without a readiness. */
    boolean hasBufferedInput();

    /** A burst of reads is over: what the loop's shared buffer still holds for this connection is kept. */
    void readBurstEnded();

    /**
     * Writes {@code data}, consuming it: at once, queued, or ({@code later}) queued for the flush
     * at the end of the dispatch.
     *
     * @return {@code false}, leaving {@code data} as it was, if the output has ended underneath
     *         (TLS: the engine closed it, as TLS 1.2 does on the peer's close_notify)
     * @throws OutOfBufferMemory if the JVM had no memory for a buffer it needed (the connection resets)
     */
    boolean write(ByteBuffer data, boolean later) throws IOException;

    /** Writes several buffers in order; as {@link #write(ByteBuffer, boolean)}. */
    boolean write(ByteBuffer[] data) throws IOException;

    /** Sends a file region after what is written; its future completes when it has gone. */
    void sendFile(OutboundQueue.FileRegion region) throws IOException;

    /** The outbound queue took bytes away: what the transport holds may follow. */
    void onFlushed() throws IOException;

    /** The output is to end: whatever goes before the FIN (TLS close_notify) is sent after what is held. */
    void endOutput() throws IOException;

    /** Whether everything that goes before the FIN is in the outbound queue (or gone). */
    boolean outputEnded();

    /**
     * The connection is about to close because of {@code cause}: tell the peer if there is a way
     * (a TLS alert).
     *
     * @return {@code true} if the transport counted the failure itself (a failed TLS handshake),
     *         so it is not also a connection error
     */
    boolean failing(IOException cause);

    /** The connection has closed: let go of what it holds (kept bytes, timers, files). */
    void closed(Throwable cause);

    /** What a dialer's future fails with when the connection closed before it opened. */
    Throwable openingFailure(Throwable cause);

    /** What a connection over it is called in log lines: {@code connection}, {@code tls connection}. */
    default String describe() {
        return "connection";
    }

    /** The TLS session, for a TLS transport. */
    default Optional<SSLSession> session() {
        return Optional.empty();
    }

    /** The ALPN protocol agreed, for a TLS transport. */
    default Optional<String> applicationProtocol() {
        return Optional.empty();
    }
}
