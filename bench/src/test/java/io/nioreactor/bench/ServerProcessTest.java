package io.nioreactor.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** compare's servers get the JVM options asked for with --server-java-opts. */
class ServerProcessTest {

    @Test
    void theServersJvmGetsTheOptionsAfterTheDefaults() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try (ServerProcess server = ServerProcess.start(List.of(), java,
                List.of("-XX:AutoBoxCacheMax=65536", "-Xmx256m"), "reactor", "tcp", 1)) {
            // /proc/PID/cmdline: the arguments, each ended by a NUL
            List<String> arguments = Arrays.asList(
                    Files.readString(Path.of("/proc", Long.toString(server.pid()), "cmdline")).split("\u0000"));
            String shown = shown(arguments);
            // Every flag present first: indexOf of a missing one is -1, which would pass any order check.
            int defaultXmx = arguments.indexOf("-Xmx512m");
            int userBoxCache = arguments.indexOf("-XX:AutoBoxCacheMax=65536");
            int userXmx = arguments.indexOf("-Xmx256m");
            int mainClass = arguments.indexOf(BenchMain.class.getName());
            assertTrue(defaultXmx >= 0, "the default -Xmx512m is passed: " + shown);
            assertTrue(userBoxCache >= 0, "the user's -XX:AutoBoxCacheMax=65536 is passed: " + shown);
            assertTrue(userXmx >= 0, "the user's -Xmx256m is passed: " + shown);
            assertTrue(mainClass >= 0, "the main class is passed: " + shown);
            // Then the order: the defaults, the user's options as given, then the main class and its arguments.
            assertTrue(defaultXmx < userBoxCache, "the user's options come after the defaults: " + shown);
            assertEquals(userBoxCache + 1, userXmx, "the user's options in the order given, together: " + shown);
            assertTrue(userXmx < mainClass, "JVM options before the main class: " + shown);
            assertEquals(1, arguments.stream().filter(a -> a.equals("-Xmx256m")).count(), "once: " + shown);
            assertEquals(List.of("server", "--impl", "reactor", "--proto", "tcp", "--port", "0", "--threads", "1"),
                    arguments.subList(mainClass + 1, arguments.size()), "the server's own arguments: " + shown);
        }
    }

    /** The command line for a failure message, the long class path left out. */
    private static String shown(List<String> arguments) {
        int cp = arguments.indexOf("-cp");
        if (cp < 0 || cp + 1 >= arguments.size()) {
            return arguments.toString();
        }
        List<String> shown = new ArrayList<>(arguments);
        shown.set(cp + 1, "...");
        return shown.toString();
    }
}
