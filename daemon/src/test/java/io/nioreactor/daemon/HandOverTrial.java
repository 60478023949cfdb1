package io.nioreactor.daemon;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A restart as an operator makes it, under load, run as a process of its own: clients connect in a
 * loop while daemon after daemon takes over the port from the one before, and every connection is
 * counted. Two ways to share the port: {@code --inherited}, where this process was started with the
 * listening socket as its standard input (by {@code systemd-socket-activate --inetd}) and hands it
 * to each daemon the same way, and {@code --share-port PORT}, where each daemon binds the port itself
 * with SO_REUSEPORT (run inside a network namespace of its own to set
 * {@code net.ipv4.tcp_migrate_req}). Two orders: by default the new daemon starts beside the old one,
 * which then gets SIGTERM; with {@code --sequential} the old one gets SIGTERM and has ended before the
 * new one starts, as {@code systemctl restart} does (the held socket queues what comes meanwhile).
 *
 * <pre>
 * java HandOverTrial (--inherited | --share-port PORT) [--sequential] --target HOST:PORT --handovers N
 *         -- DAEMON COMMAND...
 * </pre>
 *
 * <p>Everything it prints goes to standard error: with {@code --inherited} its standard output is
 * the listening socket. The last line is the summary, {@code handovers=N connections=C failures=F
 * exits=[0, ...] stopMillis=[...] slowestMillis=S}; the daemons' own output goes to files, never to
 * the socket.
 */
public final class HandOverTrial {

    private final List<String> command;
    private final boolean inherited;
    private final boolean sequential;
    private final Path logs;
    private final EchoLoad load;
    private final List<Integer> exits = new ArrayList<>();
    private final List<Long> stopMillis = new ArrayList<>();
    private final PrintStream out = System.err;

    private HandOverTrial(List<String> options, List<String> daemon) throws IOException {
        this.inherited = options.contains("--inherited");
        this.sequential = options.contains("--sequential");
        this.command = new ArrayList<>(daemon);
        if (!inherited) {
            command.addAll(List.of("--share-port", "--port", value(options, "--share-port")));
        }
        this.logs = Files.createTempDirectory("handover");
        String[] target = value(options, "--target").split(":");
        this.load = new EchoLoad(new InetSocketAddress(target[0], Integer.parseInt(target[1])), 4, 200);
    }

    /**
     * Runs the trial.
     *
     * @param args see the class's description
     * @throws Exception if a daemon cannot be started or does not start listening
     */
    public static void main(String[] args) throws Exception {
        int dashes = Arrays.asList(args).indexOf("--");
        List<String> options = Arrays.asList(args).subList(0, dashes);
        HandOverTrial trial = new HandOverTrial(options, Arrays.asList(args).subList(dashes + 1, args.length));
        trial.run(Integer.parseInt(value(options, "--handovers")));
        System.exit(0);
    }

    private void run(int handovers) throws Exception {
        Process current = start(0);
        load.start();
        try {
            for (int i = 1; i <= handovers; i++) {
                load.awaitMoreConnections(200); // traffic through the current one first
                current = handOver(current, i);
                out.println("hand-over " + i + ": the old daemon exited " + exits.get(i - 1) + " after "
                        + stopMillis.get(i - 1) + " ms; " + load.summary());
            }
            load.awaitMoreConnections(200); // and through the last one
        } finally {
            load.stop();
            current.destroy();
            current.waitFor(30, TimeUnit.SECONDS);
        }
        for (String failure : load.failures()) {
            out.println("failure: " + failure);
        }
        out.printf(Locale.ROOT, "handovers=%d connections=%d failures=%d exits=%s stopMillis=%s slowestMillis=%d%n",
                handovers, load.connections(), load.failureCount(), exits, stopMillis, load.slowestMillis());
        out.flush();
    }

    /** Daemon {@code n} takes over from {@code old}: beside it, or after it ({@code --sequential}). */
    private Process handOver(Process old, int n) throws IOException, InterruptedException {
        Process next = sequential ? null : start(n);
        long sigterm = System.nanoTime();
        old.destroy(); // SIGTERM
        if (!old.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("daemon " + (n - 1) + " still runs 30 s after SIGTERM");
        }
        stopMillis.add((System.nanoTime() - sigterm) / 1_000_000);
        exits.add(old.exitValue());
        return next != null ? next : start(n);
    }

    /** Starts daemon {@code n}, its output in files, and waits for its start line. */
    private Process start(int n) throws IOException {
        Path stdout = logs.resolve("daemon-" + n + ".out");
        Path stderr = logs.resolve("daemon-" + n + ".err");
        Process process = new ProcessBuilder(command)
                .redirectInput(inherited ? Redirect.INHERIT : Redirect.from(new File("/dev/null")))
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .start();
        await().atMost(30, TimeUnit.SECONDS).pollInterval(5, TimeUnit.MILLISECONDS)
                .until(() -> listening(stdout) || listening(stderr) || !process.isAlive());
        if (!process.isAlive()) {
            throw new IllegalStateException("daemon " + n + " did not start: " + Files.readString(stdout)
                    + Files.readString(stderr));
        }
        return process;
    }

    private static boolean listening(Path log) throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8).contains("listening on ");
    }

    private static String value(List<String> options, String name) {
        int at = options.indexOf(name);
        return at < 0 ? null : options.get(at + 1);
    }
}
