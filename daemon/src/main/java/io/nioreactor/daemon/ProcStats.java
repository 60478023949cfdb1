package io.nioreactor.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** What Linux's /proc tells about a process: descriptors, memory, CPU time. */
public final class ProcStats {

    /** Clock ticks per second of /proc/PID/stat times (USER_HZ, 100 on Linux). */
    public static final int TICKS_PER_SECOND = 100;

    private ProcStats() {
    }

    /**
     * @param pid a process id
     * @return its open file descriptors
     * @throws IOException if /proc cannot be read
     */
    public static int openFileDescriptors(long pid) throws IOException {
        try (Stream<Path> entries = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return (int) entries.count();
        }
    }

    /**
     * @param pid a process id
     * @return its resident set size (VmRSS) in KiB
     * @throws IOException if /proc cannot be read
     */
    public static long residentKib(long pid) throws IOException {
        return statusKib(pid, "VmRSS:");
    }

    /**
     * @param pid a process id
     * @return its peak resident set size (VmHWM) in KiB
     * @throws IOException if /proc cannot be read
     */
    public static long peakResidentKib(long pid) throws IOException {
        return statusKib(pid, "VmHWM:");
    }

    /**
     * @param pid a process id
     * @return user plus system CPU time in ticks of {@link #TICKS_PER_SECOND}
     * @throws IOException if /proc cannot be read
     */
    public static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static long statusKib(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IOException("no " + field + " in /proc/" + pid + "/status");
    }
}
