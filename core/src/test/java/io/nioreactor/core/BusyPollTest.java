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
 * sleeps, timers or not. Each case reads the loop thread's own CPU time.
 */
class BusyPollTest {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private EventLoop loop;

    @AfterEach
    void shutdown() {
        loop.shutdownGracefully(Duration.ofSeconds(1)).orTimeout(10, TimeUnit.SECONDS).join();
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

    /** Waits {@code millis} with the loop left alone. */
    private static void idleFor(long millis) {
        await().pollDelay(Duration.ofMillis(millis)).atMost(Duration.ofMillis(millis + 5_000)).until(() -> true);
    }

    @Test
    void anEchoIsFollowedByAPollOfAboutTheTimeAsked() throws Exception {
        SocketAddress server = startEcho(Duration.ofMillis(1));
        try (SocketChannel client = Loopback.connect(server)) {
            echo(client, 1_000); // compiled, so that what is measured is the polling
            idleFor(20);
            long before = loopThreadCpuNanos();
            echo(client, 1);
            idleFor(50);
            long spent = loopThreadCpuNanos() - before;
            System.out.printf("[measure] one echo with busyPoll 1 ms: loop thread CPU %.3f ms%n", spent / 1e6);
            assertTrue(spent >= 500_000, "polled on after the echo, not slept: " + spent + " ns");
        }
    }

    @Test
    void anIdleLoopSleepsAfterItsPollEvenWithATimerEveryTenMilliseconds() throws Exception {
        SocketAddress server = startEcho(Duration.ofMillis(1));
        loop.scheduleAtFixedRate(() -> { }, Duration.ofMillis(10), Duration.ofMillis(10));
        try (SocketChannel client = Loopback.connect(server)) {
            echo(client, 1_000);
            idleFor(20);
            long before = loopThreadCpuNanos();
            idleFor(500);
            long spent = loopThreadCpuNanos() - before;
            System.out.printf("[measure] 500 ms idle with busyPoll 1 ms and a 10 ms timer: loop thread CPU %.1f ms%n",
                    spent / 1e6);
            // A loop polling while idle would spend about 500 ms here, one polling after each timer 50 ms.
            assertTrue(spent < 25_000_000, "the idle loop spent " + spent + " ns");
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
        loop = EventLoop.start("busy-poll-test");
    }
}
