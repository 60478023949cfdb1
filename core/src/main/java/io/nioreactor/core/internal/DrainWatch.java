package io.nioreactor.core.internal;

/**
 * A connection's drain, once its loop shuts down gracefully or its server drains: the connection
 * is served as before and ended once it is quiet, in two steps so that nothing its peer sent is
 * lost. Quiet means nothing read or written for the quiet period
 * ({@link io.nioreactor.core.TcpOptions#drainQuietPeriod()}), nothing waiting to be sent and
 * reading not paused by the handler (a handler that paused reading is in the middle of something).
 * The first step ends the output (FIN, or TLS close_notify, after what is queued) while reading
 * goes on and the handler still hears what arrives; the second, once the peer has ended its own
 * output too, or stayed quiet for another period, closes. Closing with bytes unread instead would
 * make the kernel send a reset, which can throw away the answer the peer has not read yet; and a
 * connection just accepted has its first bytes a moment behind, which the quiet period waits for.
 * A connection still in its TLS handshake that stays quiet is reset: it has no handler yet.
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

    /** Looks now: a connection quiet for long enough already takes its first step at once. */
    void start() {
        run();
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
        if (busy()) {
            connection.loop.timers().arm(timer, now + quietNanos);
            return;
        }
        nextStep();
        if (connection.state() != ConnectionState.CLOSED) {
            connection.loop.timers().arm(timer, now + quietNanos); // the peer's turn to end: a period
        }
    }

    /** Whether the connection is not quiet for all its silence: bytes wait to go, or the handler paused reading. */
    private boolean busy() {
        return connection.outbound.pendingBytes() > 0
                || (!connection.isAutoRead() && connection.state().delivers());
    }

    /** Quiet: the next step of the end. */
    private void nextStep() {
        switch (connection.state()) {
            case OPENING, HANDSHAKING -> connection.abort(null); // no handler to tell, nothing to answer
            case OPEN -> connection.shutdownOutput(); // FIN (or close_notify) after the queue; reading goes on
            case INPUT_CLOSED, OUTPUT_CLOSED -> connection.close(); // both ends said all they will
            default -> { } // OUTPUT_CLOSING, CLOSING: the queue drains first; CLOSED: nothing left
        }
    }
}
