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
            resetLogback();
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

    /** Key-value pairs as members of their own: numbers as numbers, odd keys and values still valid JSON. */
    @Test
    void keyValuePairsAreMembersOfTheirOwnAndEveryLineStaysValidJson() throws Exception {
        PrintStream console = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            LogFormat.JSON.apply();
            LoggerFactory.getLogger("Serving").atInfo().addKeyValue("open", 3L).addKeyValue("rate", 2.5)
                    .addKeyValue("nan", Double.NaN).addKeyValue("big", new java.math.BigDecimal("12.50"))
                    .addKeyValue("quote\"d\n", "a \"value\" with\ttabs\u0001").addKeyValue("level", "mine")
                    .addKeyValue("open", 4L).addKeyValue("nothing", (Object) null).log("stats");
        } finally {
            System.setOut(console);
            resetLogback();
        }
        String line = captured.toString(StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).findFirst()
                .orElseThrow();
        JsonNode event = new ObjectMapper().readTree(line); // valid JSON, or this throws
        assertTrue(event.get("open").isIntegralNumber() && event.get("open").asLong() == 3, "first of two: " + line);
        assertEquals(1, line.split("\"open\":", -1).length - 1, "no duplicate member: " + line);
        assertTrue(event.get("rate").isDouble(), line);
        assertTrue(event.get("nan").isNull(), "not finite: null, so the field keeps one type: " + line);
        assertTrue(event.get("big").isNumber(), line);
        assertEquals("a \"value\" with\ttabs\u0001", event.get("quote\"d\n").asText());
        assertEquals("INFO", event.get("level").asText(), "the encoder's own member is not shadowed");
        assertEquals("mine", event.get("kvp.level").asText());
        assertTrue(event.get("nothing").isNull());
    }

    @Test
    void aUsersRollingFileAndAsyncConsoleTurnJsonToo(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = dir.resolve("daemon.log");
        String configuration = "<configuration>"
                + "<appender name='FILE' class='ch.qos.logback.core.rolling.RollingFileAppender'>"
                + "<file>" + file + "</file>"
                + "<rollingPolicy class='ch.qos.logback.core.rolling.TimeBasedRollingPolicy'>"
                + "<fileNamePattern>" + dir.resolve("daemon.%d.log") + "</fileNamePattern></rollingPolicy>"
                + "<encoder><pattern>%msg%n</pattern></encoder></appender>"
                + "<appender name='CONSOLE' class='ch.qos.logback.core.ConsoleAppender'>"
                + "<encoder><pattern>%msg%n</pattern></encoder></appender>"
                + "<appender name='ASYNC' class='ch.qos.logback.classic.AsyncAppender'><appender-ref ref='CONSOLE'/></appender>"
                + "<root level='INFO'><appender-ref ref='FILE'/><appender-ref ref='ASYNC'/></root>"
                + "</configuration>";
        ch.qos.logback.classic.LoggerContext context = (ch.qos.logback.classic.LoggerContext) LoggerFactory.getILoggerFactory();
        try {
            context.reset();
            ch.qos.logback.classic.joran.JoranConfigurator configurator = new ch.qos.logback.classic.joran.JoranConfigurator();
            configurator.setContext(context);
            configurator.doConfigure(new java.io.ByteArrayInputStream(configuration.getBytes(StandardCharsets.UTF_8)));

            assertEquals(2, LogFormat.JSON.apply(), "the rolling file and the console inside the async appender");
            LoggerFactory.getLogger("Serving").info("listening on {}", "tcp 127.0.0.1:7007");
            context.stop(); // flushes and closes the file
            List<String> lines = java.nio.file.Files.readAllLines(file);
            assertEquals(1, lines.size(), lines.toString());
            assertEquals("listening on tcp 127.0.0.1:7007",
                    new ObjectMapper().readTree(lines.get(0)).get("formattedMessage").asText());
        } finally {
            resetLogback();
        }
    }

    /** Back to the daemon's own configuration, for the tests after these. */
    private static void resetLogback() throws Exception {
        ch.qos.logback.classic.LoggerContext context = (ch.qos.logback.classic.LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        new ch.qos.logback.classic.util.ContextInitializer(context).autoConfig();
    }
}
