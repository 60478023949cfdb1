package io.nioreactor.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nioreactor.daemon.DaemonProcess;
import io.nioreactor.daemon.SocketActivation;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Socket activation as systemd and inetd do it: the daemon is started with a listening socket as
 * its standard input (and output), serves it instead of binding one, keeps its log off the socket,
 * and a restart on that socket, with the next daemon serving beside the old one, loses no
 * connection.
 */
@Timeout(120)
class TcpSocketActivationIT {

    private static final Path JAR = TcpEchoDaemonIT.JAR;
    private static final Pattern OPENED_ON = Pattern.compile("opened connection .* on loop (\\S+)");

    @ParameterizedTest(name = "--threads {0}")
    @ValueSource(strings = {"1", "4"})
    void itServesTheInheritedSocketExactlySpreadsItsConnectionsAndLogsItsWholeShutdown(String threads)
            throws Exception {
        SocketActivation.assumeAvailable();
        int port = SocketActivation.freeTcpPort();
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
        try (DaemonProcess daemon = SocketActivation.start("127.0.0.1:" + port, false,
                SocketActivation.java(JAR, "--threads", threads, "--log-level", "DEBUG"))) {
            byte[] payload = new byte[256 * 1024];
            new Random(7).nextBytes(payload);
            EchoClients.echoOnce(address, payload, 30_000); // the first connection starts it, as systemd would
            for (int i = 0; i < 39; i++) {
                EchoClients.echoOnce(address, ("client " + i).getBytes(), 10_000);
            }

            assertArrayEquals(new String[] {"tcp", "127.0.0.1:" + port}, daemon.awaitStartLine());
            assertTrue(daemon.startLine().endsWith("listening on inherited 127.0.0.1:" + port + " (tcp)"),
                    daemon.startLine());
            assertEquals(List.of(), daemon.stdout(), "nothing logged to standard output: it is the socket");
            assertTrue(daemon.stderr().stream().anyMatch(l -> l.contains("standard output is the inherited socket")),
                    "says where the console went: " + tail(daemon.stderr()));
            Set<String> loops = new TreeSet<>();
            for (String line : daemon.stderr()) {
                Matcher m = OPENED_ON.matcher(line);
                if (m.find()) {
                    loops.add(m.group(1));
                }
            }
            assertEquals(Integer.parseInt(threads), loops.size(), "accepted on one loop, handed to all: " + loops);

            daemon.terminate();
            assertEquals(0, daemon.awaitExit(Duration.ofSeconds(20)));
            assertTrue(daemon.stderr().stream().anyMatch(l -> l.contains("stopped: open=0 accepted=40")),
                    "its last line still reaches the console (the JDK's close of the inherited channel would"
                            + " have pointed it at /dev/null): " + tail(daemon.stderr()));
        }
    }

