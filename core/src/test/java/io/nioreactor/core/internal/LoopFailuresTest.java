package io.nioreactor.core.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nioreactor.core.LoopOptions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Failures of the loop itself, outside any channel, task or timer: counted as loop errors, and
 * when they repeat the loop backs off (waiting in select) while its tasks and timers still run.
 * Provoked through the send budget's resume step, which runs in the loop's own iteration.
 */
class LoopFailuresTest {

    private final LoopCore loop = LoopCore.start(null, "loop-failures", LoopOptions.defaults());

    @AfterEach
    void shutdown() {
        loop.shutdownGracefully(Duration.ofSeconds(1)).orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Test
    void aRepeatingLoopFailureIsCountedBacksOffAndTasksAndTimersStillRun() throws Exception {
        SendBudget budget = loop.resources().budget();
        SendBudget.Waiter failing = new SendBudget.Waiter() {
            @Override
            public void budgetAvailable() {
                spendAndFreeAgain(budget, this); // due again next iteration: it fails every time
                throw new IllegalStateException("loop failure for the test");
            }
        };
        loop.execute(() -> spendAndFreeAgain(budget, failing));
        await().atMost(5, TimeUnit.SECONDS).until(() -> loop.counters().loopErrors() >= 10);

        long start = System.nanoTime();
        long errorsBefore = loop.counters().loopErrors();
        CompletableFuture<Void> timer = new CompletableFuture<>();
        loop.schedule(() -> timer.complete(null), Duration.ofMillis(300));
        timer.get(5, TimeUnit.SECONDS);
        CompletableFuture<Void> task = new CompletableFuture<>();
        loop.execute(() -> task.complete(null));
        task.get(5, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        long errors = loop.counters().loopErrors() - errorsBefore;

        System.out.printf("[measure] a loop failing every iteration: %d loop errors in %.2f s while a timer and a"
                + " task ran%n", errors, seconds);
        assertTrue(errors <= 20 * Math.max(1, seconds) + 5, errors + " failed iterations in " + seconds
                + " s: the back-off (100 ms at most between them) is not holding");
        assertEquals(0, loop.counters().handlerFailures(), "a loop failure is not a handler failure");
    }

    /** Spends the budget with {@code waiter} paused on it, then frees it: the loop resumes the waiter. */
    private static void spendAndFreeAgain(SendBudget budget, SendBudget.Waiter waiter) {
        budget.add(budget.max() + 1);
        budget.await(waiter);
        budget.remove(budget.max() + 1);
    }
}
