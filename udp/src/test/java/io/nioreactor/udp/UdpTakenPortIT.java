package io.nioreactor.udp;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nioreactor.daemon.DaemonProcess;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A port another process holds is refused: a second daemon started by mistake exits 1 and the
 * first keeps all its traffic. Sharing a port is possible on purpose, with --share-port.
 */
@Timeout(60)
class UdpTakenPortIT {

    private static final Path JAR = Path.of("target", "udp-echo.jar");
    private static final Pattern RECEIVED = Pattern.compile(" - in (\\d+) \\(");

    @ParameterizedTest(name = "{0} then {1}, --threads {2}")
    @CsvSource({"127.0.0.1,127.0.0.1,1", "127.0.0.1,127.0.0.1,4", "::,::,2", "::,127.0.0.1,4"})
    void aSecondDaemonOnATakenPortExits1AndTheFirstKeepsEveryDatagram(String firstHost, String secondHost,
            String threads) throws Exception {
        try (DaemonProcess first = DaemonProcess.start(JAR, "--host", firstHost, "--port", "0", "--threads", threads)) {
            int port = first.awaitPort();
            try (DaemonProcess second = DaemonProcess.start(JAR, "--host", secondHost, "--port", Integer.toString(port),
                    "--threads", threads)) {
                long started = System.nanoTime();
                assertEquals(1, second.awaitExit(Duration.ofSeconds(20)), "the second daemon: " + second.stdout());
                System.out.printf("[measure] udp %s then %s: the second exited 1 after %d ms%n", firstHost, secondHost,
                        (System.nanoTime() - started) / 1_000_000);
                String shown = secondHost.contains(":") ? "[0:0:0:0:0:0:0:0]" : secondHost;
                assertEquals(List.of("cannot bind " + shown + ":" + port + ": Address already in use"), second.stderr());
            }

            InetSocketAddress server = new InetSocketAddress("127.0.0.1", port);
            try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                client.setSoTimeout(5_000);
                for (int i = 0; i < 100; i++) {
                    byte[] payload = {(byte) i, 42};
                    assertArrayEquals(payload, roundTrip(client, server, payload), "datagram " + i);
                }
            }
            for (int i = 0; i < 16; i++) { // and from many source ports, which a group spreads over its loops
                try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                    client.setSoTimeout(5_000);
                    byte[] payload = {(byte) i, 43};
                    assertArrayEquals(payload, roundTrip(client, server, payload), "source " + i);
                }
            }
        }
    }

    @ParameterizedTest(name = "--threads {0}")
    @ValueSource(strings = {"1", "4"})
    void withSharePortTwoDaemonsShareThePortOnPurposeAndBothAnswer(String threads) throws Exception {
        try (DaemonProcess a = DaemonProcess.start(JAR, "--port", "0", "--share-port", "--stats-interval", "200ms",
                "--threads", threads)) {
            int port = a.awaitPort();
            try (DaemonProcess b = DaemonProcess.start(JAR, "--port", Integer.toString(port), "--share-port",
                    "--stats-interval", "200ms", "--threads", threads)) {
                assertEquals(port, b.awaitPort());
                InetSocketAddress server = new InetSocketAddress("127.0.0.1", port);
                List<DatagramSocket> clients = new ArrayList<>();
                try {
                    for (int i = 0; i < 64; i++) { // the kernel spreads by source address and port
                        DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
                        client.setSoTimeout(5_000);
                        clients.add(client);
                        assertArrayEquals(new byte[] {(byte) i}, roundTrip(client, server, new byte[] {(byte) i}));
                    }
                } finally {
                    clients.forEach(DatagramSocket::close);
                }
                await().atMost(Duration.ofSeconds(5)).until(() -> received(a) + received(b) == 64);
                System.out.printf("[measure] --share-port --threads %s: 64 sources answered, %d by one daemon, %d by"
                        + " the other%n", threads, received(a), received(b));
                await().atMost(Duration.ofSeconds(1)).until(() -> received(a) > 0 && received(b) > 0);
            }
        }
    }

    private static long received(DaemonProcess daemon) {
        long last = 0;
        for (String line : daemon.stdout()) {
            Matcher m = RECEIVED.matcher(line);
            if (m.find()) {
                last = Long.parseLong(m.group(1));
            }
        }
        return last;
    }

    private static byte[] roundTrip(DatagramSocket client, InetSocketAddress server, byte[] payload) throws Exception {
        client.send(new DatagramPacket(payload, payload.length, server));
        DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
        client.receive(reply);
        return Arrays.copyOf(reply.getData(), reply.getLength());
    }
}
