package io.nioreactor.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Netty's native transports load native code, which Java 24+ warns about unless allowed: the
 * jar's manifest allows it, so the bench's servers start without a warning on 17 and on 25.
 */
@Timeout(60)
class NativeAccessIT {

    @ParameterizedTest
    @ValueSource(strings = {"", "/usr/lib/jvm/temurin-25-jdk-amd64"})
    void nettyEpollStartsWithoutANativeAccessWarning(String javaHome, @org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path java = Path.of(javaHome.isEmpty() ? System.getProperty("java.home") : javaHome, "bin", "java");
        Assumptions.assumeTrue(Files.isExecutable(java), java + " is not on this machine");
        Path output = dir.resolve("server.log");
        Process server = new ProcessBuilder(java.toString(), "-jar", Path.of("target", "bench.jar").toString(), "server",
                "--impl", "netty-epoll", "--port", "0").redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            org.awaitility.Awaitility.await().atMost(30, TimeUnit.SECONDS)
                    .until(() -> Files.readString(output).contains("listening on tcp"));
        } finally {
            server.destroy();
            assertTrue(server.waitFor(10, TimeUnit.SECONDS));
        }
        List<String> warnings = Files.readAllLines(output).stream().filter(l -> l.contains("WARNING"))
                .collect(Collectors.toList());
        assertEquals(List.of(), warnings, java.toString());
    }
}
