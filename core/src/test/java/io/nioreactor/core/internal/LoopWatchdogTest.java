package io.nioreactor.core.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
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
            assertTrue(warnings.get() >= 2, "the report threw, and the line about the failed check threw too: "
                    + warnings.get());
        } finally {
            watchdog.stop();
        }
    }

    // ------------------------------------------------------------------ with a clock of the test's own
    // Threshold 100 ms: the watchdog looks every 50 ms. Times are milliseconds from BASE.

    private static final long BASE = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    private final List<String> warnings = new java.util.ArrayList<>();

    private LoopWatchdog unscheduled() {
        Logger recording = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("warn")) {
                        warnings.add(String.valueOf(args[0]));
                    }
                    return method.getReturnType() == boolean.class ? Boolean.FALSE : null;
                });
        LoopWatchdog watchdog = new LoopWatchdog(Thread.currentThread(), "clocked", busy, blocked,
                TimeUnit.MILLISECONDS.toNanos(100), recording);
        watchdog.check(at(0)); // the first look, on time
        return watchdog;
    }

    private static long at(long millis) {
        return BASE + TimeUnit.MILLISECONDS.toNanos(millis);
    }

    @Test
    void anIterationPastTheThresholdIsCountedOnceWhenAQuietCheckerSeesIt() {
        LoopWatchdog watchdog = unscheduled();
        busy.began(at(10));
        watchdog.check(at(50));
        watchdog.check(at(100));
        assertEquals(0, blocked.get(), "90 ms so far");
        watchdog.check(at(150));
        assertEquals(1, blocked.get(), "140 ms");
        watchdog.check(at(200));
        watchdog.check(at(250));
        assertEquals(1, blocked.get(), "the same episode, counted once");
        assertEquals(1, warnings.size(), warnings.toString());
    }

    /** The checker itself was held 250 ms (a JVM pause) while the iteration ran: that time is not the loop's. */
    @Test
    void aPauseOfTheWholeJvmDuringAnIterationIsNotBlamedOnIt() {
        LoopWatchdog watchdog = unscheduled();
        busy.began(at(40));
        watchdog.check(at(50));
        watchdog.check(at(350)); // 250 ms late: busy 310 ms, of which 250 paused
        assertEquals(0, blocked.get(), "60 ms of its own");
        watchdog.check(at(400)); // on time: 110 ms of its own
        assertEquals(1, blocked.get());
    }

    /** The checker was held 200 ms while the loop was idle, and an iteration began 20 ms before it looked. */
    @Test
    void aPauseBeforeAnIterationBeganExcusesOnlyThePartWithinIt() {
        LoopWatchdog watchdog = unscheduled();
        busy.idle();
        watchdog.check(at(50));
        busy.began(at(280));
        watchdog.check(at(300)); // 200 ms late; the iteration has run 20 ms, all of it within the pause
        watchdog.check(at(350));
        assertEquals(0, blocked.get(), "70 ms, 20 of them excused");
        watchdog.check(at(400));
        assertEquals(1, blocked.get(), "120 ms, 20 excused: past the threshold");
    }

    /** An episode that goes on is told again every ten seconds, not counted again. */
    @Test
    void aLoopThatStaysBlockedIsToldAgainEveryTenSeconds() {
        LoopWatchdog watchdog = unscheduled();
        busy.began(at(10));
        long t = 50;
        for (; t <= 25_000; t += 50) {
            watchdog.check(at(t));
        }
        assertEquals(1, blocked.get());
        assertEquals(3, warnings.size(), "blocked at 150 ms, still blocked at about 10 s and 20 s: " + warnings);
        assertTrue(warnings.get(1).contains("still blocked"), warnings.get(1));
    }
}
