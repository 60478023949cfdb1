package io.nioreactor.core.internal;

import io.nioreactor.core.LoopMetric;
import io.nioreactor.core.TlsOptions;
import javax.net.ssl.SSLHandshakeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's TLS handshake as the loop accounts for it: its timeout, and how it ended,
 * counted once (completed, failed or timed out) and logged at INFO at most once a second per
 * loop. The peer is named as the user named it (a dialed host and port) or by its address.
 * Loop thread only.
 */
final class TlsHandshake {

    private static final Logger log = LoggerFactory.getLogger(TlsHandshake.class);

    private final LoopCore loop;
    private final TlsOptions options;
    private final String peer;
    private final ScheduledTask timer;
    private boolean ended;
    private boolean completed;

    /** @param onTimeout run on the loop if the handshake has not ended within the options' timeout */
    TlsHandshake(LoopCore loop, TlsOptions options, String peer, Runnable onTimeout) {
        this.loop = loop;
        this.options = options;
        this.peer = peer;
        this.timer = loop.timers().newTimer(onTimeout);
        loop.resources().counters().serving(LoopMetric.Channels.TLS); // its counts apply to the loop now
    }

    void start() {
        loop.timers().arm(timer, System.nanoTime() + options.handshakeTimeout().toNanos());
    }

    boolean isCompleted() {
        return completed;
    }

    boolean hasEnded() {
        return ended;
    }

    void completed() {
        end();
        completed = true;
        loop.resources().counters().tlsHandshakes.increment();
    }

    /** @return the exception that says so, for the dialer and the connection's close */
    SSLHandshakeException timedOut(Object connection) {
        end();
        loop.resources().counters().tlsHandshakeTimeouts.increment();
        LogThrottle throttle = loop.resources().tlsFailureLog();
        if (throttle.allow()) {
            log.info("{}: TLS handshake timed out after {} ({} more not logged)", connection,
                    Durations.describe(options.handshakeTimeout()), throttle.suppressed());
        }
        return new SSLHandshakeException("TLS handshake with " + peer + " timed out after "
                + Durations.describe(options.handshakeTimeout()));
    }

    /** Failed for {@code cause} (the engine refused the peer, the peer reset, the loop shut down); once. */
    void failed(Object connection, Throwable cause, boolean logged) {
        if (ended) {
            return;
        }
        end();
        loop.resources().counters().tlsHandshakeFailures.increment();
        LogThrottle throttle = loop.resources().tlsFailureLog();
        if (logged && throttle.allow()) {
            log.info("{}: TLS handshake failed: {} ({} more not logged)", connection, cause.getMessage(),
                    throttle.suppressed());
        }
    }

    /** Ended by us before it could complete (the connection was closed, the loop shut down): not counted. */
    void abandoned() {
        end();
    }

    private void end() {
        ended = true;
        loop.timers().disarm(timer);
    }

    /** What a dialer's future fails with: the cause, named for the peer. */
    SSLHandshakeException failure(Throwable cause) {
        if (cause instanceof SSLHandshakeException && String.valueOf(cause.getMessage()).startsWith("TLS handshake with")) {
            return (SSLHandshakeException) cause;
        }
        String why = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
        SSLHandshakeException failure = new SSLHandshakeException("TLS handshake with " + peer + " failed: " + why);
        failure.initCause(cause);
        return failure;
    }
}
