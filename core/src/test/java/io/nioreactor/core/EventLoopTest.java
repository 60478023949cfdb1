package io.nioreactor.core;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventLoopTest {

    private final EventLoop loop = EventLoop.start("loop-test");

    @AfterEach
    void shutdown() {
        loop.shutdownGracefully(Duration.ofSeconds(1)).orTimeout(10, TimeUnit.SECONDS).join();
    }

    /**
     * A timer less than half a millisecond away runs on time, not at the next millisecond of select's
     * timeout: twenty timers of 200 us in a row, each armed by the one before, run late by far less
     * than a millisecond on average (rounding the wait up to select's millisecond made it ~0.8 ms).
     */
    @Test
    void aTimerUnderAMillisecondAwayRunsOnTimeNotAtTheNextMillisecond() throws Exception {
        long delay = TimeUnit.MICROSECONDS.toNanos(200);
        List<Long> lateness = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        Runnable next = new Runnable() {
            long armedAt = System.nanoTime();

            @Override
            public void run() {
                lateness.add(System.nanoTime() - armedAt - delay);
                if (lateness.size() == 20) {
                    done.complete(null);
                    return;
                }
                armedAt = System.nanoTime();
                loop.schedule(this, Duration.ofNanos(delay));
            }
        };
        loop.execute(() -> loop.schedule(next, Duration.ofNanos(delay)));
        done.get(10, TimeUnit.SECONDS);
        long mean = (long) lateness.stream().mapToLong(Long::longValue).average().orElseThrow();
        System.out.printf("[measure] 20 timers of 200 us: late by %d us on average, %d us at most%n", mean / 1000,
                Collections.max(lateness) / 1000);
        assertTrue(lateness.stream().allMatch(late -> late >= 0), "never early: " + lateness);
        assertTrue(mean < TimeUnit.MICROSECONDS.toNanos(400), "late by " + mean / 1000 + " us on average");
    }

    @Test
    void executeFromManyThreadsLosesNoTask() throws Exception {
        int threads = 8;
        int tasksPerThread = 100_000;
        int[] ranOnLoop = new int[1]; // touched by the loop thread only
        AtomicInteger ranElsewhere = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> submitters = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread submitter = new Thread(() -> {
                awaitQuietly(start);
                for (int i = 0; i < tasksPerThread; i++) {
                    loop.execute(() -> {
                        if (loop.inEventLoop()) {
                            ranOnLoop[0]++;
                        } else {
                            ranElsewhere.incrementAndGet();
                        }
                    });
                }
            });
            submitter.start();
            submitters.add(submitter);
        }
        start.countDown();
        for (Thread submitter : submitters) {
            submitter.join(TimeUnit.SECONDS.toMillis(30));
        }

        CompletableFuture<Integer> count = new CompletableFuture<>();
        loop.execute(() -> count.complete(ranOnLoop[0]));
        assertEquals(threads * tasksPerThread, count.get(30, TimeUnit.SECONDS));
        assertEquals(0, ranElsewhere.get());
    }

    @Test
    void tasksRunAndIterationsAreCounted() throws Exception {
        // The loop is held in a task while ten more are submitted: they are queued before the
        // iteration drains its tasks, so all eleven run in that one iteration, which is counted
        // once they have run. A timer scheduled from the last of them runs in the next iteration.
        CountDownLatch held = new CountDownLatch(1);
        CompletableFuture<long[]> before = new CompletableFuture<>();
        loop.execute(() -> {
            before.complete(new long[] {loop.metrics().tasksRun(), loop.metrics().loopIterations()});
            awaitQuietly(held);
        });
        long[] counts = before.get(5, TimeUnit.SECONDS);
        List<CompletableFuture<Long>> sameIteration = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            CompletableFuture<Long> seen = new CompletableFuture<>();
            loop.execute(() -> seen.complete(loop.metrics().loopIterations()));
            sameIteration.add(seen);
        }
        CompletableFuture<Long> nextIteration = new CompletableFuture<>();
        loop.execute(() -> loop.schedule(() -> nextIteration.complete(loop.metrics().loopIterations()), Duration.ZERO));
        held.countDown();

        for (CompletableFuture<Long> seen : sameIteration) {
            assertEquals(counts[1], seen.get(5, TimeUnit.SECONDS), "a task queued while the iteration ran its tasks");
        }
        assertEquals(counts[1] + 1, nextIteration.get(5, TimeUnit.SECONDS), "one iteration counted, once");
        // The holder, the ten, the one that scheduled the timer and the timer: 13, each counted after it ran.
        await().atMost(5, TimeUnit.SECONDS).until(() -> loop.metrics().tasksRun() >= counts[0] + 13);
        assertEquals(counts[0] + 13, loop.metrics().tasksRun());
    }

    @Test
    void tasksFromOneThreadRunInSubmissionOrder() throws Exception {
        List<Integer> order = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            int n = i;
            loop.execute(() -> order.add(n));
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> done.complete(null));
        done.get(10, TimeUnit.SECONDS);

        for (int i = 0; i < 5_000; i++) {
            assertEquals(i, order.get(i));
        }
    }

    @Test
    void timersFireInDeadlineOrderAndCancelledOnesNeverRun() throws Exception {
        List<Integer> fired = new CopyOnWriteArrayList<>();
        List<Integer> delays = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            delays.add(i * 40); // apart enough that a stalled test thread does not reorder them
        }
        // The loop is held while this thread schedules and cancels, so no timer can run before
        // its cancel: what is tested is the order and the cancel from another thread, not a race.
        CountDownLatch held = new CountDownLatch(1);
        loop.execute(() -> awaitQuietly(held));
        Collections.shuffle(delays, new java.util.Random(42));
        List<Cancellable> cancelled = new ArrayList<>();
        for (int delay : delays) {
            Cancellable handle = loop.schedule(() -> fired.add(delay), Duration.ofMillis(delay));
            if (delay % 120 == 0) {
                cancelled.add(handle);
            }
        }
        for (Cancellable handle : cancelled) {
            assertTrue(handle.cancel());
            assertFalse(handle.cancel(), "a second cancel does nothing");
            assertTrue(handle.isCancelled());
        }
        held.countDown();

        await().atMost(10, TimeUnit.SECONDS).until(() -> fired.size() == 20 - cancelled.size());
        List<Integer> expected = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            if (i % 3 != 0) {
                expected.add(i * 40);
            }
        }
        assertEquals(expected, fired);
    }

    @Test
    void timersScheduledOnTheLoopRunThere() {
        CompletableFuture<Boolean> ranOnLoop = new CompletableFuture<>();
        loop.execute(() -> loop.schedule(() -> ranOnLoop.complete(loop.inEventLoop()), Duration.ZERO));

        assertTrue(ranOnLoop.orTimeout(5, TimeUnit.SECONDS).join());
    }

    @Test
    void aCancelledTimerDoesNotRunEvenWhenItsDeadlinePassed() {
        AtomicBoolean ran = new AtomicBoolean();
        CountDownLatch held = new CountDownLatch(1);
        loop.execute(() -> awaitQuietly(held)); // no timer runs before the cancel below
        Cancellable handle = loop.schedule(() -> ran.set(true), Duration.ofMillis(50));
        assertTrue(handle.cancel());
        held.countDown();
        CompletableFuture<Void> later = new CompletableFuture<>();
        loop.schedule(() -> later.complete(null), Duration.ofMillis(200));

        later.orTimeout(5, TimeUnit.SECONDS).join();
        assertFalse(ran.get());
    }

    @Test
    void throwingTasksAndTimersDoNotStopTheLoop() {
        loop.execute(() -> {
            throw new IllegalStateException("task failure for the test");
        });
        loop.schedule(() -> {
            throw new IllegalStateException("timer failure for the test");
        }, Duration.ZERO);
        loop.execute(() -> {
            throw new StackOverflowError("not really, for the test");
        });
        CompletableFuture<String> after = new CompletableFuture<>();
        loop.schedule(() -> after.complete("still running"), Duration.ofMillis(20));

        assertEquals("still running", after.orTimeout(5, TimeUnit.SECONDS).join());
        assertEquals(3, loop.metrics().handlerFailures());
        assertFalse(loop.terminationFuture().isDone());
    }

    @Test
    void cancellingATaskThatRanFailsAndOfTwoRacingCancelsExactlyOneWins() throws Exception {
        CompletableFuture<Void> ran = new CompletableFuture<>();
        Cancellable done = loop.schedule(() -> ran.complete(null), Duration.ZERO);
        ran.get(5, TimeUnit.SECONDS);
        await().atMost(5, TimeUnit.SECONDS).until(() -> loop.metrics().tasksRun() > 0);

        assertFalse(done.cancel(), "it ran already");
        assertFalse(done.isCancelled());

        int races = 2_000;
        AtomicInteger doubleWins = new AtomicInteger();
        java.util.concurrent.ExecutorService racers = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < races; i++) {
                Cancellable pending = loop.schedule(() -> { }, Duration.ofHours(1));
                java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
                java.util.concurrent.Callable<Boolean> cancel = () -> {
                    start.await(5, TimeUnit.SECONDS);
                    return pending.cancel();
                };
                java.util.concurrent.Future<Boolean> a = racers.submit(cancel);
                java.util.concurrent.Future<Boolean> b = racers.submit(cancel);
                boolean first = a.get(5, TimeUnit.SECONDS);
                boolean second = b.get(5, TimeUnit.SECONDS);
                if (first == second) {
                    doubleWins.incrementAndGet();
                }
                assertTrue(pending.isCancelled());
            }
        } finally {
            racers.shutdownNow();
        }
        assertEquals(0, doubleWins.get(), "races where both or neither cancel won, of " + races);
    }

    @Test
    void aFatalErrorEndsTheLoopAndIsReported() {
        EventLoop doomed = EventLoop.start("doomed");
        OutOfMemoryError fatal = new OutOfMemoryError("simulated for the test");
        doomed.execute(() -> {
            throw fatal;
        });

        Throwable reported = assertThrows(java.util.concurrent.CompletionException.class,
                () -> doomed.terminationFuture().orTimeout(5, TimeUnit.SECONDS).join()).getCause();
        assertSame(fatal, reported);
        assertThrows(RejectedExecutionException.class, () -> doomed.execute(() -> { }));
    }

    @Test
    void shutdownTwiceReturnsTheSameFutureAndLaterTasksAreRejected() {
        EventLoop other = EventLoop.start("twice");
        CompletableFuture<Void> first = other.shutdownGracefully(Duration.ofSeconds(1));
        CompletableFuture<Void> second = other.shutdownGracefully(Duration.ofSeconds(1));

        assertSame(first, second);
        first.orTimeout(5, TimeUnit.SECONDS).join();
        assertTrue(other.isShuttingDown());
        assertThrows(RejectedExecutionException.class, () -> other.execute(() -> { }));
        assertThrows(RejectedExecutionException.class, () -> other.schedule(() -> { }, Duration.ZERO));
    }

    @Test
    void theLoopThreadCarriesTheLoopName() {
        CompletableFuture<String> name = new CompletableFuture<>();
        loop.execute(() -> name.complete(Thread.currentThread().getName()));

        assertEquals("loop-test", name.orTimeout(5, TimeUnit.SECONDS).join());
        assertFalse(loop.inEventLoop());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
