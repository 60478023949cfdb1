package io.nioreactor.tcp;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nioreactor.daemon.DaemonProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator uses: the Prometheus endpoint read with {@code curl}, a pid file for
 * {@code jcmd}, and JSON log lines whose stats figures are fields a log shipper reads.
 */
@Timeout(60)
class TcpEchoDaemonOperationsIT {

    private static final Pattern METRICS_AT = Pattern.compile("metrics for Prometheus at http://(\\S+)/metrics");
    private static final Pattern ACCEPTED = Pattern.compile(
            "(?m)^nioreactor_connections_accepted_total\\{group=\"tcp-echo\",loop=\"tcp-echo-\\d\"} (\\S+)$");

    /** The figures of the TCP daemon's stats line, each a member of a JSON line of its own. */
    private static final List<String> STATS_FIGURES = List.of("open", "accepted", "acceptedPerSecond", "closed",
            "closedPerSecond", "rejected", "acceptPauses", "bytesRead", "bytesReadPerSecond", "bytesWritten",
            "bytesWrittenPerSecond", "queuedBytes", "peakQueuedBytes", "maxQueuedBytes", "budgetExhaustions",
            "allocationFailures", "longestRecentIterationMillis", "blockedIterations");

    @Test
    void theMetricsEndpointAnswersCurlWithCountersThatCountTheTraffic(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl is not installed");
        Path pidFile = dir.resolve("tcp-echo.pid");
        try (DaemonProcess daemon = DaemonProcess.start(TcpEchoDaemonIT.JAR, "--port", "0", "--threads", "2",
                "--metrics", "127.0.0.1:0", "--pid-file", pidFile.toString())) {
            int port = daemon.awaitPort();
            Matcher at = METRICS_AT.matcher(String.join("\n", daemon.stdout()));
            assertTrue(at.find(), "the endpoint's address is logged: " + daemon.stdout());
            String url = "http://" + at.group(1) + "/metrics";
            assertEquals(Long.toString(daemon.pid()), Files.readString(pidFile).trim(), "the pid file, for jcmd");

            Curl before = curl(url);
            assertEquals(200, before.status, before.body);
            assertTrue(before.contentType.startsWith("text/plain; version=0.0.4"), before.contentType);
            double acceptedBefore = accepted(before.body);
            for (int i = 0; i < 10; i++) {
                EchoClients.echoOnce(new InetSocketAddress("127.0.0.1", port), "scraped".getBytes(), 10_000);
            }
            // Exactly: the ten echoed, and the one connection of this scrape (the first was counted in the first).
            String body = curl(url).body;
            assertEquals(acceptedBefore + 10 + 1, accepted(body), "accepted, summed over the loops");
            assertTrue(body.contains("# TYPE nioreactor_bytes_read_total counter"), "a counter, typed");
            assertTrue(body.contains("# TYPE nioreactor_queued_bytes gauge"), "a gauge, typed");
            assertTrue(body.contains("jvm_memory_used_bytes"), "and the JVM's");

            assertEquals(404, curl("http://" + at.group(1) + "/other").status);
            assertEquals(405, status("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", at.group(1)));
            assertEquals(431, status("GET /metrics HTTP/1.1\r\nX-Long: " + "x".repeat(9000) + "\r\n\r\n", at.group(1)));
            assertEquals(400, status("HELLO\r\n\r\n", at.group(1)));
            assertEquals(List.of(200, 200), keptAlive(at.group(1)), "two scrapes on one connection");

            daemon.terminate();
            assertEquals(0, daemon.awaitExit(Duration.ofSeconds(15)));
            assertFalse(Files.exists(pidFile), "removed at the graceful exit");
        }
    }

