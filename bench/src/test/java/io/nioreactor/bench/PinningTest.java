package io.nioreactor.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
    void withTasksetOnThisMachineTheSplitUsesOnlyTheCpusThisProcessMayUse() {
        String path = System.getenv("PATH");
        Assumptions.assumeTrue(Pinning.findOnPath("taskset", path) != null, "taskset is not on the PATH");
        List<Integer> allowed = Pinning.allowedCpus();
        Assumptions.assumeTrue(allowed.size() >= 2, "one CPU");
        Pinning pinning = Pinning.split(1, 1, path, new PrintStream(new ByteArrayOutputStream()));
        assertTrue(pinning.pinned());
        List<Integer> server = Pinning.parseCpuList(pinning.serverCpus());
        List<Integer> client = Pinning.parseCpuList(pinning.clientCpus());
        Set<Integer> both = new HashSet<>(server);
        both.retainAll(client);
        assertEquals(Set.of(), both, "disjoint");
        assertTrue(allowed.containsAll(server) && allowed.containsAll(client), "only CPUs this process may use");
    }
}
