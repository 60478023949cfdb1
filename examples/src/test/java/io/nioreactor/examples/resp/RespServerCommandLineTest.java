package io.nioreactor.examples.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** A wrong flag: exit 2 and one line naming it, before anything is started. */
class RespServerCommandLineTest {

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "--threads, 0, '--threads must be at least 1, not 0'",
        "--max-request, 10, '--max-request must be at least 64, not 10'",
        "--port, 70000, '--port must be within 0..65535, not 70000'",
        "--busy-poll-us, 2000, '--busy-poll-us must be within 0..1000, not 2000'",
        "--busy-poll-us, -1, '--busy-poll-us must be within 0..1000, not -1'",
    })
    void aWrongFlagIsNamedInOneLineAndExitsTwo(String flag, String value, String message) {
        assertEquals(message + System.lineSeparator(), errorOf(flag, value));
    }

    @Test
    void aValueThatIsNoNumberOrAnUnknownFlagIsOneLineTooNotTheWholeUsage() {
        assertEquals("Invalid value for option '--port': 'abc' is not an int (try --help)" + System.lineSeparator(),
                errorOf("--port", "abc"));
        assertEquals("Unknown option: '--no-such-flag' (try --help)" + System.lineSeparator(),
                errorOf("--no-such-flag"));
    }

    /** What the command line prints on stderr for {@code args}, having exited 2. */
    private static String errorOf(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        int exit;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            exit = RespServer.commandLine().execute(args);
        } finally {
            System.setErr(original);
        }
        assertEquals(2, exit);
        return err.toString(StandardCharsets.UTF_8);
    }
}
