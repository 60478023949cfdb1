package io.nioreactor.core.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;

/**
 * What the loop does when an iteration fails outside any one channel (in select itself, say,
 * when the process is out of file descriptors): log at most once a second, and when it keeps
 * failing, wait up to 100 ms between iterations rather than spin a core at 100%. The wait is a
 * select with a timeout, which a new task or a timer ends early; timers and tasks run in every
 * iteration. Only when select itself is what fails can the loop not wait in it: then, and only
 * then, it parks for the back-off after running its timers and tasks. Loop thread only.
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

    /** Select itself failed, so it cannot be the wait: park for the back-off instead. */
    void afterSelectFailed() {
        long millis = pauseMillis();
        if (millis > 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(millis));
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
