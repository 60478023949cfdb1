package io.nioreactor.udp;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.nioreactor.daemon.DaemonProcess;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The UDP daemon as a user runs it: the built jar in a process of its own. */
@Timeout(60)
class UdpEchoDaemonIT {

    private static final Path JAR = Path.of("target", "udp-echo.jar");
    private static final int[] SIZES = {0, 1, 512, 1472, 8192, 65507};

    @Test
    void echoesEverySizeExactlyOverIpv4AndIpv6AndExits0OnSigtermOrSigint() throws Exception {
        for (String host : new String[] {"127.0.0.1", "::1"}) {
            try (DaemonProcess daemon = DaemonProcess.start(JAR, "--host", host, "--port", "0")) {
                String[] start = daemon.awaitStartLine();
                assertEquals("udp", start[0]);
                InetSocketAddress server = new InetSocketAddress(host, daemon.awaitPort());
                try (DatagramSocket client = client(host, 0)) {
                    for (int size : SIZES) {
                        byte[] payload = new byte[size];
                        new Random(size).nextBytes(payload);
                        assertArrayEquals(payload, roundTrip(client, server, payload), size + " bytes over " + host);
                    }
                }
                daemon.signal(host.contains(":") ? "INT" : "TERM"); // SIGINT must end it as cleanly as SIGTERM
                assertEquals(0, daemon.awaitExit(Duration.ofSeconds(15)));
                assertTrue(daemon.stdout().stream().anyMatch(l -> l.contains("stopped:")), daemon.stdout().toString());
            }
        }
    }

