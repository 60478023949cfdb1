package io.nioreactor.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
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
            assertTrue(arguments.contains("-XX:AutoBoxCacheMax=65536"), arguments.toString());
            assertTrue(arguments.indexOf("-Xmx256m") > arguments.indexOf("-Xmx512m"), "the user's -Xmx comes last: "
                    + arguments);
        }
    }
}
