package io.nioreactor.daemon;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * A daemon jar launched as a real process for a test: its output lines, its start line, and
 * what /proc tells of it (open file descriptors, resident memory, CPU time).
 */
public final class DaemonProcess implements AutoCloseable {

    /**
     * {@code listening on tcp 127.0.0.1:7007}, or for a socket it inherited {@code listening on inherited
     * 127.0.0.1:7007 (tcp)}; at the end of a text line, or of a JSON line's message.
     */
    private static final Pattern START_LINE = Pattern.compile(
            "listening on (?:inherited ([^\\s\"]+) \\((\\w+)\\)|(\\w+) ([^\\s\"]+))(?:$|\")");

    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private DaemonProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /**
     * Starts {@code java -jar JAR ARGS}, optionally behind a wrapper command such as prlimit.
     *
     * @param wrapper words to put before {@code java}, may be empty
     * @param jar     the daemon jar
     * @param args    the daemon's flags
     * @return the running process
     * @throws IOException if it cannot be started
     */
    public static DaemonProcess start(List<String> wrapper, Path jar, String... args) throws IOException {
        return start(wrapper, List.of("-Xmx256m"), jar, args);
    }

    /**
     * Starts {@code java JVM_OPTIONS -jar JAR ARGS}, optionally behind a wrapper command.
     *
     * @param wrapper    words to put before {@code java}, may be empty
     * @param jvmOptions options for the JVM, such as {@code -Xmx48m}
     * @param jar        the daemon jar
     * @param args       the daemon's flags
     * @return the running process
     * @throws IOException if it cannot be started
     */
    public static DaemonProcess start(List<String> wrapper, List<String> jvmOptions, Path jar, String... args)
            throws IOException {
        List<String> command = new ArrayList<>(wrapper);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of(args));
        return startCommand(command, Map.of());
    }

    /**
     * Starts a command that runs a daemon, such as a launcher script of the distribution.
     *
     * @param command     the program and its arguments
     * @param environment variables to set (or replace) in the environment it inherits
     * @return the running process
     * @throws IOException if it cannot be started
     */
    public static DaemonProcess startCommand(List<String> command, Map<String, String> environment) throws IOException {
        // Files, not pipes: reading a pipe while the process exits races with the JDK's reaper.
        Path out = Files.createTempFile("daemon", ".out");
        Path err = Files.createTempFile("daemon", ".err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(environment);
        return new DaemonProcess(builder.start(), out, err);
    }

    /**
     * @param jar  the daemon jar
     * @param args the daemon's flags
     * @return the running process
     * @throws IOException if it cannot be started
     */
    public static DaemonProcess start(Path jar, String... args) throws IOException {
        return start(List.of(), jar, args);
    }

    /**
     * Waits for the start line, on standard output or (where the daemon moved its console off an
     * inherited socket) standard error, and returns what it names.
     *
     * @return the transport ("tcp", "udp", "unix") and the address text, as two strings
     */
    public String[] awaitStartLine() {
        await().atMost(20, TimeUnit.SECONDS).until(() -> startLine() != null || !process.isAlive());
        String line = startLine();
        if (line == null) {
            throw new AssertionError("no start line; exit " + exitCodeOrNull() + ", stdout " + stdout() + ", stderr " + stderr());
        }
        Matcher m = START_LINE.matcher(line);
        m.find();
        return m.group(1) != null ? new String[] {m.group(2), m.group(1)} : new String[] {m.group(3), m.group(4)};
    }

    /** @return the port of a {@code listening on tcp|udp HOST:PORT} start line */
    public int awaitPort() {
        String address = awaitStartLine()[1];
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    /** @return the start line, or {@code null} before it is printed */
    public String startLine() {
        List<String> lines = new ArrayList<>(stdout());
        lines.addAll(stderr());
        for (String line : lines) {
            if (START_LINE.matcher(line).find()) {
                return line;
            }
        }
        return null;
    }

    /** @return whether the process is still running */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** @return the lines printed on stdout so far */
    public List<String> stdout() {
        return lines(stdout);
    }

    /** @return the lines printed on stderr so far */
    public List<String> stderr() {
        return lines(stderr);
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the process id */
    public long pid() {
        return process.pid();
    }

    /** Sends SIGTERM. */
    public void terminate() {
        process.destroy();
    }

    /**
     * Sends a signal by name through the shell's {@code kill}, for the signals the JDK cannot
     * send itself (it sends only SIGTERM and SIGKILL).
     *
     * @param name the signal, such as {@code INT}
     * @throws IOException          if the shell cannot be started
     * @throws InterruptedException if interrupted
     */
    public void signal(String name) throws IOException, InterruptedException {
        // A process started in the background by a non-interactive shell ignores SIGINT, its
        // children inherit that, and the JVM then installs no handler: nothing to test there.
        Assumptions.assumeFalse(ignores(name), () -> "the daemon inherited SIG" + name
                + " ignored (this build was started in the background by a non-interactive shell)");
        Process kill = new ProcessBuilder("/bin/sh", "-c", "kill -" + name + " " + process.pid()).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " exited " + kill.exitValue());
        }
    }

    /** Whether the daemon ignores the signal, from the SigIgn mask of /proc/PID/status (Linux). */
    private boolean ignores(String name) throws IOException {
        Map<String, Integer> numbers = Map.of("HUP", 1, "INT", 2, "QUIT", 3, "TERM", 15);
        Path status = Path.of("/proc", Long.toString(process.pid()), "status");
        if (!numbers.containsKey(name) || !Files.exists(status)) {
            return false;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) {
                long mask = Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16);
                return (mask & (1L << (numbers.get(name) - 1))) != 0;
            }
        }
        return false;
    }

    /**
     * Waits for the exit.
     *
     * @param timeout how long at most
     * @return the exit code
     * @throws InterruptedException if interrupted
     */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("still running after " + timeout + "; stdout " + stdout() + ", stderr " + stderr());
        }
        return process.exitValue();
    }

    private Integer exitCodeOrNull() {
        return process.isAlive() ? null : process.exitValue();
    }

    /** @return the number of open file descriptors, from /proc/PID/fd */
    public int openFileDescriptors() throws IOException {
        return ProcStats.openFileDescriptors(pid());
    }

    /** @return the resident set size in KiB, from /proc/PID/status */
    public long residentKib() throws IOException {
        return ProcStats.residentKib(pid());
    }

    /** @return user + system CPU time in clock ticks (1/100 s), from /proc/PID/stat */
    public long cpuTicks() throws IOException {
        return ProcStats.cpuTicks(pid());
    }

    @Override
    public void close() throws IOException {
        // Its children too: a launcher script that failed to exec would leave the JVM behind.
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        Files.deleteIfExists(stdout);
        Files.deleteIfExists(stderr);
    }
}
