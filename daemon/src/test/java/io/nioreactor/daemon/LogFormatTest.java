package io.nioreactor.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** --log-format json: every line the console gets is one JSON object, a WARN's stack trace included. */
class LogFormatTest {

    @Test
    void jsonLinesCarryTheFormattedMessageAndTheThrowable() throws Exception {
        PrintStream console = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            LogFormat.JSON.apply();
            Logger log = LoggerFactory.getLogger("Serving");
            log.info("listening on {} {}", "tcp", "127.0.0.1:7007");
            log.warn("a connection failed", new IOException("boom"));
        } finally {
            System.setOut(console);
        }
        ObjectMapper json = new ObjectMapper();
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank())
                .collect(java.util.stream.Collectors.toList());
        assertEquals(2, lines.size(), lines.toString());
        JsonNode start = json.readTree(lines.get(0));
        assertEquals("INFO", start.get("level").asText());
        assertEquals("listening on tcp 127.0.0.1:7007", start.get("formattedMessage").asText());
        JsonNode warning = json.readTree(lines.get(1));
        assertEquals("WARN", warning.get("level").asText());
        assertEquals("boom", warning.get("throwable").get("message").asText());
        assertTrue(warning.get("throwable").get("stepArray").size() > 0, "the stack trace: " + lines.get(1));
    }
}
