package io.nioreactor.core.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The watchdog on its own, with a busy mark the test sets: what stops it and what does not. */
@Timeout(30)
class LoopWatchdogTest {

    private static final long THRESHOLD = TimeUnit.MILLISECONDS.toNanos(20);

    private final BusyMark busy = new BusyMark();
    private final Counter blocked = new Counter();

    @Test
    void aStoppedWatchdogLooksNoMore() {
        LoopWatchdog watchdog = LoopWatchdog.watch(Thread.currentThread(), "stopped", busy, blocked, THRESHOLD,
                LoggerFactory.getLogger(getClass()));
        busy.began(System.nanoTime() - TimeUnit.SECONDS.toNanos(1));
        await().atMost(5, TimeUnit.SECONDS).until(() -> blocked.get() == 1);

        watchdog.stop();
        busy.began(System.nanoTime() - TimeUnit.SECONDS.toNanos(1)); // a new episode nobody looks at
        await().during(Duration.ofMillis(200)).atMost(5, TimeUnit.SECONDS).until(() -> blocked.get() == 1);
    }

    @Test
    void aLoggerThatThrowsDoesNotEndTheChecks() {
        AtomicInteger warnings = new AtomicInteger();
        Logger throwing = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("warn")) {
                        warnings.incrementAndGet();
                        throw new IllegalStateException("an appender that fails, for the test");
                    }
                    return method.getReturnType() == boolean.class ? Boolean.FALSE : null;
                });
        LoopWatchdog watchdog = LoopWatchdog.watch(Thread.currentThread(), "logger-fails", busy, blocked, THRESHOLD,
                throwing);
        try {
            busy.began(System.nanoTime() - TimeUnit.SECONDS.toNanos(1));
            await().atMost(5, TimeUnit.SECONDS).until(() -> blocked.get() == 1);
            busy.idle();
            busy.began(System.nanoTime() - TimeUnit.SECONDS.toNanos(1)); // the next episode is still seen
            await().atMost(5, TimeUnit.SECONDS).until(() -> blocked.get() == 2);
            assertEquals(2, warnings.get(), "the report threw, then the line about the failed check threw too; the"
                    + " second episode falls within the throttle");
        } finally {
            watchdog.stop();
        }
    }
}
