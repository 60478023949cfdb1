package io.nioreactor.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Where and how a comparison ran, for its table and its picture: the machine, the JDK, the
 * pinning and the date. A figure without them cannot be compared with another.
 *
 * @param machine the CPU model and the cores the JVM sees
 * @param jdk     the JDK of the load (and of the servers unless {@code --server-java} says otherwise)
 * @param pinning how the server and the load shared the cores
 * @param date    when it ran, UTC, to the minute
 */
record RunContext(String machine, String jdk, String pinning, String date) {

    /** What this JVM sees now. */
    static RunContext here(Pinning pinning, String serverJava) {
        String jdk = "JDK " + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.vendor")
                + ")" + (serverJava == null ? "" : ", servers on " + serverJava);
        return new RunContext(cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores", jdk,
                pinning.describe(), ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern(
                        "uuuu-MM-dd HH:mm 'UTC'")));
    }

    /** {@return one line: machine; JDK; pinning; date} */
    String line() {
        return machine + "; " + jdk + "; " + pinning + "; " + date;
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim().replaceAll("\\s+", " ");
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the architecture will do
        }
        return System.getProperty("os.arch");
    }
}
