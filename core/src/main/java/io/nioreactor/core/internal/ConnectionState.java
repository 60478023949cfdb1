package io.nioreactor.core.internal;

/**
 * The life of one stream connection, as one value instead of a handful of flags. Every
 * transition is made by {@link ConnectionDriver}; these are all of them:
 *
 * <pre>
 *   OPENING ──open────────────▶ OPEN            (plain: the handler's onOpen)
 *   OPENING ──start TLS───────▶ HANDSHAKING
 *   HANDSHAKING ──completed───▶ OPEN            (the handler is made now, then onOpen)
 *   OPEN ──end of input───────▶ INPUT_CLOSED    (FIN, or TLS close_notify; onInputClosed)
 *   OPEN ──shutdownOutput()───▶ OUTPUT_CLOSING  (writes refused; the FIN waits for the queue)
 *   OUTPUT_CLOSING ──drained──▶ OUTPUT_CLOSED   (FIN sent; reading goes on)
 *   OUTPUT_CLOSING ──end of input, or close()──▶ CLOSING
 *   INPUT_CLOSED ──close() or shutdownOutput()─▶ CLOSING
 *   OPEN ──close()────────────▶ CLOSING         (no more reading; the queue drains)
 *   CLOSING ──drained─────────▶ CLOSED
 *   OUTPUT_CLOSED ──end of input─▶ CLOSED
 *   OUTPUT_CLOSED ──close()──────▶ CLOSING
 *   any ──abort(), an I/O error, a handler failure, a failed handshake──▶ CLOSED
 * </pre>
 *
 * <p>A connection that closes from {@link #OPENING} or {@link #HANDSHAKING} never had a handler:
 * nothing is told but the dialer's future.
 */
enum ConnectionState {
    /** Registered; nothing told yet. */
    OPENING,
    /** TLS only: the handshake runs; no handler exists until it completes. */
    HANDSHAKING,
    /** Both directions open. */
    OPEN,
    /** The peer has ended its output; ours is open. */
    INPUT_CLOSED,
    /** shutdownOutput() asked: writes are refused, the FIN follows what is queued; reading goes on. */
    OUTPUT_CLOSING,
    /** The FIN is sent; reading goes on. */
    OUTPUT_CLOSED,
    /** close() asked, or both directions ended: no reading, writes refused, the queue drains, then closed. */
    CLOSING,
    /** Closed, for good. */
    CLOSED;

    /** After the peer has ended its output (FIN, close_notify); {@link #CLOSED} if the connection closes now. */
    ConnectionState afterEndOfInput() {
        switch (this) {
            case OPEN:
                return INPUT_CLOSED;
            case OUTPUT_CLOSING:
                return CLOSING;
            case HANDSHAKING:
            case OUTPUT_CLOSED:
                return CLOSED;
            default:
                return this; // not reading
        }
    }

    /** After shutdownOutput(); the same state if it asks nothing now. */
    ConnectionState afterShutdownOutput() {
        return this == OPEN ? OUTPUT_CLOSING : this == INPUT_CLOSED ? CLOSING : this;
    }

    /** After close(): {@link #CLOSED} (a reset) before it opened; the same state if closing already. */
    ConnectionState afterClose() {
        return beforeOpen() ? CLOSED : this == CLOSING || this == CLOSED ? this : CLOSING;
    }

    /** Whether the handler may write: it exists and our output has not been asked to end. */
    boolean acceptsWrites() {
        return this == OPEN || this == INPUT_CLOSED;
    }

    /** Whether the socket is read in this state. */
    boolean reads() {
        return this == HANDSHAKING || this == OPEN || this == OUTPUT_CLOSING || this == OUTPUT_CLOSED;
    }

    /** Whether a handler exists and may still hear of reads. */
    boolean delivers() {
        return this == OPEN || this == OUTPUT_CLOSING || this == OUTPUT_CLOSED;
    }

    /** Before the handler was made: a close now tells nobody but the dialer. */
    boolean beforeOpen() {
        return this == OPENING || this == HANDSHAKING;
    }
}
