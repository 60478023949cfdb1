package io.nioreactor.core;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** scheduleAtFixedRate and scheduleWithFixedDelay on a real loop. */
class PeriodicTimersTest {

    private final EventLoop loop = EventLoop.start("periodic-test");

    @AfterEach
    void shutdown() {
        loop.shutdownGracefully(Duration.ofSeconds(5)).join();
    }

    @Test
    void aFixedRateKeepsItsScheduleWhateverEachRunCosts() throws Exception {
        List<Long> starts = new CopyOnWriteArrayList<>();
        long period = TimeUnit.MILLISECONDS.toNanos(10);
        long scheduledAt = System.nanoTime(); // the first deadline is taken after this, in scheduleAtFixedRate
        Cancellable handle = loop.scheduleAtFixedRate(() -> {
            starts.add(System.nanoTime());
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(3)); // the run costs 3 of its 10 ms
        }, Duration.ZERO, Duration.ofMillis(10));
        await().atMost(10, TimeUnit.SECONDS).until(() -> starts.size() >= 31);
        assertFalse(handle.cancel(), "it had run: the cancel stops the runs after it");
        int stoppedAt = awaitQuietLoop(starts::size);
        assertEquals(stoppedAt, starts.size(), "a run after cancel");
        long elapsedMillis = (starts.get(30) - starts.get(0)) / 1_000_000;
        System.out.printf("[measure] fixed rate 10 ms, runs of 3 ms: 30 periods took %d ms (no drift: 300, with drift: 390)%n",
                elapsedMillis);
        // Run k's deadline is the first deadline plus k periods or more (more when ticks were skipped):
        // no run comes early, however late the loop is. Lateness only delays, so this holds on any machine.
        for (int k = 1; k < starts.size(); k++) {
            assertTrue(starts.get(k) - scheduledAt >= k * period,
                    "run " + k + " started " + (starts.get(k) - scheduledAt) / 1_000 + " us after scheduling, before its slot");
        }
        // A fixed delay starts each run a period after the last ended, so 13 ms or more after the last began,
        // on any machine; a fixed rate keeps to its grid, so a run that follows one on time (or late) comes sooner.
        long shortestGap = Long.MAX_VALUE;
        for (int k = 1; k < starts.size(); k++) {
            shortestGap = Math.min(shortestGap, starts.get(k) - starts.get(k - 1));
        }
        assertTrue(shortestGap < period + TimeUnit.MILLISECONDS.toNanos(3), "every run began a period after the"
                + " last one ended, as a fixed delay would: shortest gap " + shortestGap / 1_000 + " us");
        // Only an order of magnitude as an upper bound (a period taken in the wrong unit, a timer lost for a while):
        // whether the runs' cost accumulates (390 ms against 300) is a timing figure for the bench, not a unit test.
        assertTrue(elapsedMillis < 3_000, "30 periods of 10 ms took " + elapsedMillis + " ms");
    }

    @Test
    void ticksMissedWhileTheLoopWasBusyAreSkippedNotRunInABurst() {
        List<Long> starts = new CopyOnWriteArrayList<>();
        AtomicLong busyUntil = new AtomicLong();
        loop.scheduleAtFixedRate(() -> starts.add(System.nanoTime()), Duration.ZERO, Duration.ofMillis(10));
        await().atMost(5, TimeUnit.SECONDS).until(() -> starts.size() >= 2);
        loop.execute(() -> { // the loop is busy for 20 periods
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            busyUntil.set(System.nanoTime());
        });
        await().atMost(5, TimeUnit.SECONDS).until(() -> busyUntil.get() != 0
                && starts.get(starts.size() - 1) - busyUntil.get() > TimeUnit.MILLISECONDS.toNanos(30));
        long burst = starts.stream().filter(t -> t >= busyUntil.get()
                && t - busyUntil.get() < TimeUnit.MILLISECONDS.toNanos(5)).count();
        System.out.printf("[measure] after 200 ms busy at a 10 ms rate: %d run(s) within 5 ms of the end%n", burst);
        // The overdue run, and the next tick if it falls that close: never the twenty missed.
        assertTrue(burst <= 2, burst + " runs in a burst");
    }

    @Test
    void aFixedDelayWaitsAfterEachRunEnds() {
        List<long[]> runs = new CopyOnWriteArrayList<>();
        Cancellable handle = loop.scheduleWithFixedDelay(() -> {
            long start = System.nanoTime();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            runs.add(new long[] {start, System.nanoTime()});
        }, Duration.ZERO, Duration.ofMillis(10));
        await().atMost(10, TimeUnit.SECONDS).until(() -> runs.size() >= 6);
        handle.cancel();
        for (int i = 1; i < 6; i++) {
            long gap = runs.get(i)[0] - runs.get(i - 1)[1];
            assertTrue(gap >= TimeUnit.MILLISECONDS.toNanos(10), "run " + i + " started " + gap + " ns after the last ended");
        }
    }

    @Test
    void cancelFromInsideTheTaskStopsFurtherRuns() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        Cancellable[] handle = new Cancellable[1];
        CompletableFuture<Boolean> cancelled = new CompletableFuture<>();
        loop.execute(() -> handle[0] = loop.scheduleAtFixedRate(() -> {
            if (runs.incrementAndGet() == 3) {
                cancelled.complete(handle[0].cancel());
            }
        }, Duration.ZERO, Duration.ofMillis(5)));
        assertFalse(cancelled.get(5, TimeUnit.SECONDS), "it had run: cancel stops the runs after it, and says it had run");
        CompletableFuture<Void> fence = new CompletableFuture<>(); // timers run in deadline order
        loop.schedule(() -> fence.complete(null), Duration.ofMillis(100));
        fence.get(5, TimeUnit.SECONDS);
        assertEquals(3, runs.get());
        assertTrue(handle[0].isCancelled());
        assertFalse(handle[0].cancel(), "a second cancel does nothing");
    }

    @Test
    void aThrowingRunIsCountedAndTheNextRunsStillHappen() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        Cancellable handle = loop.scheduleWithFixedDelay(() -> {
            runs.incrementAndGet();
            throw new IllegalStateException("periodic failure");
        }, Duration.ZERO, Duration.ofMillis(5));
        await().atMost(5, TimeUnit.SECONDS).until(() -> runs.get() >= 3);
        handle.cancel();
        // The loop counts a failure after the run has thrown: read the counter from the loop, after the last run.
        CompletableFuture<Long> failures = new CompletableFuture<>();
        loop.execute(() -> failures.complete(loop.metrics().handlerFailures()));
        assertEquals(runs.get(), failures.get(5, TimeUnit.SECONDS), "each throwing run counted once");
    }

    /**
     * The loop's allocation per tick, printed only: a bound on it is the bench's (JMH with
     * {@code -prof gc}), not a unit test's, whose JVM has agents, JIT and test threads of its own.
     * What is asserted is the count: every one of the 1,200 ticks ran, and none after cancel.
     */
    @Test
    void aTickAllocatesNothingOnTheLoop() throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        AtomicInteger runs = new AtomicInteger();
        AtomicLong warm = new AtomicLong();
        AtomicLong end = new AtomicLong();
        Cancellable handle = loop.scheduleAtFixedRate(() -> {
            int n = runs.incrementAndGet();
            if (n == 200) {
                warm.set(threads.getCurrentThreadAllocatedBytes()); // the loop thread: this runs there
            } else if (n == 1200) {
                end.set(threads.getCurrentThreadAllocatedBytes());
            }
        }, Duration.ZERO, Duration.ofNanos(200_000));
        await().atMost(30, TimeUnit.SECONDS).until(() -> end.get() != 0);
        handle.cancel();
        int stoppedAt = awaitQuietLoop(runs::get);
        assertTrue(stoppedAt >= 1200, stoppedAt + " runs");
        assertEquals(stoppedAt, runs.get(), "a run after cancel");
        double perTick = (end.get() - warm.get()) / 1000.0;
        System.out.printf("[measure] loop thread allocation per periodic tick: %.1f bytes (not asserted: bench)%n", perTick);
    }

    /**
     * After a cancel from this thread: waits for a one-shot timer 50 ms out (timers run in
     * deadline order, so any run due before it has run), and returns the count then.
     */
    private int awaitQuietLoop(java.util.function.IntSupplier count) throws Exception {
        CompletableFuture<Integer> fence = new CompletableFuture<>();
        loop.schedule(() -> fence.complete(count.getAsInt()), Duration.ofMillis(50));
        int atFence = fence.get(5, TimeUnit.SECONDS);
        CompletableFuture<Integer> later = new CompletableFuture<>();
        loop.schedule(() -> later.complete(count.getAsInt()), Duration.ofMillis(50));
        assertEquals(atFence, later.get(5, TimeUnit.SECONDS), "runs went on after cancel");
        return atFence;
    }

    @Test
    void aPeriodOfZeroIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> loop.scheduleAtFixedRate(() -> { }, Duration.ZERO, Duration.ZERO));
        assertThrows(IllegalArgumentException.class,
                () -> loop.scheduleWithFixedDelay(() -> { }, Duration.ZERO, Duration.ofMillis(-1)));
    }
}