    @Test
    void survivesABurstFromEightSocketsAndRepliesToClosedPortsThenStillAnswers() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(JAR, "--port", "0")) {
            InetSocketAddress server = new InetSocketAddress("127.0.0.1", daemon.awaitPort());
            List<DatagramSocket> senders = new ArrayList<>();
            long echoed = 0;
            try {
                for (int i = 0; i < 8; i++) {
                    senders.add(client("127.0.0.1", 200));
                }
                byte[] payload = new byte[512];
                for (int i = 0; i < 20_000; i++) {
                    senders.get(i % 8).send(new DatagramPacket(payload, payload.length, server));
                }
                for (DatagramSocket sender : senders) {
                    echoed += drain(sender);
                }
            } finally {
                for (DatagramSocket sender : senders) {
                    sender.close(); // echoes still in flight now go to closed ports
                }
            }
            try (DatagramSocket goneSoon = client("127.0.0.1", 0)) {
                for (int i = 0; i < 1_000; i++) {
                    goneSoon.send(new DatagramPacket(new byte[16], 16, server));
                }
            } // 1,000 replies to a port that is closed by the time they arrive

            try (DatagramSocket client = client("127.0.0.1", 300)) {
                // UDP may drop the probe too while the kernel buffer still holds the burst: retry.
                await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                        assertArrayEquals(new byte[] {1, 2, 3}, roundTrip(client, server, new byte[] {1, 2, 3})));
            }
            System.out.printf("[measure] udp-echo.jar, burst of 20,000 x 512 B from 8 sockets read after sending:"
                    + " %d echoes back (%.1f%% lost)%n", echoed, 100.0 * (20_000 - echoed) / 20_000);
        }
    }

    @Test
    void privilegedSourcePortsAreRefusedUnlessAllowed() throws Exception {
        DatagramSocket privileged;
        try {
            privileged = new DatagramSocket(new InetSocketAddress("127.0.0.1", 1019));
        } catch (IOException e) {
            assumeTrue(false, "binding a port below 1024 needs root: " + e.getMessage());
            return;
        }
        try (DatagramSocket client = privileged) {
            client.setSoTimeout(500);
            try (DaemonProcess daemon = DaemonProcess.start(JAR, "--port", "0", "--stats-interval", "100ms")) {
                InetSocketAddress server = new InetSocketAddress("127.0.0.1", daemon.awaitPort());
                assertThrows(SocketTimeoutException.class, () -> roundTrip(client, server, new byte[] {7}));
                await().atMost(Duration.ofSeconds(5)).until(() ->
                        daemon.stdout().stream().anyMatch(l -> l.contains("refused 1 ")));
            }
            client.setSoTimeout(5_000);
            try (DaemonProcess daemon = DaemonProcess.start(JAR, "--port", "0", "--allow-privileged-source-ports")) {
                InetSocketAddress server = new InetSocketAddress("127.0.0.1", daemon.awaitPort());
                assertArrayEquals(new byte[] {7}, roundTrip(client, server, new byte[] {7}));
            }
        }
    }

    @Test
    void theRateLimitCapsAnswersPerSource() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(JAR, "--port", "0", "--rate-limit", "10");
             DatagramSocket client = client("127.0.0.1", 300)) {
            InetSocketAddress server = new InetSocketAddress("127.0.0.1", daemon.awaitPort());
            for (int i = 0; i < 200; i++) {
                client.send(new DatagramPacket(new byte[8], 8, server));
            }
            long echoed = drain(client);

            assertTrue(echoed >= 10 && echoed <= 20, "answered " + echoed + " of 200 at 10/s");
        }
    }

    @Test
    void withFourThreadsTheRateLimitHoldsPerSourceAddressAcrossTheLoops() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(JAR, "--port", "0", "--rate-limit", "10", "--threads", "4",
                "--stats-interval", "200ms")) {
            InetSocketAddress server = new InetSocketAddress("127.0.0.1", daemon.awaitPort());
            List<DatagramSocket> ports = new ArrayList<>();
            long echoed = 0;
            try {
                for (int i = 0; i < 32; i++) { // one address, 32 source ports: the kernel spreads them over the loops
                    ports.add(client("127.0.0.1", 300));
                }
                for (int round = 0; round < 5; round++) {
                    for (DatagramSocket port : ports) {
                        port.send(new DatagramPacket(new byte[8], 8, server));
                    }
                }
                for (DatagramSocket port : ports) {
                    echoed += drain(port);
                }
            } finally {
                ports.forEach(DatagramSocket::close);
            }
            System.out.printf("[measure] --threads 4 --rate-limit 10: 160 datagrams from 32 ports of one address,"
                    + " %d answered%n", echoed);
            // A limiter per loop would answer 10 on each loop the ports reach (~40); one for the group, 10 + refill.
            assertTrue(echoed >= 10 && echoed <= 20, "answered " + echoed + " of 160 at 10/s per address");
            String limited = "rate-limited " + (160 - echoed) + " ";
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    daemon.stdout().stream().anyMatch(l -> l.contains(limited)));
        }
    }

    @Test
    void withFourThreadsTheStartLineIsTheSameEverySourceIsAnsweredAndSigtermExits0() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(JAR, "--port", "0", "--threads", "4")) {
            String[] start = daemon.awaitStartLine();
            assertEquals("udp", start[0]);
            assertTrue(start[1].startsWith("127.0.0.1:"), start[1]);
            InetSocketAddress server = new InetSocketAddress("127.0.0.1", daemon.awaitPort());
            for (int i = 0; i < 32; i++) {
                try (DatagramSocket client = client("127.0.0.1", 0)) {
                    byte[] payload = {(byte) i, 1, 2};
                    assertArrayEquals(payload, roundTrip(client, server, payload), "source " + i);
                }
            }
            daemon.terminate();
            assertEquals(0, daemon.awaitExit(Duration.ofSeconds(15)));
            assertTrue(daemon.stdout().stream().anyMatch(l -> l.contains("stopped:") && l.contains("loops=4")),
                    daemon.stdout().toString());
        }
    }

    @Test
    void badFlagsExit2AndATakenPortExits1() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(JAR, "--rate-limit", "lots")) {
            assertEquals(2, daemon.awaitExit(Duration.ofSeconds(20)));
            assertEquals(1, daemon.stderr().size(), daemon.stderr().toString());
            assertTrue(daemon.stderr().get(0).contains("'--rate-limit'"), daemon.stderr().get(0));
        }
        for (String threads : new String[] {"0", "-1"}) {
            try (DaemonProcess daemon = DaemonProcess.start(JAR, "--threads", threads)) {
                assertEquals(2, daemon.awaitExit(Duration.ofSeconds(20)));
                assertEquals(1, daemon.stderr().size(), daemon.stderr().toString());
                assertTrue(daemon.stderr().get(0).contains("'--threads': " + threads + " must be at least 1"),
                        daemon.stderr().get(0));
            }
        }
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
             DaemonProcess daemon = DaemonProcess.start(JAR, "--port", Integer.toString(taken.getLocalPort()))) {
            assertEquals(1, daemon.awaitExit(Duration.ofSeconds(20)));
            assertEquals(List.of("cannot bind 127.0.0.1:" + taken.getLocalPort() + ": Address already in use"),
                    daemon.stderr());
        }
    }

    /**
     * {@code --metrics} and {@code --pid-file} on the UDP daemon: curl reads the datagram figures (and
     * none of TLS, which it does not serve); the pid file names the process; a taken metrics address
     * exits 1 with one line.
     */
    @Test
    void metricsShowTheDatagramFiguresThePidFileNamesTheProcessAndATakenMetricsAddressExits1(@TempDir Path dir)
            throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl is not installed");
        Path pidFile = dir.resolve("udp-echo.pid");
        try (DaemonProcess daemon = DaemonProcess.start(JAR, "--port", "0", "--metrics", "127.0.0.1:0",
                "--pid-file", pidFile.toString());
             DatagramSocket socket = client("127.0.0.1", 5_000)) {
            int port = daemon.awaitPort();
            assertEquals(Long.toString(daemon.pid()), Files.readString(pidFile).trim());
            for (int i = 0; i < 3; i++) {
                socket.send(new DatagramPacket(new byte[100], 100, new InetSocketAddress("127.0.0.1", port)));
                socket.receive(new DatagramPacket(new byte[200], 200));
            }
            Matcher at = Pattern.compile("metrics for Prometheus at (http://\\S+/metrics)")
                    .matcher(String.join("\n", daemon.stdout()));
            assertTrue(at.find(), daemon.stdout().toString());
            Process curl = new ProcessBuilder("curl", "-s", "-f", at.group(1)).redirectErrorStream(true).start();
            String body = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, curl.waitFor(), body);
            double received = 0;
            Matcher datagrams = Pattern.compile("(?m)^nioreactor_datagrams_received_total\\{[^}]*} (\\S+)$")
                    .matcher(body);
            while (datagrams.find()) {
                received += Double.parseDouble(datagrams.group(1));
            }
            assertEquals(3.0, received, "the datagrams, summed over the loops: " + body);
            assertFalse(body.contains("nioreactor_tls_"), "no TLS figures on a UDP daemon");

            int metricsPort = Integer.parseInt(at.group(1).replaceAll(".*:(\\d+)/metrics", "$1"));
            try (DaemonProcess second = DaemonProcess.start(JAR, "--port", "0", "--metrics",
                    "127.0.0.1:" + metricsPort)) {
                assertEquals(1, second.awaitExit(Duration.ofSeconds(20)));
                assertEquals(List.of("cannot listen on 127.0.0.1:" + metricsPort + ": Address already in use"),
                        second.stderr());
            }
            daemon.terminate();
            assertEquals(0, daemon.awaitExit(Duration.ofSeconds(15)));
            assertFalse(Files.exists(pidFile), "removed at the graceful exit");
        }
    }

    private static DatagramSocket client(String host, int timeoutMillis) throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(host, 0));
        socket.setSoTimeout(timeoutMillis == 0 ? 5_000 : timeoutMillis);
        return socket;
    }

    /** Receives until a quiet timeout; bounded by count too. */
    private static long drain(DatagramSocket socket) throws IOException {
        byte[] buffer = new byte[65_535];
        long received = 0;
        try {
            for (int i = 0; i < 100_000; i++) {
                socket.receive(new DatagramPacket(buffer, buffer.length));
                received++;
            }
        } catch (SocketTimeoutException quiet) {
            // drained
        }
        return received;
    }

    private static byte[] roundTrip(DatagramSocket client, InetSocketAddress server, byte[] payload) throws IOException {
        client.send(new DatagramPacket(payload, payload.length, server));
        DatagramPacket reply = new DatagramPacket(new byte[65_535], 65_535);
        client.receive(reply);
        return Arrays.copyOf(reply.getData(), reply.getLength());
    }
}
