package io.nioreactor.core.internal;

/**
 * A connection's drain, once its loop shuts down gracefully or its server drains: the connection
 * is served as before and ended once it is quiet, in two steps so that nothing its peer sent is
 * lost. Quiet means nothing read or written for the quiet period
 * ({@link io.nioreactor.core.TcpOptions#drainQuietPeriod()}, counted from the last byte or from the
 * connection's start), nothing waiting to be sent, no handshake in progress (its own timeout governs
 * it), and reading not paused by the handler while it may still answer (a handler that pauses
 * reading is in the middle of a request, such as a call to a backend). Before ending anything the
 * watch reads what the socket holds: a request that arrived since the last select is answered first.
 * The first step ends the output (FIN, or TLS close_notify, after what is queued) while reading goes
 * on, whatever the handler asked (it cannot answer any more, but a close with bytes unread would make
 * the kernel send a reset, which can throw away the answer the peer has not read yet); the second,
 * once the peer has ended its own output too, or stayed quiet for another period, closes.
 *
 * <p>Like {@link IdleWatch}, one timer re-armed from the endpoint's stamp of its last activity: a
 * busy connection schedules nothing per read. What is still open when the loop's shutdown (or the
 * server's drain) times out is reset by that. Loop thread only.
 */
final class DrainWatch implements Runnable {

    private final ConnectionDriver connection;
    private final long quietNanos;
    private final ScheduledTask timer;

    DrainWatch(ConnectionDriver connection, long quietNanos) {
        this.connection = connection;
        this.quietNanos = quietNanos;
        this.timer = connection.loop.timers().newTimer(this);
    }

    /**
     * The first look comes from the timers, never from inside the caller: after the dispatch of the
     * iteration it was asked in, or the next one, so a request waiting in the socket is read first.
     */
    void start() {
        connection.loop.timers().arm(timer, System.nanoTime());
    }

    void stop() {
        connection.loop.timers().disarm(timer);
    }

    @Override
    public void run() {
        if (connection.state() == ConnectionState.CLOSED) {
            return;
        }
        long now = System.nanoTime();
        long quietFrom = connection.endpoint.lastActivityNanos() + quietNanos;
        if (quietFrom - now > 0) {
            connection.loop.timers().arm(timer, quietFrom);
            return;
        }
        if (busy() || readSomething()) {
            connection.loop.timers().arm(timer, now + quietNanos);
            return;
        }
        nextStep();
        if (connection.state() != ConnectionState.CLOSED) {
            connection.loop.timers().arm(timer, now + quietNanos); // the peer's turn to end: a period
        }
    }

    /** Whether the connection is not quiet for all its silence: bytes wait to go, a handshake runs, or the handler paused reading. */
    private boolean busy() {
        ConnectionState state = connection.state();
        return state.beforeOpen() || connection.outbound.pendingBytes() > 0
                || (!ReadInterest.isAutoRead(connection) && state.acceptsWrites());
    }

    /** Reads what has arrived since the last select, if the connection reads: @return whether there was some. */
    private boolean readSomething() {
        if (!ReadInterest.wanted(connection)) {
            return false;
        }
        connection.resumeReading();
        return connection.lastReadBurst > 0 || connection.state() == ConnectionState.CLOSED;
    }

    /** Quiet: the next step of the end. */
    private void nextStep() {
        switch (connection.state()) {
            case OPEN -> connection.shutdownOutput(); // FIN (or close_notify) after the queue; reading goes on
            case INPUT_CLOSED, OUTPUT_CLOSED -> connection.close(); // both ends said all they will
            default -> { } // OUTPUT_CLOSING, CLOSING: the queue drains first; CLOSED: nothing left
        }
    }
}
