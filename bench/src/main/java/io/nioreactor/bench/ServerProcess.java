package io.nioreactor.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An echo server under comparison, in a JVM of its own ({@code bench server ...}). */
final class ServerProcess implements AutoCloseable {

    private static final Pattern START_LINE = Pattern.compile("listening on \\w+ (\\S+):(\\d+)");

    private final Process process;
    private final InetSocketAddress address;
    private final Path output;
    private String servedPerLoop;

    private ServerProcess(Process process, InetSocketAddress address, Path output) {
        this.process = process;
        this.address = address;
        this.output = output;
    }

    /**
     * Starts the server and waits for its start line.
     *
     * @throws IOException with the server's own words when it does not start
     */
    static ServerProcess start(String java, String impl, String proto, int threads)
            throws IOException, InterruptedException {
        return start(List.of(), java, List.of(), impl, proto, threads);
    }

    /**
     * As {@link #start(String, String, String, int)}, the command behind {@code prefix}
     * ({@code taskset -c 0}, say), with {@code jvmOptions} for the server's JVM.
     */
    static ServerProcess start(List<String> prefix, String java, List<String> jvmOptions, String impl, String proto,
            int threads) throws IOException, InterruptedException {
        Path output = Files.createTempFile("bench-server-" + impl, ".log");
        List<String> command = new java.util.ArrayList<>(prefix);
        // Netty's epoll and io_uring load native code: on Java 24+ that warns unless allowed (17 accepts the flag).
        command.addAll(List.of(java, "-Xms64m", "-Xmx512m", "--enable-native-access=ALL-UNNAMED"));
        command.addAll(jvmOptions); // after the defaults: an -Xmx of the user's wins
        command.addAll(List.of("-cp", System.getProperty("java.class.path"),
                BenchMain.class.getName(), "server", "--impl", impl, "--proto", proto, "--port", "0",
                "--threads", Integer.toString(threads)));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        boolean started = false;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() - deadline < 0) {
                for (String line : Files.readAllLines(output)) {
                    Matcher m = START_LINE.matcher(line);
                    if (m.find()) {
                        started = true;
                        return new ServerProcess(process, new InetSocketAddress("127.0.0.1", Integer.parseInt(m.group(2))),
                                output);
                    }
                }
                if (process.waitFor(50, TimeUnit.MILLISECONDS)) {
                    String said = String.join(" ", Files.readAllLines(output)).trim();
                    throw new IOException(said.isEmpty() ? "exited with " + process.exitValue() : said);
                }
            }
            throw new IOException("no start line within 30 s");
        } finally {
            if (!started) { // failed, timed out or interrupted: neither the process nor its log is left behind
                process.destroyForcibly();
                Files.deleteIfExists(output);
            }
        }
    }

    InetSocketAddress address() {
        return address;
    }

    long pid() {
        return process.pid();
    }

    /** @return after {@link #close()}: what each reactor loop served, comma-separated, or {@code null} */
    String servedPerLoop() {
        return servedPerLoop;
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            process.onExit().orTimeout(10, TimeUnit.SECONDS).join();
        } catch (CompletionException e) {
            process.destroyForcibly();
        }
        for (String line : Files.readAllLines(output)) {
            if (line.startsWith("served per loop: ")) {
                servedPerLoop = line.substring("served per loop: ".length());
            }
        }
        Files.deleteIfExists(output);
    }
}
