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
            await().atMost(20, TimeUnit.SECONDS).until(() -> daemon.stdout().stream().anyMatch(l -> l.contains("listening on")));
            String startMessage = null;
            for (String line : daemon.stdout()) {
                if (!line.endsWith("}")) {
                    continue; // still being written; every line is parsed once the daemon has exited
                }
                JsonNode event = json.readTree(line);
                // The daemon's start line; at DEBUG each loop's listener also logs "listening on ADDRESS".
                if (event.get("formattedMessage").asText().startsWith("listening on tcp ")) {
                    startMessage = event.get("formattedMessage").asText();
                }
            }
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

    @Test
    void anUnknownFormatIsRefusedInOneLine() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(TcpEchoDaemonIT.JAR, "--port", "0", "--log-format", "yaml")) {
            assertEquals(2, daemon.awaitExit(Duration.ofSeconds(20)));
            assertEquals(List.of("Invalid value for option '--log-format': 'yaml' is not text or json (try --help)"),
                    daemon.stderr());
        }
    }
}
