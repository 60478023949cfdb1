package io.nioreactor.core.internal;

/**
 * A connection's idle timeout, kept the way Netty's IdleStateHandler keeps it: reads and
 * writes only stamp the time of activity, and one timer per connection, when it fires, re-arms
 * itself from that stamp. A busy connection schedules nothing per read or write. Loop thread only.
 */
final class IdleWatch {

    private final LoopCore loop;
    private final long timeoutNanos;
    private final Runnable onIdle;
    private final ScheduledTask timer;
    private long lastActivityNanos;
    private boolean stopped;

    /**
     * @param onIdle called when there was no activity for the whole timeout; it is called again
     *               after each further idle timeout until {@link #stop()}
     */
    IdleWatch(LoopCore loop, long timeoutNanos, Runnable onIdle) {
        this.loop = loop;
        this.timeoutNanos = timeoutNanos;
        this.onIdle = onIdle;
        this.timer = loop.timers().newTimer(this::fire);
    }

    void start() {
        lastActivityNanos = loop.resources().ioNanos();
        loop.timers().arm(timer, lastActivityNanos + timeoutNanos);
    }

    /** Something was read or written. */
    void touch() {
        lastActivityNanos = loop.resources().ioNanos();
    }

    void stop() {
        stopped = true;
        loop.timers().disarm(timer);
    }

    private void fire() {
        if (stopped) {
            return;
        }
        long now = System.nanoTime();
        long idleUntil = lastActivityNanos + timeoutNanos;
        if (idleUntil - now > 0) {
            loop.timers().arm(timer, idleUntil); // active since it was armed: look again when it could be idle
            return;
        }
        onIdle.run();
        if (!stopped) {
            loop.timers().arm(timer, now + timeoutNanos);
        }
    }
}
