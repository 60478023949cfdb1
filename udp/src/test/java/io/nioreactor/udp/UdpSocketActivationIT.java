package io.nioreactor.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nioreactor.daemon.DaemonProcess;
import io.nioreactor.daemon.SocketActivation;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Socket activation of the UDP daemon: a bound datagram socket on its standard input (a socket
 * unit's {@code ListenDatagram=}) is served instead of binding one, read by one loop, with the
 * first datagram, the one that started it, answered too.
 */
@Timeout(60)
class UdpSocketActivationIT {

    private static final Path JAR = Path.of("target", "udp-echo.jar");
    private static final int[] SIZES = {0, 1, 512, 1472, 8192, 65507};

    @ParameterizedTest(name = "--threads {0}")
    @ValueSource(strings = {"1", "4"})
    void itServesTheInheritedDatagramSocketExactlyAndExits0(String threads) throws Exception {
        SocketActivation.assumeAvailable();
        int port = SocketActivation.freeUdpPort();
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", port);
        try (DaemonProcess daemon = SocketActivation.start("127.0.0.1:" + port, true,
                SocketActivation.java(JAR, "--threads", threads));
             DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            client.setSoTimeout(30_000); // the first datagram starts it: the JVM's start
            for (int size : SIZES) {
                byte[] payload = new byte[size];
                new Random(size).nextBytes(payload);
                client.send(new DatagramPacket(payload, size, server));
                DatagramPacket answer = new DatagramPacket(new byte[65_536], 65_536);
                client.receive(answer);
                assertArrayEquals(payload, Arrays.copyOf(answer.getData(), answer.getLength()), size + " bytes");
            }
            assertArrayEquals(new String[] {"udp", "127.0.0.1:" + port}, daemon.awaitStartLine());
            assertTrue(daemon.startLine().endsWith("listening on inherited 127.0.0.1:" + port + " (udp)"),
                    daemon.startLine());

            daemon.terminate();
            assertEquals(0, daemon.awaitExit(Duration.ofSeconds(20)));
            assertTrue(daemon.stderr().stream().anyMatch(l -> l.contains("stopped:") && l.contains("datagramsIn=6")),
                    "its last line still reaches the console: " + daemon.stderr());
        }
    }

    @Test
    void aListeningStreamSocketOrAPortGivenAsWellExits2WithOneLine() throws Exception {
        SocketActivation.assumeAvailable();
        int port = SocketActivation.freeTcpPort();
        try (DaemonProcess daemon = SocketActivation.start("127.0.0.1:" + port, false, SocketActivation.java(JAR));
             Socket trigger = new Socket("127.0.0.1", port)) {
            assertEquals(2, daemon.awaitExit(Duration.ofSeconds(30)), "started by " + trigger);
            assertEquals(List.of("standard input is a listening stream socket; udp-echo serves a datagram socket"
                    + " (a socket unit's ListenDatagram=) (try --help)"), SocketActivation.withoutToolLines(daemon.stderr()));
        }
        int udpPort = SocketActivation.freeUdpPort();
        try (DaemonProcess daemon = SocketActivation.start("127.0.0.1:" + udpPort, true,
                SocketActivation.java(JAR, "--host", "::1"));
             DatagramSocket client = new DatagramSocket()) {
            client.send(new DatagramPacket(new byte[1], 1, new InetSocketAddress("127.0.0.1", udpPort)));
            assertEquals(2, daemon.awaitExit(Duration.ofSeconds(30)));
            assertEquals(List.of("Invalid value for option '--host': standard input is a datagram socket, which the"
                    + " daemon serves (socket activation); leave out --host (try --help)"), SocketActivation.withoutToolLines(daemon.stderr()));
        }
    }

    @Test
    void withAFileAsStandardInputItBindsAsUsual(@TempDir Path dir) throws Exception {
        Path file = java.nio.file.Files.writeString(dir.resolve("stdin.txt"), "not a socket\n");
        String daemonCommand = SocketActivation.javaCommand() + " -Xmx128m -jar " + JAR.toAbsolutePath() + " --port 0";
        try (DaemonProcess daemon = DaemonProcess.startCommand(List.of("/bin/sh", "-c", "exec " + daemonCommand + " < "
                + file), java.util.Map.of());
             DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            assertEquals("udp", daemon.awaitStartLine()[0]);
            client.setSoTimeout(10_000);
            InetSocketAddress server = new InetSocketAddress("127.0.0.1", daemon.awaitPort());
            client.send(new DatagramPacket(new byte[] {4, 2}, 2, server));
            DatagramPacket answer = new DatagramPacket(new byte[16], 16);
            client.receive(answer);
            assertArrayEquals(new byte[] {4, 2}, Arrays.copyOf(answer.getData(), answer.getLength()));
        }
    }
}
