package io.nioreactor.core.internal;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * What the loop does when an iteration fails outside any one channel (in select itself, say,
 * when the process is out of file descriptors): log at most once a second, and when it keeps
 * failing, make the next select wait up to 100 ms instead of polling, rather than spin a core at
 * 100%. The loop never sleeps: the wait is a select, which a new task or a timer ends early.
 * Loop thread only.
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
    }

    /** @return how long the next select should wait at least: 0 after a success, then 1, 2, 4 ... 100 ms */
    long pauseMillis() {
        if (consecutive < 2) {
            return 0;
        }
        return Math.min(MAX_PAUSE_MILLIS, 1L << Math.min(consecutive - 2, 7));
    }
}
