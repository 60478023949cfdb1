package io.nioreactor.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** How compare --pin splits the CPUs this process may use. */
class PinningTest {

    @Test
    void aCpuListIsReadAsTheKernelWritesIt() {
        assertEquals(List.of(0, 1, 2, 3, 8, 10, 11), Pinning.parseCpuList("0-3,8,10-11"));
        assertEquals(List.of(5), Pinning.parseCpuList("5"));
    }

    @Test
    void withoutTasksetItSaysSoOnceAndCountsTheThreadsCores() {
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        Pinning pinning = Pinning.split(1, 1, "/nonexistent", new PrintStream(said, true, StandardCharsets.UTF_8));
        assertFalse(pinning.pinned());
        assertEquals("taskset not found on the PATH: running unpinned" + System.lineSeparator(),
                said.toString(StandardCharsets.UTF_8));
        assertEquals(List.of(), pinning.serverPrefix());
        assertEquals(List.of(), pinning.clientPrefix());
        assertEquals(1, pinning.serverCores(), "one server thread: one core");
        assertEquals(1, pinning.clientCores(), "one load thread: one core");
    }

    @Test
    void onEightAllowedCpusTheServerTakesItsThreadsWorthAndTheLoadCountsOnlyWhatItsThreadsKeepBusy() {
        List<Integer> cpus = List.of(2, 3, 4, 5, 8, 9, 10, 11); // a cgroup's share, not 0..7
        Pinning one = Pinning.over(cpus, 1, 1);
        assertEquals("2", one.serverCpus());
        assertEquals("3,4,5,8,9,10,11", one.clientCpus());
        assertEquals(1, one.serverCores());
        assertEquals(1, one.clientCores(), "one load thread keeps one core busy, however many it may use");

        Pinning wide = Pinning.over(cpus, 2, 4);
        assertEquals("2,3", wide.serverCpus());
        assertEquals("4,5,8,9,10,11", wide.clientCpus());
        assertEquals(4, wide.clientCores());
        assertEquals(List.of("taskset", "-c", "2,3"), wide.serverPrefix());

        Pinning greedy = Pinning.over(List.of(0, 1), 8, 8);
        assertEquals("0", greedy.serverCpus(), "all but one at most for the server");
        assertEquals(1, greedy.clientCores());
    }

    @Test
    void theAllowedCpusAreThoseOfTheKernelsMaskForThisProcess() throws Exception {
        List<Integer> fromMask = cpusOfTheAllowedMask();
        Assumptions.assumeTrue(fromMask != null, "no Cpus_allowed in /proc/self/status (not Linux)");
        assertEquals(fromMask, Pinning.allowedCpus(), "Cpus_allowed_list as read, against the hex mask Cpus_allowed");
    }

    @Test
    void withTasksetOnThisMachineTheSplitUsesOnlyTheCpusThisProcessMayUse() throws Exception {
        String path = System.getenv("PATH");
        Assumptions.assumeTrue(Pinning.findOnPath("taskset", path) != null, "taskset is not on the PATH");
        // Expected from the kernel's bitmask, not from Pinning's own reading of the list.
        List<Integer> allowed = cpusOfTheAllowedMask();
        Assumptions.assumeTrue(allowed != null, "no Cpus_allowed in /proc/self/status (not Linux)");
        Assumptions.assumeTrue(allowed.size() >= 2, "one CPU allowed (" + allowed + "): nothing to split");
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        Pinning pinning = Pinning.split(1, 1, path, new PrintStream(said, true, StandardCharsets.UTF_8));

        assertEquals("", said.toString(StandardCharsets.UTF_8), "pinned: nothing to say");
        assertTrue(pinning.pinned());
        String first = Integer.toString(allowed.get(0));
        String rest = allowed.subList(1, allowed.size()).stream().map(String::valueOf)
                .collect(Collectors.joining(","));
        assertEquals(first, pinning.serverCpus(), "one server thread: the first allowed CPU");
        assertEquals(rest, pinning.clientCpus(), "the load: every other allowed CPU, in order");
        assertEquals(1, pinning.serverCores());
        assertEquals(1, pinning.clientCores(), "one load thread");
        assertEquals(List.of("taskset", "-c", first), pinning.serverPrefix());
        assertEquals(List.of("taskset", "-c", rest), pinning.clientPrefix());
    }

    /**
     * The CPUs of {@code Cpus_allowed} in {@code /proc/self/status}: the kernel's hex mask
     * (32-bit words, most significant first, comma-separated), read here independently of the
     * {@code Cpus_allowed_list} that {@link Pinning#allowedCpus()} parses; {@code null} if absent.
     */
    private static List<Integer> cpusOfTheAllowedMask() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return null;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("Cpus_allowed:")) {
                BigInteger mask = new BigInteger(line.substring("Cpus_allowed:".length()).trim().replace(",", ""), 16);
                List<Integer> cpus = new ArrayList<>();
                for (int cpu = mask.getLowestSetBit(); cpu >= 0 && cpu < mask.bitLength(); cpu++) {
                    if (mask.testBit(cpu)) {
                        cpus.add(cpu);
                    }
                }
                return cpus;
            }
        }
        return null;
    }
}
