package io.nioreactor.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code compare --pin} run as a user runs it: the built jar, with and without taskset on the PATH. */
@Timeout(180)
class ComparePinIT {

    private static final Path JAR = Path.of("target", "bench.jar");

    private static Process compare(Path dir, String path, Path json) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString(), "compare", "--pin", "--impls", "reactor", "--scenarios", "pipelined,udp",
                "--rounds", "1", "--duration", "1s", "--warmup", "0", "--json", json.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile());
        builder.environment().put("PATH", path);
        Process process = builder.start();
        assertTrue(process.waitFor(150, TimeUnit.SECONDS), "compare did not end");
        return process;
    }

    @Test
    void withoutTasksetOnThePathItSaysSoInOneLineAndRunsUnpinned(@TempDir Path dir) throws Exception {
        Path empty = Files.createDirectory(dir.resolve("bin"));
        Process process = compare(dir, empty.toString(), dir.resolve("r.json"));

        List<String> out = Files.readAllLines(dir.resolve("out.txt"));
        assertEquals(0, process.exitValue(), String.join("\n", out) + Files.readString(dir.resolve("err.txt")));
        List<String> said = out.stream().filter(l -> l.contains("taskset")).collect(Collectors.toList());
        assertEquals(List.of("taskset not found on the PATH: running unpinned"), said);
        assertTrue(out.stream().anyMatch(l -> l.contains("unpinned: the load generator on this reactor in this JVM")),
                String.join("\n", out));
    }

    @Test
    void withTasksetTheServerAndTheLoadRunOnCoresOfTheirOwnAndBothCpusAreReported(@TempDir Path dir) throws Exception {
        String path = System.getenv("PATH");
        Assumptions.assumeTrue(Pinning.findOnPath("taskset", path) != null, "taskset is not on this machine's PATH");
        // The CPUs this process may run on (its cpuset, as taskset -p would show), which compare inherits.
        List<Integer> allowed = Pinning.allowedCpus();
        Assumptions.assumeTrue(allowed.size() >= 2, "this process may run on " + allowed.size() + " CPU(s) only ("
                + allowed + "): nothing to pin apart");
        // One server thread (compare's default): the server on the first allowed CPU, the load on all the others.
        String serverCpus = Integer.toString(allowed.get(0));
        String loadCpus = allowed.subList(1, allowed.size()).stream().map(String::valueOf)
                .collect(Collectors.joining(","));
        Path json = dir.resolve("r.json");
        Process process = compare(dir, path, json);

        List<String> out = Files.readAllLines(dir.resolve("out.txt"));
        assertEquals(0, process.exitValue(), String.join("\n", out) + Files.readString(dir.resolve("err.txt")));
        String pinned = "server pinned to cores " + serverCpus + ", load (its own JVM) to " + loadCpus;
        assertTrue(out.stream().anyMatch(l -> l.contains(pinned)), "expected \"" + pinned + "\" (allowed CPUs "
                + allowed + ") in:\n" + String.join("\n", out));
        String rows = Files.readString(json);
        JsonNode all = new ObjectMapper().readTree(rows);
        for (String scenario : List.of("pipelined", "udp")) {
            JsonNode row = null;
            for (JsonNode r : all) {
                if (scenario.equals(r.path("scenario").asText())) {
                    row = r;
                }
            }
            assertTrue(row != null, scenario + " missing: " + rows);
            // Present and above zero: a missing field must fail, not pass as "not 0.000".
            assertTrue(row.path("clientCpuSeconds").asDouble(0) > 0, "the load's CPU, read from its own JVM: " + row);
            assertTrue(row.path("cpuSeconds").asDouble(0) > 0, "the server's CPU: " + row);
            assertTrue(row.path("value").asDouble(0) > 0, "this run echoed nothing: " + row);
            assertEquals(1, row.path("serverCores").asInt(-1), "the server on its one core: " + row);
            assertEquals(1, row.path("clientCores").asInt(-1), "one load thread on the other cores: " + row);
        }
    }
}
