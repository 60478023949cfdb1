package io.nioreactor.tcp;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nioreactor.daemon.DaemonProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many clients that write and never read, against a daemon whose memory is small: it must stay
 * up, keep a well-behaved client's round trips, keep what it queues within its send budget, and
 * serve new clients once the flood is over (issue 10). Measured values print as "[measure]".
 */
@Timeout(120)
class TcpEchoDaemonBoundedMemoryIT {

    private static final int FLOODERS = 1_000;
    private static final long FLOOD_MILLIS = 6_000;
    private static final int READ_BUFFER = 64 * 1024;
    private static final int CHUNK = 16 * 1024;
    /** The daemon's loops in these runs. */
    private static final int LOOPS = 2;
    /** Reads the JSON log lines: a stats line carries its figures as numbers at the top of the object. */
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void withLessDirectMemoryThanTheBudgetAllocationFailuresCloseFloodersNotTheDaemon() throws Exception {
        Flood flood = floodAgainst(List.of("-Xmx256m", "-XX:MaxDirectMemorySize=16m"), "--max-queued", "64MiB");
        assertTrue(flood.allocationFailures > 0,
                "16 MiB of direct memory under a 64 MiB budget must run the allocation-failure path; got none");
        assertTrue(flood.stillConnected < FLOODERS, "no flooder was reset: " + flood.stillConnected + " connected");
    }

    @Test
    void withA48MiBHeapTheDefaultBudgetHoldsTheFloodBack() throws Exception {
        Flood flood = floodAgainst(List.of("-Xmx48m"));
        assertTrue(flood.budgetSpent > 0, "the default budget was never spent: the flood did not test it");
        assertEquals(0, flood.allocationFailures, "the default budget must keep direct memory from running out");
    }

    private Flood floodAgainst(List<String> jvmOptions, String... flags) throws Exception {
        // JSON lines: the stats line's figures are fields, in bytes.
        String[] args = concat(new String[] {"--port", "0", "--stats-interval", "500ms", "--idle-timeout", "0",
            "--threads", Integer.toString(LOOPS), "--log-format", "json"}, flags);
        try (DaemonProcess daemon = DaemonProcess.start(List.of(), jvmOptions, TcpEchoDaemonIT.JAR, args)) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", daemon.awaitPort());
            long[] during;
            long rounds;
            long stillConnected;
            try (Socket normal = EchoClients.connect(address, 10_000)) {
                EchoClients.pingPong(normal, 500); // warm up
                try (NonReadingFlooders flooders = NonReadingFlooders.start(address, FLOODERS)) {
                    PingPongWhile pingPong = new PingPongWhile(normal);
                    ExecutorService pinger = Executors.newSingleThreadExecutor();
                    Future<long[]> result = pinger.submit(pingPong);
                    try {
                        await().during(Duration.ofMillis(FLOOD_MILLIS)).atMost(Duration.ofMillis(FLOOD_MILLIS + 5_000))
                                .pollInterval(Duration.ofMillis(100))
                                .until(() -> daemon.isAlive() && !result.isDone());
                        pingPong.stop();
                        during = result.get(30, TimeUnit.SECONDS);
                    } finally {
                        pinger.shutdownNow();
                    }
                    rounds = during.length;
                    stillConnected = flooders.stillConnected();
                    assertTrue(daemon.isAlive(), "the daemon died: " + tail(daemon));
                    measure(String.format("%s %s: %d flooders wrote %d MiB in %d ms; %d of them still connected",
                            jvmOptions, Arrays.toString(flags), FLOODERS, flooders.written() >> 20, FLOOD_MILLIS,
                            stillConnected));
                }
                EchoClients.roundTrip(normal, new byte[64]); // the normal client was never cut off
            }
            EchoClients.echoOnce(address, "served after the flood".getBytes(), 10_000);

            long[] sorted = during.clone();
            Arrays.sort(sorted);
            long p99Micros = sorted[(int) (sorted.length * 0.99)] / 1000;
            measure("ping-pong 64 B during the flood: " + EchoClients.percentiles(during));
            assertTrue(rounds >= 100, "only " + rounds + " round trips in " + FLOOD_MILLIS + " ms of flood");
            assertTrue(p99Micros < 500_000, "p99 round trip during the flood " + p99Micros + " us");

            Flood flood = lastBudgetStats(daemon);
            flood.stillConnected = stillConnected;
            // Each loop: its share of the budget, one 16 KiB chunk per connection that read once the
            // budget was spent, and the read that spent it (64 KiB, plus a chunk it may have topped up).
            long bound = flood.budget + (long) (FLOODERS + 1) * CHUNK + (long) LOOPS * (READ_BUFFER + CHUNK);
            measure(String.format("peakQueuedBytes %d (%.1f MiB) of budget %d (%.1f MiB); bound %d; budget spent %dx;"
                    + " allocation failures %d", flood.peak, flood.peak / 1048576.0, flood.budget,
                    flood.budget / 1048576.0, bound, flood.budgetSpent, flood.allocationFailures));
            assertTrue(flood.peak <= bound, "peak " + flood.peak + " above the bound " + bound);
            assertTrue(daemon.stdout().stream().noneMatch(l -> l.contains("fatal")), "a fatal error: " + tail(daemon));
            return flood;
        }
    }

    private static Flood lastBudgetStats(DaemonProcess daemon) {
        Flood last = null;
        for (String line : daemon.stdout()) {
            JsonNode event = parse(line);
            if (event != null && event.path("peakQueuedBytes").isNumber()) { // the stats line's figures, as numbers
                last = new Flood(event.get("peakQueuedBytes").asLong(), event.get("maxQueuedBytes").asLong(),
                        event.get("budgetExhaustions").asLong(), event.get("allocationFailures").asLong());
            }
        }
        assertNotNull(last, "no stats line with the budget: " + tail(daemon));
        return last;
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException notJson) { // a line being written, or the JVM's own
            return null;
        }
    }

    private static String tail(DaemonProcess daemon) {
        List<String> out = daemon.stdout();
        return String.join("\n", out.subList(Math.max(0, out.size() - 20), out.size())) + "\n" + daemon.stderr();
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static void measure(String what) {
        System.out.println("[measure] " + what);
    }

    /** What the stats line said last. */
    private static final class Flood {
        final long peak;
        final long budget;
        final long budgetSpent;
        final long allocationFailures;
        long stillConnected;

        Flood(long peak, long budget, long budgetSpent, long allocationFailures) {
            this.peak = peak;
            this.budget = budget;
            this.budgetSpent = budgetSpent;
            this.allocationFailures = allocationFailures;
        }
    }

    /** Round trips of 64 B until stopped; an I/O error (cut off) fails the test. */
    private static final class PingPongWhile implements java.util.concurrent.Callable<long[]> {
        private final Socket socket;
        private final AtomicBoolean running = new AtomicBoolean(true);

        PingPongWhile(Socket socket) {
            this.socket = socket;
        }

        @Override
        public long[] call() {
            long[] nanos = new long[1 << 20];
            int n = 0;
            try {
                while (running.get() && n < nanos.length) {
                    nanos[n++] = EchoClients.pingPong(socket, 1)[0];
                }
            } catch (IOException e) {
                fail("the well-behaved client was cut off after " + n + " round trips: " + e);
            }
            return Arrays.copyOf(nanos, n);
        }

        void stop() {
            running.set(false);
        }
    }
}
