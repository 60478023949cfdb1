package io.nioreactor.tcp;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nioreactor.daemon.DaemonProcess;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** tcp-echo.jar --log-format json, as a log shipper reads it: every line a JSON object. */
class TcpEchoDaemonJsonLogIT {

    private static final Pattern ADDRESS = Pattern.compile("listening on tcp (127\\.0\\.0\\.1):(\\d+)");

    @Test
    void everyLineIsAJsonObjectAndTheStartLineNamesTheAddress() throws Exception {
        ObjectMapper json = new ObjectMapper();
        try (DaemonProcess daemon = DaemonProcess.start(TcpEchoDaemonIT.JAR, "--port", "0", "--log-format", "json",
                "--log-level", "DEBUG")) {
            // The daemon's own start line: at DEBUG each loop's listener logs "listening on ADDRESS" before it.
            await().atMost(20, TimeUnit.SECONDS).until(() -> startMessage(json, daemon.stdout()) != null || !daemon.isAlive());
            String startMessage = startMessage(json, daemon.stdout());
            Matcher address = ADDRESS.matcher(String.valueOf(startMessage));
            assertTrue(address.matches(), "start line: " + startMessage);
            InetSocketAddress server = new InetSocketAddress(address.group(1), Integer.parseInt(address.group(2)));
            try (Socket client = EchoClients.connect(server, 10_000)) {
                EchoClients.roundTrip(client, "json".getBytes(StandardCharsets.US_ASCII));
            }
            daemon.terminate();
            assertEquals(0, daemon.awaitExit(Duration.ofSeconds(15)));

            List<String> levels = new ArrayList<>();
            for (String line : daemon.stdout()) {
                JsonNode event = json.readTree(line); // throws on a line that is not JSON
                assertTrue(event.isObject(), line);
                levels.add(event.get("level").asText());
            }
            System.out.printf("[measure] --log-format json: %d lines, all JSON objects, levels %s%n",
                    levels.size(), new java.util.TreeSet<>(levels));
            assertTrue(levels.contains("DEBUG"), "the connection's DEBUG lines too: " + daemon.stdout());
        }
    }

    /** The start line's message, from the lines written whole so far; {@code null} if it is not out yet. */
    private static String startMessage(ObjectMapper json, List<String> lines) {
        for (String line : lines) {
            JsonNode event;
            try {
                event = json.readTree(line);
            } catch (com.fasterxml.jackson.core.JsonProcessingException stillBeingWritten) {
                continue; // every line is parsed strictly once the daemon has exited
            }
            String message = event.path("formattedMessage").asText();
            if (message.startsWith("listening on tcp ")) {
                return message;
            }
        }
        return null;
    }

    @Test
    void anUnknownFormatIsRefusedInOneLine() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(TcpEchoDaemonIT.JAR, "--port", "0", "--log-format", "yaml")) {
            assertEquals(2, daemon.awaitExit(Duration.ofSeconds(20)));
            assertEquals(List.of("Invalid value for option '--log-format': 'yaml' is not text or json (try --help)"),
                    daemon.stderr());
        }
    }
}
