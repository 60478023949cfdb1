package io.nioreactor.core;

import static io.nioreactor.core.Loopback.ANY_PORT_V4;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The watchdog reports a loop that a handler holds past {@link LoopOptions#blockedThreshold()}: once
 * per episode, with the loop thread's stack naming the method; a busy loop that is never held that
 * long gets no report.
 */
@Timeout(60)
class BlockedLoopTest {

    private final List<EventLoop> loops = new ArrayList<>();
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private PrintStream stderr;

    @BeforeEach
    void captureTheLog() {
        stderr = System.err; // slf4j-simple, the tests' backend, writes to System.err as it is at each line
        System.setErr(new PrintStream(new TeeStream(stderr, logged), true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setErr(stderr);
        for (EventLoop loop : loops) {
            loop.shutdownGracefully(Duration.ZERO).orTimeout(10, TimeUnit.SECONDS).join();
        }
    }

    /** A handler that computes for 300 ms on the loop thread when asked, instead of handing it off. */
    static final class SpinningHandler implements ConnectionHandler {
        @Override
        public void onRead(Connection c, ByteBuffer data) {
            spinFor300Milliseconds();
            c.write(data);
        }

        static void spinFor300Milliseconds() {
            spin(300);
        }

        static void spin(long millis) {
            spinNanos(TimeUnit.MILLISECONDS.toNanos(millis));
        }

        static void spinNanos(long nanos) {
            long until = System.nanoTime() + nanos;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
        }
    }

    @Test
    void aHandlerThatSpins300msGetsOneWarningNamingItsMethod() throws Exception {
        EventLoop loop = loop("blocked-spin", LoopOptions.defaults()); // the default threshold, 100 ms
        long[] seenUnderWay = new long[1];
        TcpServer server = loop.listenTcp(ANY_PORT_V4, TcpOptions.defaults(), c -> new SpinningHandler()).join();
        try (SocketChannel client = Loopback.connect(server.localAddress())) {
            Loopback.writeAscii(client, "x");
            // while it spins, the iteration under way shows in the metrics at once
            await().atMost(5, TimeUnit.SECONDS).until(() -> {
                seenUnderWay[0] = loop.metrics().currentIterationNanos();
                return seenUnderWay[0] > 0;
            });
            assertEquals("x", Loopback.readAscii(client, 1)); // answered once the spin is over
        }
        await().atMost(5, TimeUnit.SECONDS).until(() -> loop.metrics().currentIterationNanos()
                == 0); // and is gone once the loop waits again (idle: no iteration under way)
        await().atMost(5, TimeUnit.SECONDS).until(() -> loop.metrics().blockedIterations() >= 1);

        assertEquals(1, loop.metrics().blockedIterations(), "one episode, counted once");
        List<String> warnings = lines("loop blocked-spin blocked");
        assertEquals(1, warnings.size(), "one warning: " + warnings);
        assertTrue(warnings.get(0).contains("past the blocked threshold of 100 ms"), warnings.get(0));
        String log = logged.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("BlockedLoopTest$SpinningHandler.spinFor300Milliseconds"),
                "the loop thread's stack names the method that holds it: " + log);
        long longest = loop.metrics().longestIterationNanos();
        System.out.printf("[measure] the spinning iteration: %d us seen under way, %d us when it ended%n",
                seenUnderWay[0] / 1000, longest / 1000);
        assertTrue(longest >= seenUnderWay[0], "the longest iteration counts the one seen under way");
    }

    @Test
    void aBusyLoopThatIsNeverHeldPastTheThresholdGetsNoReport() throws Exception {
        EventLoop loop = loop("blocked-busy", LoopOptions.defaults());
        TcpServer server = loop.listenTcp(ANY_PORT_V4, TcpOptions.defaults(), c -> new TestEchoHandler()).join();
        byte[] payload = new byte[16 * 1024];
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        long echoed = 0;
        try (SocketChannel client = Loopback.connect(server.localAddress())) { // a second of ping-pong, flat out
            ByteBuffer back = ByteBuffer.allocate(payload.length);
            while (System.nanoTime() < until) {
                client.write(ByteBuffer.wrap(payload));
                back.clear();
                while (back.hasRemaining()) {
                    client.read(back);
                }
                echoed++;
            }
        }
        long longest = loop.metrics().longestIterationNanos();
        System.out.printf("[measure] a second of 16 KiB echoes (%d): the longest iteration took %d us, %d loop"
                + " iterations%n", echoed, longest / 1000, loop.metrics().loopIterations());
        // A report means an iteration really ran past the threshold (the watchdog reads the iteration's
        // mark again after its clock); none did unless the machine stalled the loop thread that long.
        if (longest < TimeUnit.MILLISECONDS.toNanos(100)) {
            // and none later: the watchdog looks every 50 ms, so a report due would come within 150 ms
            await().during(Duration.ofMillis(200)).atMost(5, TimeUnit.SECONDS)
                    .until(() -> loop.metrics().blockedIterations() == 0);
            assertEquals(List.of(), lines("loop blocked-busy blocked"));
        } else {
            System.out.println("[skip] the machine held the loop thread " + longest / 1_000_000
                    + " ms: a report was due");
        }
        assertTrue(echoed > 100, "busy: " + echoed + " round trips");
    }

    /**
     * A task that writes to a socket between its spins is still one iteration: the write must not
     * restart the iteration's clock (three spins of 80 ms, each below the threshold, are one blocked
     * iteration of 240 ms), nor split one episode in two (three of 150 ms are one, not three).
     */
    @Test
    void aTaskThatWritesBetweenItsSpinsIsOneEpisode() throws Exception {
        EventLoop loop = loop("blocked-writes", LoopOptions.defaults());
        TestEchoHandler handler = new TestEchoHandler();
        TcpServer server = loop.listenTcp(ANY_PORT_V4, TcpOptions.defaults(), c -> handler).join();
        try (SocketChannel client = Loopback.connect(server.localAddress())) {
            await().atMost(5, TimeUnit.SECONDS).until(() -> handler.connection != null);
            Connection connection = handler.connection;
            for (long spin : new long[] {80, 150}) {
                long before = loop.metrics().blockedIterations();
                CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < 3; i++) {
                        SpinningHandler.spin(spin);
                        connection.write(ByteBuffer.wrap(new byte[] {'w'}));
                    }
                }, loop::execute).get(10, TimeUnit.SECONDS);
                assertEquals("www", Loopback.readAscii(client, 3));
                await().atMost(5, TimeUnit.SECONDS).until(() -> loop.metrics().blockedIterations() > before);
                // and it stays one while the watchdog looks several times more
                await().during(Duration.ofMillis(300)).atMost(5, TimeUnit.SECONDS)
                        .until(() -> loop.metrics().blockedIterations() == before + 1);
            }
        }
    }

    /** Two episodes within the ten seconds of the throttle: both counted, one line. */
    @Test
    void episodesCloseTogetherAreAllCountedButLoggedOnce() throws Exception {
        EventLoop loop = loop("blocked-twice", LoopOptions.defaults());
        for (int episode = 1; episode <= 2; episode++) {
            CompletableFuture.runAsync(() -> SpinningHandler.spin(200), loop::execute).get(10, TimeUnit.SECONDS);
            int expected = episode;
            await().atMost(5, TimeUnit.SECONDS).until(() -> loop.metrics().blockedIterations() == expected);
        }
        assertEquals(1, lines("loop blocked-twice blocked").size(), "throttled to one line in ten seconds");
    }

    /**
     * A loop kept busy without a pause for a second, by a task of 20 us that queues itself again
     * (the loop runs up to 1,024 tasks an iteration: about 20 ms), gets no report: busy is not blocked.
     */
    @Test
    void aLoopBusyWithoutPauseButNeverHeldGetsNoReport() throws Exception {
        EventLoop loop = loop("blocked-never", LoopOptions.defaults());
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        CompletableFuture<Long> done = new CompletableFuture<>();
        Runnable step = new Runnable() {
            long runs;

            @Override
            public void run() {
                runs++;
                SpinningHandler.spinNanos(TimeUnit.MICROSECONDS.toNanos(20));
                if (System.nanoTime() < until) {
                    loop.execute(this);
                } else {
                    done.complete(runs);
                }
            }
        };
        loop.execute(step);
        long runs = done.get(10, TimeUnit.SECONDS);
        long longest = loop.metrics().longestIterationNanos();
        System.out.printf("[measure] a second of back-to-back 20 us tasks (%d): the longest iteration took %d us%n",
                runs, longest / 1000);
        // about 50,000 at 20 us each; a fiftieth of that still shows they ran back to back
        assertTrue(runs > 1_000, "the loop ran the tasks back to back: " + runs);
        if (longest < TimeUnit.MILLISECONDS.toNanos(100)) {
            await().during(Duration.ofMillis(200)).atMost(5, TimeUnit.SECONDS)
                    .until(() -> loop.metrics().blockedIterations() == 0);
            assertEquals(List.of(), lines("loop blocked-never blocked"));
        } else {
            System.out.println("[skip] the machine held the loop thread " + longest / 1_000_000
                    + " ms: a report was due");
        }
    }

    @Test
    void aThresholdOfZeroTurnsTheWatchdogOff() throws Exception {
        EventLoop loop = loop("blocked-off", LoopOptions.builder().blockedThreshold(Duration.ZERO).build());
        CompletableFuture.runAsync(SpinningHandler::spinFor300Milliseconds, loop::execute).get(10, TimeUnit.SECONDS);
        System.out.printf("[measure] a 300 ms spin with the watchdog off: longest iteration %d us%n",
                loop.metrics().longestIterationNanos() / 1000);
        // the watchdog would have looked every 50 ms of the spin; and nothing comes later either
        await().during(Duration.ofMillis(200)).atMost(5, TimeUnit.SECONDS)
                .until(() -> loop.metrics().blockedIterations() == 0);
        assertEquals(List.of(), lines("loop blocked-off blocked"));
    }

    private EventLoop loop(String name, LoopOptions options) {
        EventLoop loop = EventLoop.start(name, options);
        loops.add(loop);
        return loop;
    }

    private List<String> lines(String containing) {
        List<String> found = new ArrayList<>();
        for (String line : logged.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.contains(containing)) {
                found.add(line);
            }
        }
        return found;
    }

    /** Writes to two streams. */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream first;
        private final java.io.OutputStream second;

        TeeStream(java.io.OutputStream first, java.io.OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public synchronized void write(int b) throws java.io.IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws java.io.IOException {
            first.write(b, off, len);
            second.write(b, off, len);
        }
    }
}
