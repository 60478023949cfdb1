package io.nioreactor.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nioreactor.core.Cancellable;
import io.nioreactor.core.LoopOptions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A periodic task's handle against the runs of the loop: a cancel from another thread that
 * lands between the loop's claim of a run and the run itself, and a cancel after some runs.
 * The timers are driven here, on the loop thread, with a runner that stands between the claim
 * and the run: the one window a real loop leaves open for a few nanoseconds only.
 */
class PeriodicCancelTest {

    private final LoopCore loop = LoopCore.start(null, "periodic-cancel", LoopOptions.defaults());

    @AfterEach
    void shutdown() {
        loop.shutdownGracefully(Duration.ofSeconds(1)).orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Test
    void aCancelBetweenTheClaimAndTheRunNeverAnswersTrueForATaskThatThenRuns() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CompletableFuture<String> outcome = new CompletableFuture<>();
        loop.execute(() -> {
            LoopTimers timers = new LoopTimers(loop);
            Cancellable handle = timers.schedulePeriodic(runs::incrementAndGet, Duration.ZERO, Duration.ofMillis(1), true);
            boolean[] cancelled = new boolean[1];
            timers.runExpired(action -> { // claimed: now another thread cancels, then the run
                cancelled[0] = CompletableFuture.supplyAsync(handle::cancel).join();
                action.run();
            });
            int runsAfterCancel = runs.get();
            for (int i = 0; i < 3; i++) { // were it queued again, it would run here
                timers.runExpired(action -> action.run());
            }
            outcome.complete("cancel " + cancelled[0] + ", runs " + runsAfterCancel + " then " + runs.get()
                    + ", cancelled " + handle.isCancelled());
        });
        // The run under way was claimed before the cancel: it goes on, so the cancel says it stopped none
        // of it (false); no further run follows, and the handle is cancelled.
        assertEquals("cancel false, runs 1 then 1, cancelled true", outcome.get(5, TimeUnit.SECONDS));
    }

    @Test
    void afterSomeRunsCancelStopsTheNextOnesAndSaysTheTaskHadRun() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CompletableFuture<Cancellable> scheduled = new CompletableFuture<>();
        loop.execute(() -> scheduled.complete(loop.schedulePeriodic(runs::incrementAndGet, Duration.ZERO,
                Duration.ofMillis(2), true)));
        Cancellable handle = scheduled.get(5, TimeUnit.SECONDS);
        org.awaitility.Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> runs.get() >= 3);

        assertFalse(handle.cancel(), "the task has run: cancel stops what follows, it did not cancel a task that had not run");
        assertTrue(handle.isCancelled());
        int stoppedAt = runs.get();
        CompletableFuture<Void> fence = new CompletableFuture<>(); // timers run in deadline order
        loop.schedule(() -> fence.complete(null), Duration.ofMillis(50));
        fence.get(5, TimeUnit.SECONDS);
        assertEquals(stoppedAt, runs.get(), "no run after cancel");
        assertFalse(handle.cancel(), "twice does nothing");
    }

    @Test
    void aPeriodicTaskCancelledBeforeItsFirstRunNeverRunsAndCancelSaysSo() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        // Scheduled and cancelled inside one task: the loop cannot reach the first run in between.
        CompletableFuture<Cancellable> cancelled = new CompletableFuture<>();
        CompletableFuture<Boolean> answer = new CompletableFuture<>();
        loop.execute(() -> {
            Cancellable h = loop.schedulePeriodic(runs::incrementAndGet, Duration.ofMillis(30), Duration.ofMillis(2), true);
            answer.complete(h.cancel());
            cancelled.complete(h);
        });
        Cancellable handle = cancelled.get(5, TimeUnit.SECONDS);
        assertTrue(answer.get());
        CompletableFuture<Void> fence = new CompletableFuture<>();
        loop.schedule(() -> fence.complete(null), Duration.ofMillis(80));
        fence.get(5, TimeUnit.SECONDS);
        assertEquals(0, runs.get());
        assertTrue(handle.isCancelled());
    }
}
