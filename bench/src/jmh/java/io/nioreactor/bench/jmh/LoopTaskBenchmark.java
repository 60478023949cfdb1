package io.nioreactor.bench.jmh;

import io.nioreactor.core.Cancellable;
import io.nioreactor.core.EventLoop;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The loop's task and timer paths: {@code execute()} from another thread, and schedule then
 * cancel on the loop. Each invocation does a batch and waits for the loop to have run it, so the
 * queue never grows without bound.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LoopTaskBenchmark {

    private static final int BATCH = 1_000;
    private static final Runnable NOTHING = () -> { };

    private EventLoop loop;
    private Runnable scheduleAndCancelBatch;

    @Setup
    public void start() {
        loop = EventLoop.start("jmh-loop");
        scheduleAndCancelBatch = () -> {
            for (int i = 0; i < BATCH; i++) {
                Cancellable timer = loop.schedule(NOTHING, Duration.ofSeconds(60));
                timer.cancel();
            }
        };
    }

    @TearDown
    public void stop() {
        loop.shutdownGracefully(Duration.ofSeconds(1)).join();
    }

    /** Tasks submitted from the benchmark thread and run on the loop, per second. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void executeFromAnotherThread() {
        for (int i = 0; i < BATCH - 1; i++) {
            loop.execute(NOTHING);
        }
        CompletableFuture<Void> last = new CompletableFuture<>();
        loop.execute(() -> last.complete(null));
        last.join();
    }

    /** Timers scheduled and cancelled on the loop thread, per second. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void scheduleAndCancelOnTheLoop() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            scheduleAndCancelBatch.run();
            done.complete(null);
        });
        done.join();
    }
}
