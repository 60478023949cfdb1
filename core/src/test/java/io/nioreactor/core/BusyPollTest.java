package io.nioreactor.core;

import static io.nioreactor.core.Loopback.ANY_PORT_V4;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link LoopOptions#busyPoll()}: the loop goes on polling after I/O, and only then; an idle loop
 * sleeps, timers or not, and a task from another thread does not wait for the poll to end. The
 * CPU cases read the loop thread's own CPU time.
 */
class BusyPollTest {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private EventLoop loop;

    @AfterEach
    void shutdown() {
        if (loop != null) {
            loop.shutdownGracefully(Duration.ofSeconds(1)).orTimeout(10, TimeUnit.SECONDS).join();
        }
    }

    private SocketAddress startEcho(Duration busyPoll) {
        loop = EventLoop.start("busy-poll-test", LoopOptions.builder().busyPoll(busyPoll).build());
        return loop.listenTcp(ANY_PORT_V4, TcpOptions.defaults(), c -> new TestEchoHandler()).join().localAddress();
    }

    private long loopThreadCpuNanos() {
        long id = CompletableFuture.supplyAsync(() -> Thread.currentThread().getId(), loop::execute).join();
        return THREADS.getThreadCpuTime(id);
    }

    private static void echo(SocketChannel client, int times) throws Exception {
        for (int i = 0; i < times; i++) {
            Loopback.writeAscii(client, "ping");
            assertEquals("ping", Loopback.readAscii(client, 4));
        }
    }

    /** Leaves the loop alone for {@code millis}: long enough for a poll after I/O to end. */
    private static void leaveIdleFor(long millis) {
        await().pollDelay(Duration.ofMillis(millis)).atMost(Duration.ofMillis(millis + 5_000)).until(() -> true);
    }

    @Test
    void eachEchoIsFollowedByAPollOfAboutTheTimeAsked() throws Exception {
        // 50 echoes, each alone: about 50 ms of polling at 1 ms each; without polling an echo
        // costs the loop 0.05-0.15 ms, 2.5-7.5 ms in all.
        SocketAddress server = startEcho(Duration.ofMillis(1));
        try (SocketChannel client = Loopback.connect(server)) {
            echo(client, 1_000); // compiled, so that what is measured is the polling
            leaveIdleFor(20);
            long before = loopThreadCpuNanos();
            for (int i = 0; i < 50; i++) {
                echo(client, 1);
                leaveIdleFor(3);
            }
            long spent = loopThreadCpuNanos() - before;
            System.out.printf("[measure] 50 lone echoes with busyPoll 1 ms: loop thread CPU %.1f ms%n", spent / 1e6);
            assertTrue(spent >= 20_000_000, "polled on after each echo, not slept: " + spent + " ns");
            assertTrue(spent < 120_000_000, "a poll past its 1 ms would spin 3 ms an echo, 150 ms: " + spent + " ns");
        }
    }

    @Test
    void anIdleLoopSleepsAfterItsPollEvenWithATimerEveryTwoMilliseconds() throws Exception {
        SocketAddress server = startEcho(Duration.ofMillis(1));
        loop.scheduleAtFixedRate(() -> { }, Duration.ofMillis(2), Duration.ofMillis(2));
        try (SocketChannel client = Loopback.connect(server)) {
            echo(client, 1_000);
            leaveIdleFor(20);
            long before = loopThreadCpuNanos();
            leaveIdleFor(500);
            long spent = loopThreadCpuNanos() - before;
            System.out.printf("[measure] 500 ms idle with busyPoll 1 ms and a 2 ms timer: loop thread CPU %.1f ms%n",
                    spent / 1e6);
            // Waking for the timer costs about 25 ms here; a loop that also polled after each timer
            // would add 1 ms in every 2, 250 ms.
            assertTrue(spent < 85_000_000, "the idle loop spent " + spent + " ns");
        }
    }

    @Test
    void aTaskFromAnotherThreadEndsThePollAtOnce() throws Exception {
        // Each task is handed over right after an echo, while the loop polls: a poll blind to
        // tasks would keep it up to 1 ms (100 ms over 100 rounds), or until the next I/O.
        SocketAddress server = startEcho(Duration.ofMillis(1));
        try (SocketChannel client = Loopback.connect(server)) {
            echo(client, 1_000);
            long waited = 0;
            for (int i = 0; i < 100; i++) {
                echo(client, 1);
                CompletableFuture<Long> ran = new CompletableFuture<>();
                long handedOver = System.nanoTime();
                loop.execute(() -> ran.complete(System.nanoTime()));
                waited += ran.get(5, TimeUnit.SECONDS) - handedOver;
                leaveIdleFor(3);
            }
            System.out.printf("[measure] 100 tasks handed to a polling loop: %.2f ms waited in all%n", waited / 1e6);
            assertTrue(waited < 30_000_000, "the tasks waited " + waited + " ns in all");
        }
    }

    @Test
    void theOptionIsCheckedAndKept() {
        assertThrows(IllegalArgumentException.class, () -> LoopOptions.builder().busyPoll(Duration.ofNanos(-1)));
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> LoopOptions.builder().busyPoll(Duration.ofMillis(2)));
        assertEquals("busyPoll must be from zero (off) to 1 ms, not PT0.002S", tooLong.getMessage());
        LoopOptions options = LoopOptions.builder().busyPoll(Duration.ofNanos(50_000)).build();
        assertEquals(Duration.ofNanos(50_000), options.toBuilder().build().busyPoll());
        assertEquals(Duration.ZERO, LoopOptions.defaults().busyPoll());
    }
}
