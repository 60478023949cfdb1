package io.nioreactor.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the server and the load may run: with {@code compare --pin}, the server on the first
 * cores and the load (a JVM of its own) on the others, each under {@code taskset}, so neither
 * takes the other's CPU; unpinned, both anywhere.
 *
 * @param serverCpus the cores the server may use, as taskset writes them ({@code 0} or {@code 0-1}),
 *                   or {@code null} unpinned
 * @param clientCpus the cores the load may use, or {@code null} unpinned
 * @param serverCores how many cores the server may use
 * @param clientCores how many cores the load can keep busy: its threads, at most its cores
 */
record Pinning(String serverCpus, String clientCpus, int serverCores, int clientCores) {

    /** Both anywhere: the server may use as many cores as it has threads, the load as many as it has. */
    static Pinning none(int serverThreads, int clientThreads) {
        int cores = Runtime.getRuntime().availableProcessors();
        return new Pinning(null, null, Math.min(cores, serverThreads), Math.min(cores, clientThreads));
    }

    /**
     * The server on {@code serverThreads} cores (at most all but one), the load on the rest; or
     * unpinned, said in one line on {@code why}, where {@code taskset} is not on the PATH or
     * there is a single core.
     */
    static Pinning split(int serverThreads, int clientThreads, String path, java.io.PrintStream why) {
        List<Integer> cpus = allowedCpus();
        if (findOnPath("taskset", path) == null) {
            why.println("taskset not found on the PATH: running unpinned");
            return none(serverThreads, clientThreads);
        }
        if (cpus.size() < 2) {
            why.println("one core: running unpinned");
            return none(serverThreads, clientThreads);
        }
        return over(cpus, serverThreads, clientThreads);
    }

    /**
     * The first CPUs of {@code cpus} for the server (as many as its threads, all but one at most),
     * the rest for the load, which keeps as many busy as it has threads.
     */
    static Pinning over(List<Integer> cpus, int serverThreads, int clientThreads) {
        int server = Math.max(1, Math.min(serverThreads, cpus.size() - 1));
        List<Integer> serverCpus = cpus.subList(0, server);
        List<Integer> clientCpus = cpus.subList(server, cpus.size());
        return new Pinning(list(serverCpus), list(clientCpus), server, Math.min(clientThreads, clientCpus.size()));
    }

    /**
     * The CPUs this process may run on (a container or a cgroup may allow only some), from
     * {@code Cpus_allowed_list} in {@code /proc/self/status}; 0..n-1 where that cannot be read.
     */
    static List<Integer> allowedCpus() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    return parseCpuList(line.substring("Cpus_allowed_list:".length()).trim());
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux, or not readable: fall back to the count the JVM sees
        }
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
            all.add(i);
        }
        return all;
    }

    /** {@code 0-3,8,10-11} as a list of CPU numbers. */
    static List<Integer> parseCpuList(String list) {
        List<Integer> cpus = new ArrayList<>();
        for (String part : list.split(",")) {
            String[] bounds = part.trim().split("-");
            int from = Integer.parseInt(bounds[0]);
            int to = bounds.length > 1 ? Integer.parseInt(bounds[1]) : from;
            for (int cpu = from; cpu <= to; cpu++) {
                cpus.add(cpu);
            }
        }
        return cpus;
    }

    boolean pinned() {
        return serverCpus != null;
    }

    /** The command prefix that pins a process to the server's cores (empty unpinned). */
    List<String> serverPrefix() {
        return prefix(serverCpus);
    }

    /** The command prefix that pins a process to the load's cores (empty unpinned). */
    List<String> clientPrefix() {
        return prefix(clientCpus);
    }

    String describe() {
        return pinned() ? "server pinned to cores " + serverCpus + ", load (its own JVM) to " + clientCpus
                : "unpinned: the load generator on this reactor in this JVM";
    }

    private static List<String> prefix(String cpus) {
        List<String> prefix = new ArrayList<>();
        if (cpus != null) {
            prefix.add("taskset");
            prefix.add("-c");
            prefix.add(cpus);
        }
        return prefix;
    }

    /** A list of CPUs as taskset takes it: {@code 0}, {@code 2,3}. */
    private static String list(List<Integer> cpus) {
        StringBuilder list = new StringBuilder();
        for (int cpu : cpus) {
            list.append(list.length() == 0 ? "" : ",").append(cpu);
        }
        return list.toString();
    }

    /** The executable {@code name} in a directory of {@code path}, or {@code null}. */
    static Path findOnPath(String name, String path) {
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