    @ParameterizedTest(name = "--threads {0}")
    @ValueSource(strings = {"1", "4"})
    void itServesAnInheritedUnixDomainSocketAndLeavesItsFile(String threads, @TempDir Path dir) throws Exception {
        SocketActivation.assumeAvailable();
        Path socket = dir.resolve("echo.sock");
        try (DaemonProcess daemon = SocketActivation.start(socket.toString(), false,
                SocketActivation.java(JAR, "--threads", threads))) {
            for (int i = 0; i < 8; i++) {
                try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                    client.connect(UnixDomainSocketAddress.of(socket));
                    byte[] payload = ("unix client " + i).getBytes();
                    client.write(ByteBuffer.wrap(payload));
                    ByteBuffer back = ByteBuffer.allocate(payload.length);
                    while (back.hasRemaining() && client.read(back) >= 0) {
                        // the first read waits for the JVM to start
                    }
                    assertArrayEquals(payload, back.array());
                }
            }
            assertArrayEquals(new String[] {"unix", socket.toString()}, daemon.awaitStartLine());
            daemon.terminate();
            assertEquals(0, daemon.awaitExit(Duration.ofSeconds(20)));
            assertTrue(Files.exists(socket), "the socket file is its maker's: it stays for the next daemon");
        }
    }

    @Test
    void anAddressGivenAsWellAsTheInheritedSocketExits2WithOneLine() throws Exception {
        SocketActivation.assumeAvailable();
        int port = SocketActivation.freeTcpPort();
        try (DaemonProcess daemon = SocketActivation.start("127.0.0.1:" + port, false,
                SocketActivation.java(JAR, "--port", "7007"))) {
            try (java.net.Socket trigger = new java.net.Socket("127.0.0.1", port)) { // starts it
                assertEquals(2, daemon.awaitExit(Duration.ofSeconds(30)), "the connection " + trigger + " started it");
            }
            List<String> own = SocketActivation.withoutToolLines(daemon.stderr());
            assertEquals(List.of("Invalid value for option '--port': standard input is a listening stream socket,"
                    + " which the daemon serves (socket activation); leave out --port (try --help)"), own);
        }
    }

    @ParameterizedTest(name = "standard input: {0}")
    @ValueSource(strings = {"a file", "a pipe"})
    void withAFileOrAPipeAsStandardInputItBindsAsUsual(String kind, @TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("stdin.txt"), "not a socket\n");
        String redirect = kind.equals("a file") ? " < " + file : "";
        String java = SocketActivation.javaCommand() + " -Xmx128m -jar " + JAR.toAbsolutePath() + " --port 0";
        String command = kind.equals("a file") ? "exec " + java + redirect : "echo not a socket | " + java;
        try (DaemonProcess daemon = DaemonProcess.startCommand(List.of("/bin/sh", "-c", command), Map.of())) {
            assertEquals("tcp", daemon.awaitStartLine()[0]);
            EchoClients.echoOnce(new InetSocketAddress("127.0.0.1", daemon.awaitPort()), "plain".getBytes(), 10_000);
        }
    }

    @Test
    void withAConnectedSocketAsStandardInputItBindsAsUsual() throws Exception {
        SocketActivation.assumeAvailable();
        int trigger = SocketActivation.freeTcpPort();
        List<String> command = SocketActivation.perConnection("127.0.0.1:" + trigger,
                SocketActivation.java(JAR, "--port", "0"));
        try (DaemonProcess activator = DaemonProcess.startCommand(command, Map.of())) {
            org.awaitility.Awaitility.await().atMost(20, java.util.concurrent.TimeUnit.SECONDS)
                    .until(() -> activator.stderr().stream().anyMatch(l -> l.startsWith("Listening on ")));
            try (java.net.Socket connection = new java.net.Socket("127.0.0.1", trigger)) { // its standard input
                String[] start = activator.awaitStartLine();
                assertEquals("tcp", start[0], "bound as usual: " + activator.stderr());
                int port = Integer.parseInt(start[1].substring(start[1].lastIndexOf(':') + 1));
                EchoClients.echoOnce(new InetSocketAddress("127.0.0.1", port), "not activation".getBytes(), 10_000);
                assertTrue(connection.isConnected());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"the new daemon beside the old", "the old daemon ended first, as systemctl restart does"})
    void aRestartOnTheHeldSocketLosesNoConnection(String order) throws Exception {
        SocketActivation.assumeAvailable();
        int port = SocketActivation.freeTcpPort();
        int handovers = Integer.getInteger("handovers", 3);
        List<String> trial = new ArrayList<>(List.of(SocketActivation.javaCommand(), "-cp",
                System.getProperty("java.class.path"), "io.nioreactor.daemon.HandOverTrial", "--inherited",
                "--target", "127.0.0.1:" + port, "--handovers", Integer.toString(handovers)));
        if (order.startsWith("the old")) {
            trial.add("--sequential");
        }
        trial.add("--");
        trial.addAll(SocketActivation.java(JAR.toAbsolutePath(), "--threads", "2"));
        try (DaemonProcess holder = SocketActivation.start("127.0.0.1:" + port, false, trial)) {
            EchoClients.echoOnce(new InetSocketAddress("127.0.0.1", port), "start".getBytes(), 30_000);
            assertEquals(0, holder.awaitExit(Duration.ofSeconds(100)), String.join("\n", holder.stderr()));
            String summary = summary(holder.stderr());
            System.out.println("[measure] socket activation, " + handovers + " restarts (" + order + ") under 4"
                    + " clients connecting in a loop: " + summary);
            assertTrue(summary.contains(" failures=0 "), String.join("\n", holder.stderr()));
            assertTrue(summary.contains(" exits=[" + "0, ".repeat(handovers - 1) + "0]"), summary);
        }
    }

    private static List<String> tail(List<String> lines) {
        return lines.subList(Math.max(0, lines.size() - 5), lines.size());
    }

    static String summary(List<String> lines) {
        return lines.stream().filter(l -> l.startsWith("handovers=")).findFirst()
                .orElseThrow(() -> new AssertionError("no summary: " + lines));
    }
}
