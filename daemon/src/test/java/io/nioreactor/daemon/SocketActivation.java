package io.nioreactor.daemon;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Starts a program the way a systemd socket unit does, with a socket it did not bind as its
 * standard input: through {@code systemd-socket-activate --inetd} (systemd's own tool, on any
 * machine with systemd), which binds the socket, waits for the first connection or datagram, then
 * runs the program with the socket as its standard input and output.
 */
public final class SocketActivation {

    private static final Path TOOL = find();

    private SocketActivation() {
    }

    private static Path find() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(dir, "systemd-socket-activate");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return Files.isExecutable(Path.of("/usr/bin/systemd-socket-activate")) ? Path.of("/usr/bin/systemd-socket-activate")
                : null;
    }

    /** Skips the calling test, with one line saying why, where the tool is missing. */
    public static void assumeAvailable() {
        if (TOOL == null) {
            System.out.println("[skip] systemd-socket-activate (package systemd) is not installed: socket activation"
                    + " is not tested here");
        }
        Assumptions.assumeTrue(TOOL != null, "systemd-socket-activate is not installed");
    }

    /**
     * The command that runs {@code program} with a socket on {@code listen} as its standard input.
     *
     * @param listen   {@code HOST:PORT}, or the path of a Unix domain socket
     * @param datagram a UDP socket rather than a listening stream socket
     * @param program  the program and its arguments
     * @return the whole command
     */
    public static List<String> command(String listen, boolean datagram, List<String> program) {
        List<String> command = new ArrayList<>(List.of(TOOL.toString(), "--inetd", "-l", listen));
        if (datagram) {
            command.add("--datagram");
        }
        command.addAll(program);
        return command;
    }

    /**
     * Starts {@code program} behind the tool and waits until the tool listens (it runs the program
     * at the first connection or datagram).
     *
     * @param listen   {@code HOST:PORT}, or the path of a Unix domain socket
     * @param datagram a UDP socket rather than a listening stream socket
     * @param program  the program and its arguments
     * @return the running tool, the program's process once it runs
     * @throws IOException if it cannot be started
     */
    public static DaemonProcess start(String listen, boolean datagram, List<String> program) throws IOException {
        DaemonProcess process = DaemonProcess.startCommand(command(listen, datagram, program), Map.of());
        await().atMost(20, TimeUnit.SECONDS).until(() -> !process.isAlive()
                || process.stderr().stream().anyMatch(line -> line.startsWith("Listening on ")));
        return process;
    }

    /**
     * The lines a program started through the tool printed, without the tool's own ("Listening on
     * ...", "Communication attempt ...", "Execing ...").
     *
     * @param lines what the process printed on standard error
     * @return the program's lines
     */
    public static List<String> withoutToolLines(List<String> lines) {
        List<String> own = new ArrayList<>();
        for (String line : lines) {
            if (!line.startsWith("Listening on ") && !line.startsWith("Communication attempt")
                    && !line.startsWith("Execing ")) {
                own.add(line);
            }
        }
        return own;
    }

    /**
     * The command that runs {@code program} once per connection, with the connected socket as its
     * standard input and output: the tool's inetd "nowait" mode.
     *
     * @param listen  {@code HOST:PORT}
     * @param program the program and its arguments
     * @return the whole command
     */
    public static List<String> perConnection(String listen, List<String> program) {
        List<String> command = new ArrayList<>(List.of(TOOL.toString(), "--inetd", "--accept", "-l", listen));
        command.addAll(program);
        return command;
    }

    /** @return {@code java -Xmx128m -jar JAR ARGS} with this test's Java */
    public static List<String> java(Path jar, String... args) {
        List<String> command = new ArrayList<>(List.of(javaCommand(), "-Xmx128m", "-jar", jar.toString()));
        command.addAll(List.of(args));
        return command;
    }

    /** @return the {@code java} of the JVM running the tests */
    public static String javaCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** @return a TCP port on 127.0.0.1 free a moment ago (the tool needs a number, not 0) */
    public static int freeTcpPort() throws IOException {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress("127.0.0.1", 0));
            return probe.getLocalPort();
        }
    }

    /** @return a UDP port on 127.0.0.1 free a moment ago */
    public static int freeUdpPort() throws IOException {
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            return probe.getLocalPort();
        }
    }
}