    @Test
    void jsonLogLinesHaveAnIsoTimestampAndTheStatsFiguresAsFields() throws Exception {
        ObjectMapper json = new ObjectMapper();
        try (DaemonProcess daemon = DaemonProcess.start(TcpEchoDaemonIT.JAR, "--port", "0", "--log-format", "json",
                "--stats-interval", "200ms")) {
            await().atMost(20, TimeUnit.SECONDS).until(() -> statsLine(json, daemon.stdout()) != null);
            int port = Integer.parseInt(portOf(json, daemon.stdout()));
            EchoClients.echoOnce(new InetSocketAddress("127.0.0.1", port), new byte[1000], 10_000);
            await().atMost(10, TimeUnit.SECONDS).until(() -> {
                JsonNode last = statsLine(json, daemon.stdout());
                return last != null && fields(last).getOrDefault("bytesRead", "0").equals("1000");
            });
            JsonNode stats = statsLine(json, daemon.stdout());
            for (String line : daemon.stdout()) {
                assertTrue(parse(json, line) != null, "every line a JSON object: " + line);
            }
            Map<String, String> fields = fields(stats);
            System.out.println("[measure] a JSON stats line: " + stats);
            assertEquals("1", fields.get("accepted"));
            assertEquals("1000", fields.get("bytesWritten"));
            assertTrue(fields.containsKey("maxQueuedBytes") && fields.containsKey("blockedIterations"), fields.toString());
            assertTrue(stats.get("timestamp").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"),
                    "ISO-8601, UTC, to the millisecond: " + stats.get("timestamp"));
            assertTrue(stats.get("formattedMessage").asText().contains("read 1000 B"), "and a sentence to read");
            assertFalse(stats.has("arguments") || stats.has("message") || stats.has("kvpList"),
                    "the message once, the figures once: " + stats);
        }
    }

