package io.nioreactor.tcp;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nioreactor.daemon.DaemonProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A port another process holds is refused; a port whose previous owner died is taken back at
 * once, TIME_WAIT or not; sharing a port is possible on purpose, with --share-port.
 */
@Timeout(60)
class TcpTakenPortIT {

    private static final Path JAR = TcpEchoDaemonIT.JAR;
    private static final Pattern ACCEPTED = Pattern.compile("accepted (\\d+) \\(");
    private static final byte[] HELLO = "hello".getBytes(StandardCharsets.US_ASCII);

    @ParameterizedTest(name = "--threads {0}")
    @ValueSource(strings = {"1", "2", "4"})
    void aSecondDaemonOnATakenPortExits1AndTheFirstKeepsServing(String threads) throws Exception {
        try (DaemonProcess first = DaemonProcess.start(JAR, "--port", "0", "--threads", threads)) {
            int port = first.awaitPort();
            try (DaemonProcess second = DaemonProcess.start(JAR, "--port", Integer.toString(port), "--threads", threads)) {
                assertEquals(1, second.awaitExit(Duration.ofSeconds(20)), "the second daemon: " + second.stdout());
                assertEquals(List.of("cannot listen on 127.0.0.1:" + port + ": Address already in use"), second.stderr());
            }
            for (int i = 0; i < 20; i++) {
                EchoClients.echoOnce(new InetSocketAddress("127.0.0.1", port), HELLO, 10_000);
            }
        }
    }

    @Test
    void afterAKill9WithLiveConnectionsANewDaemonListensOnTheSamePortAtOnce() throws Exception {
        int port;
        List<Socket> clients = new ArrayList<>();
        try (DaemonProcess old = DaemonProcess.start(JAR, "--port", "0")) {
            port = old.awaitPort();
            for (int i = 0; i < 20; i++) {
                Socket client = EchoClients.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
                EchoClients.roundTrip(client, HELLO);
                clients.add(client);
            }
            new ProcessBuilder("/bin/sh", "-c", "kill -KILL " + old.pid()).start().waitFor();
            old.awaitExit(Duration.ofSeconds(10));
        }
        for (Socket client : clients) {
            client.close(); // the dead daemon's side of each connection now sits in TIME_WAIT
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> timeWaitOn(port) > 0);
        int timeWait = timeWaitOn(port);

        long start = System.nanoTime();
        try (DaemonProcess next = DaemonProcess.start(JAR, "--port", Integer.toString(port))) {
            assertEquals(port, next.awaitPort(), "the new daemon: " + next.stderr());
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("[measure] after kill -9 with 20 live connections (%d in TIME_WAIT): a new daemon"
                    + " listened on the same port %d ms after it was started%n", timeWait, millis);
            EchoClients.echoOnce(new InetSocketAddress("127.0.0.1", port), HELLO, 10_000);
            // At once: the JVM's start, not TIME_WAIT's 60 s (a bound an order of magnitude below it).
            assertTrue(millis < 30_000, "took " + millis + " ms (TIME_WAIT alone would hold it 60 s)");
        }
    }

    @ParameterizedTest(name = "--threads {0}")
    @ValueSource(strings = {"1", "4"})
    void withSharePortTwoDaemonsShareThePortOnPurposeAndBothServe(String threads) throws Exception {
        try (DaemonProcess a = DaemonProcess.start(JAR, "--port", "0", "--share-port", "--stats-interval", "200ms",
                "--threads", threads)) {
            int port = a.awaitPort();
            Path migrateReq = Path.of("/proc/sys/net/ipv4/tcp_migrate_req");
            boolean migrates = !Files.exists(migrateReq) || !Files.readString(migrateReq).trim().equals("0");
            // Logged before the start line, so it is there once the start line is.
            assertEquals(migrates ? 0 : 1, a.stdout().stream()
                    .filter(l -> l.contains("WARN") && l.contains("net.ipv4.tcp_migrate_req is 0")).count(),
                    "one WARN when queued connections cannot migrate at a hand-over: " + a.stdout());
            try (DaemonProcess b = DaemonProcess.start(JAR, "--port", Integer.toString(port), "--share-port",
                    "--stats-interval", "200ms", "--threads", threads)) {
                assertEquals(port, b.awaitPort());
                for (int i = 0; i < 64; i++) { // the kernel spreads connections over the listeners
                    EchoClients.echoOnce(new InetSocketAddress("127.0.0.1", port), HELLO, 10_000);
                }
                await().atMost(Duration.ofSeconds(5)).until(() -> accepted(a) + accepted(b) == 64);
                System.out.printf("[measure] --share-port --threads %s: 64 connections, %d to one daemon, %d to the"
                        + " other%n", threads, accepted(a), accepted(b));
                assertTrue(accepted(a) > 0 && accepted(b) > 0, "both serve");
            }
        }
    }

    /** Sockets on the port in TIME_WAIT (state 06), from /proc/net/tcp. */
    private static int timeWaitOn(int port) throws IOException {
        String local = String.format(Locale.ROOT, ":%04X ", port);
        int count = 0;
        for (String line : Files.readAllLines(Path.of("/proc/net/tcp"))) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length > 3 && (fields[1] + " ").endsWith(local) && fields[3].equals("06")) {
                count++;
            }
        }
        return count;
    }

    private static long accepted(DaemonProcess daemon) {
        long last = 0;
        for (String line : daemon.stdout()) {
            Matcher m = ACCEPTED.matcher(line);
            if (m.find()) {
                last = Long.parseLong(m.group(1));
            }
        }
        return last;
    }
}
