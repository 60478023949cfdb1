package io.nioreactor.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nioreactor.core.EventLoop;
import io.nioreactor.core.TcpOptions;
import io.nioreactor.core.UdpOptions;
import io.nioreactor.daemon.DaemonMain;
import io.nioreactor.tcp.EchoHandler;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The open-loop load ({@code --rate}): it keeps its schedule whatever the server does, so a stall
 * shows in its round trips where a closed loop hides it; it says so when it cannot keep the
 * schedule. Against echo servers on a loop of this JVM.
 */
@Timeout(120)
class OpenLoopTest {

    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
    private static final InetSocketAddress ANY = new InetSocketAddress("127.0.0.1", 0);

    private final EventLoop server = EventLoop.start("open-loop-server");

    @AfterEach
    void shutdown() {
        server.shutdownGracefully(Duration.ofSeconds(1)).orTimeout(10, TimeUnit.SECONDS).join();
    }

    private InetSocketAddress echo() {
        return (InetSocketAddress) server.listenTcp(ANY, TcpOptions.defaults(), c -> EchoHandler.INSTANCE).join()
                .localAddress();
    }

    /** The server's loop is held 200 ms, once, 600 ms into the measured window: a GC pause, a blocked handler. */
    private void stallOnceAfter600ms() {
        server.schedule(() -> LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200)), Duration.ofMillis(600));
    }

    @Test
    void aStallOf200msShowsInTheOpenLoopsP999AndNotInTheClosedLoops() throws Exception {
        InetSocketAddress target = echo();

        stallOnceAfter600ms();
        LoadResult closed = TcpLoad.run(target, 1, 1, 64, Duration.ZERO, Duration.ofSeconds(2), QUIET);
        stallOnceAfter600ms();
        LoadResult open = TcpLoad.run(target, TcpOptions.defaults(), 1, 1, 64, Duration.ZERO, Duration.ofSeconds(2),
                QUIET, 0, 2_000);

        System.out.printf("[measure] a 200 ms stall: closed loop p99.9 %d us, max %d us (%,d msgs); open loop at"
                + " 2,000/s p99.9 %d us, max %d us (%,d msgs)%n", closed.percentile(99.9), closed.roundTrip()
                .getMaxValue(), closed.messages(), open.percentile(99.9), open.roundTrip().getMaxValue(),
                open.messages());
        assertEquals(0, closed.errors() + open.errors());
        assertTrue(closed.roundTrip().getMaxValue() >= 150_000, "the closed loop's one message waited too");
        assertTrue(closed.percentile(99.9) < 150_000, "a closed loop stops sending during a stall: it hides it");
        assertTrue(open.percentile(99.9) >= 150_000, "the messages due during the stall queued behind it");
        assertNotNull(open.pace());
        assertTrue(open.pace().kept(), "kept its schedule through the stall: " + open.pace());
    }

    @Test
    void aStallThatOutlastsTheWindowShowsInTheOpenLoopsP99() throws Exception {
        InetSocketAddress target = echo();
        // held from 1.5 s into a 2 s window until 0.3 s after it (a slow start of the load still ends
        // its window inside the stall): a quarter of the window's messages unanswered at its end
        server.schedule(() -> LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(800)), Duration.ofMillis(1_500));
        LoadResult open = TcpLoad.run(target, TcpOptions.defaults(), 1, 1, 64, Duration.ZERO, Duration.ofSeconds(2),
                QUIET, 0, 2_000);
        System.out.printf("[measure] a stall over the window's end: open loop p99 %d us, max %d us, %,d answered%n",
                open.percentile(99), open.roundTrip().getMaxValue(), open.messages());
        assertEquals(0, open.errors());
        assertTrue(open.percentile(99) >= 150_000, "the messages still unanswered at the end are timed to it");
    }

    @Test
    void aStallShowsInTheUdpOpenLoopToo() throws Exception {
        InetSocketAddress target = (InetSocketAddress) server.bindUdp(ANY, UdpOptions.defaults(),
                (endpoint, data, sender) -> endpoint.send(data, sender)).join().localAddress();
        stallOnceAfter600ms();
        LoadResult open = UdpLoad.run(target, 1, 1, 64, Duration.ofSeconds(1), Duration.ZERO, Duration.ofSeconds(2),
                QUIET, 0, 2_000);
        System.out.printf("[measure] a 200 ms stall, udp open loop at 2,000/s: p99.9 %d us, lost %d%n",
                open.percentile(99.9), open.lost());
        assertEquals(0, open.errors());
        assertTrue(open.percentile(99.9) >= 150_000, "the datagrams due during the stall queued behind it");
    }

    @Test
    void udpDatagramsTheServerDropsCountAtWhatTheyWaitedNotAsIfTheyHadNeverBeenSent() throws Exception {
        int[] seen = new int[1];
        InetSocketAddress target = (InetSocketAddress) server.bindUdp(ANY, UdpOptions.defaults(), (endpoint, data, sender) -> {
            if (++seen[0] % 20 != 0) { // one in twenty never answered
                endpoint.send(data, sender);
            }
        }).join().localAddress();
        LoadResult open = UdpLoad.run(target, 1, 1, 64, Duration.ofMillis(200), Duration.ZERO, Duration.ofSeconds(1),
                QUIET, 0, 2_000);
        System.out.printf("[measure] udp open loop, 5%% dropped by the server: lost %d, p50 %d us, p99 %d us%n",
                open.lost(), open.percentile(50), open.percentile(99));
        assertEquals(0, open.errors());
        assertTrue(open.lost() > 50, "about 100 of 2,000 lost: " + open.lost());
        assertTrue(open.percentile(99) >= 200_000, "each lost datagram waited the loss timeout at least");
        assertTrue(open.percentile(50) < 200_000, "the answered ones did not");
    }

    @Test
    void aLoadThatSentMoreThanAskedWasCatchingUpAndDidNotKeepItsSchedule() {
        assertTrue(new LoadResult.Pace(1_000, 1_010, 0).kept());
        assertTrue(!new LoadResult.Pace(1_000, 1_030, 0).kept(), "3% over: sends due before the window, sent in it");
        assertTrue(!new LoadResult.Pace(1_000, 970, 0).kept(), "3% under");
        // 100/s in bursts of 16 over 1 s: whole bursts give 96 or 112 sent, both within a burst
        assertTrue(new LoadResult.Pace(100, 112, 0, 16 / 100.0).kept());
        assertTrue(new LoadResult.Pace(100, 96, 0, 16 / 100.0).kept());
        assertTrue(!new LoadResult.Pace(100, 130, 0, 16 / 100.0).kept());
    }

    @Test
    void theRateSentIsTheRateAskedFor() throws Exception {
        InetSocketAddress target = echo();
        LoadResult result = TcpLoad.run(target, TcpOptions.defaults(), 4, 2, 128, Duration.ofMillis(200),
                Duration.ofSeconds(1), QUIET, 0, 10_000);
        double sent = result.pace().sentRate();
        System.out.printf("[measure] open loop at 10,000/s over 4 connections in bursts of 2: sent %,.0f/s, echoed"
                + " %,.0f/s, p99 %d us, the latest send %d us after it was due%n", sent, result.messagesPerSecond(),
                result.percentile(99), result.pace().maxLagMicros());
        assertEquals(0, result.errors());
        assertEquals(10_000, sent, 2_000, "within 20% (an idle machine keeps it within 2%)");
        assertEquals(10_000, result.messagesPerSecond(), 2_000, "and echoed as sent");
    }

    @Test
    void udpOpenLoopEchoesEveryDatagramAtTheRate() throws Exception {
        InetSocketAddress target = (InetSocketAddress) server.bindUdp(ANY, UdpOptions.defaults(),
                (endpoint, data, sender) -> endpoint.send(data, sender)).join().localAddress();
        LoadResult result = UdpLoad.run(target, 4, 2, 256, Duration.ofMillis(500), Duration.ofMillis(200),
                Duration.ofSeconds(1), QUIET, 0, 5_000);
        System.out.printf("[measure] udp open loop at 5,000/s: sent %,.0f/s, echoed %,.0f/s, lost %d, p99 %d us%n",
                result.pace().sentRate(), result.messagesPerSecond(), result.lost(), result.percentile(99));
        assertEquals(0, result.errors());
        assertEquals(0, result.lost(), "every datagram echoed within the loss timeout");
        assertEquals(5_000, result.pace().sentRate(), 1_000);
        assertEquals(5_000, result.messagesPerSecond(), 1_000);
    }

    @Test
    void aRateTheLoadCannotReachEndsWithOneLineAndExit3() throws Exception {
        InetSocketAddress target = echo();
        Captured run = capture("tcp", "--target", "127.0.0.1:" + target.getPort(), "--rate", "1000000000",
                "--duration", "1s", "--warmup", "0");
        System.out.println("[measure] " + run.stderr.trim());
        assertEquals(LoadOptions.EXIT_SCHEDULE_MISSED, run.exit);
        List<String> lines = run.stderr.lines().filter(l -> !l.startsWith("  ")).toList(); // progress lines indent
        assertEquals(1, lines.size(), run.stderr);
        assertTrue(lines.get(0).startsWith("could not keep the schedule: sent "), lines.get(0));
    }

    @Test
    void aNegativeRateIsRefusedWithOneLine() throws Exception {
        Captured run = capture("udp", "--target", "127.0.0.1:9", "--rate", "-5");
        assertEquals(2, run.exit);
        assertTrue(run.stderr.startsWith("Invalid value for option '--rate': -5.0 must be 0 (closed loop) or a rate"),
                run.stderr);
    }

    private record Captured(int exit, String stderr) {
    }

    private static Captured capture(String... args) throws Exception {
        PrintStream stderr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int exit = DaemonMain.run(new BenchMain(), args);
            return new Captured(exit, err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(stderr);
        }
    }
}
