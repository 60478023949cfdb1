package io.nioreactor.core.internal;

/**
 * A connection's idle timeout, kept the way Netty's IdleStateHandler keeps it: reads and
 * writes only stamp the time of activity (the {@link SocketEndpoint} does), and one timer per
 * connection, when it fires, re-arms itself from that stamp. A busy connection schedules
 * nothing per read or write. Loop thread only.
 */
final class IdleWatch implements Runnable {

    /** Told when there was no activity for the whole timeout, again after each further timeout. */
    interface Listener {
        void onIdleTimeout();
    }

    private final LoopCore loop;
    private final long timeoutNanos;
    private final SocketEndpoint endpoint;
    private final Listener listener;
    private final ScheduledTask timer;
    private boolean stopped;

    IdleWatch(LoopCore loop, long timeoutNanos, SocketEndpoint endpoint, Listener listener) {
        this.loop = loop;
        this.timeoutNanos = timeoutNanos;
        this.endpoint = endpoint;
        this.listener = listener;
        this.timer = loop.timers().newTimer(this);
    }

    void start() {
        loop.timers().arm(timer, endpoint.lastActivityNanos() + timeoutNanos);
    }

    void stop() {
        stopped = true;
        loop.timers().disarm(timer);
    }

    /** The timer fired: idle if nothing moved since, else armed again for when it could be. */
    @Override
    public void run() {
        if (stopped) {
            return;
        }
        long now = System.nanoTime();
        long idleUntil = endpoint.lastActivityNanos() + timeoutNanos;
        if (idleUntil - now > 0) {
            loop.timers().arm(timer, idleUntil);
            return;
        }
        listener.onIdleTimeout();
        if (!stopped) {
            loop.timers().arm(timer, now + timeoutNanos);
        }
    }
}
