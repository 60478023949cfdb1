package io.nioreactor.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nioreactor.daemon.DaemonProcess;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The daemon as a user runs it: the built jar in a process of its own. */
@Timeout(60)
class TcpEchoDaemonIT {

    static final Path JAR = Path.of("target", "tcp-echo.jar");

    @Test
    void printsOneStartLineWithTheRealPortAndEchoesExactly() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(JAR, "--port", "0")) {
            String[] start = daemon.awaitStartLine();
            assertEquals("tcp", start[0]);
            assertTrue(start[1].startsWith("127.0.0.1:"), start[1]);
            int port = daemon.awaitPort();
            assertTrue(port > 0);

            byte[] payload = new byte[1 << 20];
            new Random(1).nextBytes(payload);
            EchoClients.echoOnce(new InetSocketAddress("127.0.0.1", port), payload, 10_000);

            long startLines = daemon.stdout().stream().filter(l -> l.contains("listening on")).count();
            assertEquals(1, startLines, daemon.stdout().toString());
            assertTrue(daemon.stdout().get(0).contains(" INFO "), daemon.stdout().get(0));
        }
    }

    @Test
    void withFourThreadsItPrintsTheSameStartLineSpreadsConnectionsAndExits0() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(JAR, "--port", "0", "--threads", "4", "--log-level", "DEBUG")) {
            String[] start = daemon.awaitStartLine();
            assertEquals("tcp", start[0]);
            assertTrue(start[1].startsWith("127.0.0.1:"), start[1]);
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", daemon.awaitPort());
            for (int i = 0; i < 64; i++) {
                EchoClients.echoOnce(address, ("client " + i).getBytes(StandardCharsets.US_ASCII), 10_000);
            }
            assertEquals(1, daemon.stdout().stream().filter(l -> l.contains("listening on tcp ")).count());
            java.util.Set<String> loops = new java.util.TreeSet<>();
            for (String line : daemon.stdout()) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("opened connection .* on loop (\\S+)")
                        .matcher(line);
                if (m.find()) {
                    loops.add(m.group(1));
                }
            }
            assertEquals(java.util.Set.of("tcp-echo-0", "tcp-echo-1", "tcp-echo-2", "tcp-echo-3"), loops,
                    "DEBUG names the loop serving each connection, and all four served");

            daemon.terminate();
            assertEquals(0, daemon.awaitExit(Duration.ofSeconds(15)));
            assertTrue(daemon.stdout().stream().anyMatch(l -> l.contains("stopped: open=0 accepted=64")),
                    "the stopped line shows totals: " + daemon.stdout());
        }
    }

    @Test
    void aBadFlagExits2WithOneLineNamingIt() throws Exception {
        assertUsageError("Unknown option: '--bogus'", "--bogus");
        assertUsageError("'--port'", "--port", "seventy");
        assertUsageError("'--port': 70000 is not in 0..65535", "--port", "70000");
        assertUsageError("'--idle-timeout'", "--idle-timeout", "5x");
        assertUsageError("'--low-water'", "--high-water", "1KiB");
        assertUsageError("'--send-buffer'", "--send-buffer", "-1");
        assertUsageError("'--log-level'", "--log-level", "LOUD");
        assertUsageError("'--threads': 0 must be at least 1", "--threads", "0");
        assertUsageError("'--threads': -1 must be at least 1", "--threads", "-1");
    }

    private static void assertUsageError(String expected, String... args) throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(JAR, args)) {
            assertEquals(2, daemon.awaitExit(Duration.ofSeconds(20)));
            assertEquals(1, daemon.stderr().size(), "one line: " + daemon.stderr());
            String line = daemon.stderr().get(0);
            assertTrue(line.contains(expected), line);
            assertTrue(line.contains("--help"), line);
        }
    }

    @Test
    void aTakenPortExits1WithOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            try (DaemonProcess daemon = DaemonProcess.start(JAR, "--port", Integer.toString(port))) {
                assertEquals(1, daemon.awaitExit(Duration.ofSeconds(20)));
                assertEquals(List.of("cannot listen on 127.0.0.1:" + port + ": Address already in use"),
                        daemon.stderr());
            }
        }
    }

    @ParameterizedTest(name = "SIG{0}")
    @ValueSource(strings = {"TERM", "INT"})
    void sigtermOrSigintWithClientsConnectedExits0AndClosesThem(String signal) throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(JAR, "--port", "0", "--shutdown-timeout", "5s")) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", daemon.awaitPort());
            List<Socket> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Socket client = EchoClients.connect(address, 10_000);
                    EchoClients.roundTrip(client, ("client " + i).getBytes(StandardCharsets.US_ASCII));
                    clients.add(client);
                }

                daemon.signal(signal);

                assertEquals(0, daemon.awaitExit(Duration.ofSeconds(15)));
                for (Socket client : clients) {
                    InputStream in = client.getInputStream();
                    assertEquals(-1, in.read(), "the daemon closed the connection");
                }
            } finally {
                for (Socket client : clients) {
                    client.close();
                }
            }
            assertTrue(daemon.stdout().stream().anyMatch(l -> l.contains("shutting down")), daemon.stdout().toString());
        }
    }

    @Test
    void listensOnAUnixDomainSocket(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("echo.sock");
        try (DaemonProcess daemon = DaemonProcess.start(JAR, "--unix", socket.toString())) {
            String[] start = daemon.awaitStartLine();
            assertEquals("unix", start[0]);
            assertEquals(socket.toString(), start[1]);

            try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                client.connect(UnixDomainSocketAddress.of(socket));
                client.write(ByteBuffer.wrap("over unix".getBytes(StandardCharsets.US_ASCII)));
                ByteBuffer back = ByteBuffer.allocate(9);
                while (back.hasRemaining() && client.read(back) >= 0) {
                    // until all 9 bytes are back
                }
                assertArrayEquals("over unix".getBytes(StandardCharsets.US_ASCII), back.array());
            }
            daemon.terminate();
            assertEquals(0, daemon.awaitExit(Duration.ofSeconds(15)));
            assertFalse(Files.exists(socket), "socket file removed at exit");
        }
    }

    @Test
    void versionAndHelpExit0() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(JAR, "--version")) {
            assertEquals(0, daemon.awaitExit(Duration.ofSeconds(20)));
            assertTrue(daemon.stdout().get(0).startsWith("nioreactor "), daemon.stdout().toString());
        }
        try (DaemonProcess daemon = DaemonProcess.start(JAR, "--help")) {
            assertEquals(0, daemon.awaitExit(Duration.ofSeconds(20)));
            String help = String.join("\n", daemon.stdout());
            // In the order a reader sets them up: where, how many, limits, TLS, then what to see of it.
            List<String> order = List.of("--host=", "--port=", "--unix=", "--share-port", "--threads=",
                    "--max-connections=", "--idle-timeout=", "--shutdown-timeout=", "--high-water=", "--max-queued=",
                    "--tls-cert=", "--stats-interval=", "--metrics=", "--pid-file=", "--log-level=", "--log-format=");
            int last = help.indexOf("Echoes every byte back");
            for (String option : order) {
                int at = help.indexOf("  " + option.replace("=", "") , last);
                assertTrue(at > last, option + " after the one before it in:\n" + help);
                last = at;
            }
            assertTrue(help.replace("\n", " ").replaceAll(" +", " ").matches(
                    "(?s).*default: a quarter of the JVM's direct-memory limit.*here \\d+(\\.\\d)? [MG]iB.*"),
                    "the default budget, and its size on this JVM: " + help);
        }
    }
}
