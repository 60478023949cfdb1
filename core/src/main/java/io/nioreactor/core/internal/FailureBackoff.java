package io.nioreactor.core.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;

/**
 * What the loop does when an iteration fails outside any one channel (in select itself, say,
 * when the process is out of file descriptors): log at most once a second, and when it keeps
 * failing, pause up to 100 ms per iteration rather than spin a core at 100%. Loop thread only.
 */
final class FailureBackoff {

    private static final long MAX_PAUSE_MILLIS = 100;

    private final LogThrottle logThrottle = new LogThrottle(1, TimeUnit.SECONDS);
    private int consecutive;

    void succeeded() {
        consecutive = 0;
    }

    void failed(Throwable t, Logger log, String loopName) {
        consecutive++;
        if (logThrottle.allow()) {
            log.warn("loop {}: unexpected error ({} in a row, {} not logged), the loop goes on",
                    loopName, consecutive, logThrottle.suppressed(), t);
        }
        if (consecutive > 1) {
            long pauseMillis = Math.min(MAX_PAUSE_MILLIS, 1L << Math.min(consecutive - 2, 7));
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(pauseMillis));
        }
    }
}