    /**
     * A --share-port hand-over with --metrics and --pid-file: the new daemon shares the metrics port
     * too and starts; the old one's exit leaves the new one's pid file; the new one still answers both.
     */
    @Test
    void aSharePortHandOverKeepsTheMetricsPortAndTheNewDaemonsPidFile(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl is not installed");
        Path pidFile = dir.resolve("tcp-echo.pid");
        int port = freePort();
        int metricsPort = freePort();
        String[] args = {"--port", Integer.toString(port), "--share-port", "--metrics", "127.0.0.1:" + metricsPort,
            "--pid-file", pidFile.toString()};
        try (DaemonProcess old = DaemonProcess.start(TcpEchoDaemonIT.JAR, args)) {
            old.awaitPort();
            try (DaemonProcess fresh = DaemonProcess.start(TcpEchoDaemonIT.JAR, args)) {
                assertEquals(port, fresh.awaitPort(), "the new daemon started beside the old: " + fresh.stderr());
                assertEquals(Long.toString(fresh.pid()), Files.readString(pidFile).trim());
                old.terminate();
                assertEquals(0, old.awaitExit(Duration.ofSeconds(15)));
                assertEquals(Long.toString(fresh.pid()), Files.readString(pidFile).trim(),
                        "the old daemon left the new one's pid file");
                EchoClients.echoOnce(new InetSocketAddress("127.0.0.1", port), "after".getBytes(), 10_000);
                assertEquals(200, curl("http://127.0.0.1:" + metricsPort + "/metrics").status);
                fresh.terminate();
                assertEquals(0, fresh.awaitExit(Duration.ofSeconds(15)));
                assertFalse(Files.exists(pidFile), "removed by the daemon it named");
            }
        }
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    /** An idle daemon's graceful exit has nothing to reset: no timeout line, even at DEBUG with a timeout of 0. */
    @Test
    void anIdleDaemonStopsWithoutATimeoutLine() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(TcpEchoDaemonIT.JAR, "--port", "0", "--threads", "2",
                "--log-level", "DEBUG", "--shutdown-timeout", "0")) {
            daemon.awaitPort();
            daemon.terminate();
            assertEquals(0, daemon.awaitExit(Duration.ofSeconds(15)));
            assertTrue(daemon.stdout().stream().anyMatch(l -> l.contains("loop tcp-echo-1 terminated")),
                    "the DEBUG lines are there: " + daemon.stdout());
            assertEquals(List.of(), daemon.stdout().stream().filter(l -> l.contains("timeout")
                    && !l.contains("shutting down (timeout")).toList(), "no timeout line");
        }
    }

    @Test
    void aNegativeDurationIsRefusedAsItWasWritten() throws Exception {
        for (String option : new String[] {"--stats-interval", "--idle-timeout", "--shutdown-timeout"}) {
            try (DaemonProcess daemon = DaemonProcess.start(TcpEchoDaemonIT.JAR, option, "-1s")) {
                assertEquals(2, daemon.awaitExit(Duration.ofSeconds(20)));
                assertEquals(List.of("Invalid value for option '" + option + "': -1s must not be negative (try --help)"),
                        daemon.stderr());
            }
        }
    }

    private static JsonNode statsLine(ObjectMapper json, List<String> lines) {
        JsonNode last = null;
        for (String line : lines) {
            JsonNode event = parse(json, line);
            if (event != null && event.has("blockedIterations")) {
                last = event;
            }
        }
        return last;
    }

    private static String portOf(ObjectMapper json, List<String> lines) {
        for (String line : lines) {
            JsonNode event = parse(json, line);
            String message = event == null ? "" : event.path("formattedMessage").asText();
            if (message.startsWith("listening on tcp ")) {
                return message.substring(message.lastIndexOf(':') + 1);
            }
        }
        throw new AssertionError("no start line: " + lines);
    }

    private static JsonNode parse(ObjectMapper json, String line) {
        try {
            return json.readTree(line);
        } catch (IOException stillBeingWritten) {
            return null;
        }
    }

    /** The members of a stats line that are numbers, the figures, as a map: any other kind fails the test. */
    private static Map<String, String> fields(JsonNode event) {
        Map<String, String> fields = new HashMap<>();
        for (String figure : STATS_FIGURES) {
            JsonNode value = event.get(figure);
            assertTrue(value != null && value.isIntegralNumber(), figure + " is a number of its own: " + event);
            fields.put(figure, value.asText());
        }
        return fields;
    }

    private static double accepted(String body) {
        Matcher m = ACCEPTED.matcher(body);
        double sum = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
        }
        return sum;
    }

    /** What curl answered: the status, the content type, the body. */
    private record Curl(int status, String contentType, String body) {
    }

    private static Curl curl(String url) throws IOException, InterruptedException {
        Process curl = new ProcessBuilder("curl", "-s", "-w", "\n%{http_code} %{content_type}", url)
                .redirectErrorStream(true).start();
        String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, curl.waitFor(), out);
        int last = out.lastIndexOf('\n');
        String[] statusAndType = out.substring(last + 1).split(" ", 2);
        return new Curl(Integer.parseInt(statusAndType[0]), statusAndType.length > 1 ? statusAndType[1] : "",
                out.substring(0, last));
    }

    /** Sends a raw request and reads the status of the answer. */
    private static int status(String request, String hostPort) throws IOException {
        try (Socket socket = socket(hostPort)) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return statusOf(socket.getInputStream());
        }
    }

    /** Two requests on one connection, each answered. */
    private static List<Integer> keptAlive(String hostPort) throws IOException {
        try (Socket socket = socket(hostPort)) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            int first = statusAndSkipBody(in);
            out.write("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            return List.of(first, statusAndSkipBody(in));
        }
    }

    private static Socket socket(String hostPort) throws IOException {
        int colon = hostPort.lastIndexOf(':');
        Socket socket = new Socket(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static int statusOf(InputStream in) throws IOException {
        String head = readHead(in);
        return Integer.parseInt(head.substring(9, 12));
    }

    private static int statusAndSkipBody(InputStream in) throws IOException {
        String head = readHead(in);
        Matcher length = Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
        assertTrue(length.find(), head);
        in.readNBytes(Integer.parseInt(length.group(1)));
        return Integer.parseInt(head.substring(9, 12));
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("ended after " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }
}
