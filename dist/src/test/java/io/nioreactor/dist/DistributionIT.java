package io.nioreactor.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nioreactor.daemon.DaemonProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tarball as a user gets it: unpacked with {@code tar} into a temporary folder, its launchers
 * run as processes (with this test's Java as {@code JAVA_HOME}), its systemd units checked by
 * {@code systemd-analyze}.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES) // a lost datagram or a hung launcher fails, not hangs
class DistributionIT {

    private static final Path TARBALL = Path.of(System.getProperty("dist.tarball"));
    private static final String VERSION = System.getProperty("dist.version");
    private static final String JAVA_HOME = System.getProperty("java.home");

    @TempDir
    static Path unpacked;

    private static Path home;

    @BeforeAll
    static void unpack() throws Exception {
        home = untar(unpacked);
    }

    private static Path untar(Path into) throws Exception {
        Process tar = new ProcessBuilder("tar", "xzf", TARBALL.toString(), "-C", into.toString())
                .redirectErrorStream(true).start();
        String output = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, tar.waitFor(), "tar: " + output);
        return into.resolve("nioreactor-" + VERSION);
    }

    @Test
    void tarballHoldsExecutableLaunchersTheThinJarsConfAndUnits() throws IOException {
        for (String launcher : List.of("tcp-echo", "udp-echo", "nioreactor-bench")) {
            Path script = home.resolve("bin").resolve(launcher);
            assertTrue(Files.getPosixFilePermissions(script).contains(PosixFilePermission.OTHERS_EXECUTE), script + " is executable");
            assertTrue(Files.readString(script).startsWith("#!/bin/sh\n"), script + " is a POSIX sh script");
        }
        List<String> jars;
        try (Stream<Path> lib = Files.list(home.resolve("lib"))) {
            jars = lib.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar")).sorted().collect(Collectors.toList());
        }
        for (String module : List.of("core", "daemon", "tcp", "udp", "bench")) {
            assertTrue(jars.contains("nioreactor-" + module + "-" + VERSION + ".jar"), module + " in " + jars);
        }
        assertTrue(jars.stream().anyMatch(n -> n.startsWith("logback-classic-")), "logback in " + jars);
        assertTrue(jars.stream().anyMatch(n -> n.startsWith("picocli-")), "picocli in " + jars);
        // Thin jars only: the shaded ones would put every class on the classpath twice.
        for (String shaded : List.of("tcp-echo.jar", "udp-echo.jar", "bench.jar", "jmh.jar")) {
            assertFalse(jars.contains(shaded), shaded + " in " + jars);
        }
        assertTrue(jars.stream().noneMatch(n -> n.contains("junit") || n.contains("awaitility")), "no test jars in " + jars);
        assertTrue(Files.isRegularFile(home.resolve("conf/logback.xml")));
        assertTrue(Files.isRegularFile(home.resolve("systemd/tcp-echo.service")));
        assertTrue(Files.isRegularFile(home.resolve("systemd/udp-echo.service")));
        for (String unit : List.of("tcp-echo", "udp-echo")) {
            assertTrue(Files.isRegularFile(home.resolve("systemd/" + unit + ".socket")), unit + ".socket");
            assertTrue(Files.isRegularFile(home.resolve("systemd/" + unit + ".service.d/socket-activated.conf")));
        }
    }

    /**
     * Each launcher's JVM loads exactly its program's jar and the jars its list names
     * (lib/NAME.classpath, written by the build from that program's own dependencies), every one of
     * them present; none of the jars only
     * the bench uses (those on the bench's list and on no daemon's, Netty's transports and the charts
     * among them; tcp-echo carries Netty's TLS engine for {@code --tls-provider openssl}, udp-echo no
     * Netty at all).
     */
    @Test
    void eachDaemonsClasspathAsTheJvmListsItIsItsOwnListAndHoldsNoBenchOnlyJar() throws Exception {
        long allJars = 0;
        try (Stream<Path> lib = Files.list(home.resolve("lib"))) {
            for (Path jar : (Iterable<Path>) lib.filter(p -> p.toString().endsWith(".jar"))::iterator) {
                allJars += Files.size(jar);
            }
        }
        Set<String> benchOnly = new TreeSet<>(listed("nioreactor-bench"));
        benchOnly.removeAll(listed("tcp-echo"));
        benchOnly.removeAll(listed("udp-echo"));
        benchOnly.removeAll(List.of("nioreactor-tcp-" + VERSION + ".jar", "nioreactor-udp-" + VERSION + ".jar"));
        assertTrue(benchOnly.stream().anyMatch(n -> n.startsWith("netty-")), "the bench's own jars: " + benchOnly);
        assertTrue(benchOnly.stream().anyMatch(n -> n.startsWith("jfreechart-")), "the bench's own jars: " + benchOnly);
        for (String launcher : List.of("tcp-echo", "udp-echo")) {
            Set<String> listed = listed(launcher);
            for (String jar : listed) {
                assertTrue(Files.isRegularFile(home.resolve("lib").resolve(jar)), jar + " of " + launcher
                        + ".classpath is in lib/");
            }
            try (DaemonProcess daemon = launch(home, launcher, Map.of(), "--port", "0")) {
                daemon.awaitPort();
                List<String> classpath = classpathOf(daemon.pid());
                long bytes = 0;
                Set<String> loaded = new TreeSet<>();
                for (String entry : classpath) {
                    bytes += Files.size(Path.of(entry));
                    loaded.add(Path.of(entry).getFileName().toString());
                }
                Set<String> expected = new TreeSet<>(listed);
                expected.add("nioreactor-" + launcher.substring(0, 3) + "-" + VERSION + ".jar"); // its own, first
                assertEquals(expected, loaded, launcher + "'s JVM loads its own jar and its list, no more, no less");
                Set<String> fromTheBench = new TreeSet<>(loaded);
                fromTheBench.retainAll(benchOnly);
                assertEquals(Set.of(), fromTheBench, launcher + " loads jars only the bench needs");
                for (String jar : loaded) { // and by name, whatever the lists say
                    boolean nettysTransports = jar.startsWith("netty-transport-classes-")
                            || jar.startsWith("netty-transport-native-epoll") || jar.startsWith("netty-transport-native-io_uring");
                    // tcp-echo carries Netty's TLS engine (--tls-provider openssl); udp-echo no Netty at all
                    boolean netty = launcher.equals("udp-echo") ? jar.startsWith("netty-") : nettysTransports;
                    assertFalse(netty || jar.startsWith("jfreechart-") || jar.startsWith("jackson-")
                            || jar.startsWith("nioreactor-bench-"), launcher + " loads the bench's " + jar);
                }
                System.out.printf("[measure] %s's classpath: %d jars, %,d bytes (lib/ holds %,d bytes in all)%n",
                        launcher, classpath.size(), bytes, allJars);
            }
        }
    }

    /** The jars' file names a launcher's list names. */
    private static Set<String> listed(String launcher) throws IOException {
        Set<String> names = new TreeSet<>();
        for (String entry : Files.readString(home.resolve("lib").resolve(launcher + ".classpath")).trim().split(":")) {
            names.add(Path.of(entry).getFileName().toString());
        }
        return names;
    }

    /** The classpath of a running JVM, as it reports it (jcmd VM.system_properties). */
    private static List<String> classpathOf(long pid) throws Exception {
        Result properties = run(List.of(Path.of(JAVA_HOME, "bin", "jcmd").toString(), Long.toString(pid),
                "VM.system_properties"), Map.of(), true);
        assertEquals(0, properties.exit, properties.toString());
        for (String line : properties.stdout.split("\n")) {
            if (line.startsWith("java.class.path=")) {
                String value = line.substring("java.class.path=".length()).replace("\\:", ":").replace("\\\\", "\\");
                return List.of(value.split(":"));
            }
        }
        throw new AssertionError("no java.class.path in " + properties);
    }

    @Test
    void tcpEchoLauncherServesExactEchoAndItsMetricsAndExitsZeroOnSigterm() throws Exception {
        try (DaemonProcess daemon = launch(home, "tcp-echo", Map.of(), "--port", "0", "--metrics", "127.0.0.1:0")) {
            int port = daemon.awaitPort();
            byte[] sent = new byte[300_000];
            new Random(7).nextBytes(sent);
            assertArrayEquals(sent, tcpEcho(port, sent));
            // The Prometheus endpoint works from the launcher's classpath (its jars are not missing from the list).
            Matcher metrics = Pattern.compile("metrics for Prometheus at (http://\\S+/metrics)")
                    .matcher(String.join("\n", daemon.stdout()));
            assertTrue(metrics.find(), "the endpoint's address: " + daemon.stdout());
            Result scrape = run(List.of("curl", "-s", "-f", metrics.group(1)), Map.of(), true);
            assertEquals(0, scrape.exit, scrape.toString());
            assertTrue(scrape.stdout.contains("nioreactor_bytes_read_total"), scrape.stdout);
            daemon.terminate();
            assertEquals(0, daemon.awaitExit(Duration.ofSeconds(20)), "stdout " + daemon.stdout() + " stderr " + daemon.stderr());
        }
    }

    @Test
    void udpEchoLauncherServesExactEchoAndExitsZeroOnSigterm() throws Exception {
        try (DaemonProcess daemon = launch(home, "udp-echo", Map.of(), "--port", "0");
             DatagramChannel client = DatagramChannel.open()) {
            int port = daemon.awaitPort();
            client.connect(new InetSocketAddress("127.0.0.1", port));
            Random random = new Random(11);
            for (int size : new int[] {1, 512, 8_000}) {
                byte[] sent = new byte[size];
                random.nextBytes(sent);
                client.write(ByteBuffer.wrap(sent));
                ByteBuffer reply = ByteBuffer.allocate(65_536);
                client.read(reply);
                reply.flip();
                byte[] got = new byte[reply.remaining()];
                reply.get(got);
                assertArrayEquals(sent, got, size + "-byte datagram");
            }
            daemon.terminate();
            assertEquals(0, daemon.awaitExit(Duration.ofSeconds(20)), "stdout " + daemon.stdout() + " stderr " + daemon.stderr());
        }
    }

    @Test
    void launchersUseConfLogbackXmlAndJavaOptsWinsOverIt(@TempDir Path elsewhere) throws Exception {
        Path copy = untar(elsewhere);
        Path conf = copy.resolve("conf/logback.xml");
        Files.writeString(conf, Files.readString(conf).replace("<pattern>%d{HH:mm:ss.SSS} ", "<pattern>EDITED-CONF "));
        try (DaemonProcess daemon = launch(copy, "tcp-echo", Map.of(), "--port", "0")) {
            daemon.awaitPort();
            assertTrue(daemon.stdout().stream().anyMatch(l -> l.startsWith("EDITED-CONF INFO") && l.contains("listening on tcp")),
                    "the start line through the edited conf/logback.xml: " + daemon.stdout());
        }

        Path own = elsewhere.resolve("own-logback.xml");
        Files.writeString(own, "<configuration><appender name=\"OUT\" class=\"ch.qos.logback.core.ConsoleAppender\">"
                + "<encoder><pattern>OWN-CONF %msg%n</pattern></encoder></appender>"
                + "<root level=\"INFO\"><appender-ref ref=\"OUT\"/></root></configuration>");
        Map<String, String> env = Map.of("JAVA_OPTS", "-Xmx64m -Dlogback.configurationFile=" + own);
        try (DaemonProcess daemon = launch(copy, "tcp-echo", env, "--port", "0", "--log-level", "DEBUG")) {
            int port = daemon.awaitPort();
            assertTrue(daemon.stdout().stream().anyMatch(l -> l.startsWith("OWN-CONF listening on tcp 127.0.0.1:" + port)),
                    "-Dlogback.configurationFile in JAVA_OPTS wins: " + daemon.stdout());
            assertArrayEquals(new byte[] {42}, tcpEcho(port, new byte[] {42}));
            // --log-level still applies on top of the user's own file: DEBUG shows the connection.
            org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS)
                    .until(() -> daemon.stdout().stream().anyMatch(l -> l.startsWith("OWN-CONF") && l.contains("opened")));
        }
    }

    @Test
    void launcherFollowsASymlink() throws Exception {
        Path binElsewhere = Files.createTempDirectory("bin");
        Path link = Files.createSymbolicLink(binElsewhere.resolve("my-echo"), home.resolve("bin/tcp-echo"));
        try {
            Result result = run(List.of(link.toString(), "--version"), Map.of("JAVA_HOME", JAVA_HOME), true);
            assertEquals(0, result.exit, result.toString());
            assertEquals("nioreactor " + VERSION, result.stdout.strip(), result.toString());
        } finally {
            Files.delete(link);
            Files.delete(binElsewhere);
        }
    }

    @Test
    void anArgumentWithASpaceReachesTheDaemonWhole(@TempDir Path dir) throws Exception {
        Path socket = Files.createDirectories(dir.resolve("with space")).resolve("echo.sock");
        try (DaemonProcess daemon = launch(home, "tcp-echo", Map.of(), "--unix", socket.toString())) {
            String line = awaitLine(daemon, "listening on unix ");
            assertTrue(line.endsWith("listening on unix " + socket), line);
            assertTrue(Files.exists(socket), "the socket file " + socket);
            daemon.terminate();
            assertEquals(0, daemon.awaitExit(Duration.ofSeconds(20)));
        }
    }

    @Test
    void launcherWithoutJavaExitsNonZeroWithOneClearLine(@TempDir Path emptyPath) throws Exception {
        // No JAVA_HOME and a PATH where nothing is: the script must still say why, in one line.
        Result result = run(List.of(home.resolve("bin/tcp-echo").toString(), "--port", "0"),
                Map.of("PATH", emptyPath.toString()), false);
        assertEquals(1, result.exit, result.toString());
        assertEquals(List.of("tcp-echo: no Java found: set JAVA_HOME or put java (17 or newer) on the PATH"),
                result.stderrLines(), result.toString());
        assertEquals("", result.stdout);
    }

    @Test
    void launcherRefusesAJavaHomeWithoutJavaAndAJavaOlderThan17(@TempDir Path dir) throws Exception {
        Result noJava = run(List.of(home.resolve("bin/udp-echo").toString()), Map.of("JAVA_HOME", dir.toString()), false);
        assertEquals(1, noJava.exit, noJava.toString());
        assertEquals(List.of("udp-echo: JAVA_HOME is " + dir + ", which has no bin/java: point JAVA_HOME at a Java 17 or newer"),
                noJava.stderrLines());

        Path oldJava = Files.createDirectories(dir.resolve("old/bin")).resolve("java");
        Files.writeString(oldJava, "#!/bin/sh\necho 'openjdk version \"11.0.22\" 2024-01-16' >&2\n");
        oldJava.toFile().setExecutable(true);
        Result old = run(List.of(home.resolve("bin/nioreactor-bench").toString(), "--help"),
                Map.of("JAVA_HOME", dir.resolve("old").toString()), false);
        assertEquals(1, old.exit, old.toString());
        assertEquals(List.of("nioreactor-bench: " + oldJava + " is Java 11.0.22; nioreactor needs Java 17 or newer: set JAVA_HOME"),
                old.stderrLines());
    }

    @Test
    void benchLauncherRunsNettysNativeTransportWithoutWarnings() throws Exception {
        // Netty's epoll library loads here: on Java 24+ the JVM would warn without the launcher's native access.
        try (DaemonProcess server = launch(home, "nioreactor-bench", Map.of(),
                "server", "--impl", "netty", "--transport", "epoll", "--proto", "tcp", "--port", "0")) {
            String line = awaitLine(server, "listening on tcp ");
            Matcher port = Pattern.compile("listening on tcp 127\\.0\\.0\\.1:(\\d+) \\(netty-epoll\\)").matcher(line);
            assertTrue(port.find(), line);
            assertArrayEquals(new byte[] {5, 6}, tcpEcho(Integer.parseInt(port.group(1)), new byte[] {5, 6}));
            assertTrue(server.stderr().stream().noneMatch(l -> l.contains("WARNING")), "JVM warnings: " + server.stderr());
        }
    }

    @Test
    void systemdUnitsPassSystemdAnalyzeVerifyAndRateBelowTwoAloneAndSocketActivated(@TempDir Path dir)
            throws Exception {
        if (!onPath("systemd-analyze")) {
            System.out.println("[skip] systemd-analyze is not installed: the systemd units are NOT checked on this machine");
        }
        Assumptions.assumeTrue(onPath("systemd-analyze"),
                "systemd-analyze is not installed: the systemd units are NOT checked on this machine");
        for (String unit : List.of("tcp-echo", "udp-echo")) {
            String text = Files.readString(home.resolve("systemd/" + unit + ".service"));
            String installed = "/opt/nioreactor/bin/" + unit;
            assertTrue(text.contains("ExecStart=" + installed + " "), unit + " starts the documented install path");
            Path alone = Files.createDirectories(dir.resolve("alone"));
            Path service = alone.resolve(unit + ".service");
            Files.writeString(service, text.replace(installed, home.resolve("bin/" + unit).toString()));
            assertVerifiedAndRated(unit + ".service", List.of(service));

            // Socket activated: the socket unit, the same service, and the drop-in that joins them.
            Path activated = Files.createDirectories(dir.resolve("activated"));
            Files.copy(service, activated.resolve(unit + ".service"));
            Files.copy(home.resolve("systemd/" + unit + ".socket"), activated.resolve(unit + ".socket"));
            Path dropIn = Files.createDirectories(activated.resolve(unit + ".service.d"));
            Files.copy(home.resolve("systemd/" + unit + ".service.d/socket-activated.conf"),
                    dropIn.resolve("socket-activated.conf"));
            String socket = Files.readString(activated.resolve(unit + ".socket"));
            assertTrue(socket.contains(unit.startsWith("tcp") ? "\nListenStream=127.0.0.1:7007\n"
                    : "\nListenDatagram=127.0.0.1:7007\n"), socket);
            assertTrue(Files.readString(dropIn.resolve("socket-activated.conf")).contains("\nStandardInput=socket\n"));
            assertVerifiedAndRated(unit + ".service (socket activated)", List.of(activated.resolve(unit + ".socket"), activated.resolve(unit + ".service")));
        }
    }

    /** {@code systemd-analyze verify} has nothing to say of the units; the service's exposure is below 2.0. */
    private static void assertVerifiedAndRated(String what, List<Path> units) throws Exception {
        List<String> verifyCommand = new ArrayList<>(List.of("systemd-analyze", "verify"));
        units.forEach(unit -> verifyCommand.add(unit.toString()));
        Result verify = run(verifyCommand, Map.of(), true);
        assertEquals(0, verify.exit, verify.toString());
        assertEquals("", (verify.stdout + verify.stderr).strip(), "verify has nothing to say of " + what);

        Path service = units.get(units.size() - 1);
        Result security = run(List.of("systemd-analyze", "security", "--offline=true", service.toString()), Map.of(), true);
        String name = service.getFileName().toString();
        Matcher score = Pattern.compile("Overall exposure level for " + Pattern.quote(name) + ": (\\d+\\.\\d+)")
                .matcher(security.stdout);
        assertTrue(score.find(), security.toString());
        double exposure = Double.parseDouble(score.group(1));
        System.out.println("[measure] systemd-analyze security --offline=true " + what + ": exposure " + exposure);
        assertTrue(exposure < 2.0, what + " exposure " + exposure);
    }

    private static DaemonProcess launch(Path home, String launcher, Map<String, String> env, String... args)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin").resolve(launcher).toString());
        command.addAll(List.of(args));
        Map<String, String> environment = new java.util.HashMap<>(env);
        environment.put("JAVA_HOME", JAVA_HOME);
        environment.putIfAbsent("JAVA_OPTS", "-Xmx64m");
        return DaemonProcess.startCommand(command, environment);
    }

    /** The first line of the process's stdout holding {@code text}, once it is there. */
    private static String awaitLine(DaemonProcess process, String text) {
        org.awaitility.Awaitility.await().atMost(20, TimeUnit.SECONDS)
                .until(() -> process.stdout().stream().anyMatch(l -> l.contains(text)) || !process.isAlive());
        return process.stdout().stream().filter(l -> l.contains(text)).findFirst()
                .orElseThrow(() -> new AssertionError("no '" + text + "' line: stdout " + process.stdout()
                        + ", stderr " + process.stderr()));
    }

    private static byte[] tcpEcho(int port, byte[] sent) throws Exception {
        try (SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
            // Written from another thread: the daemon stops reading a peer that does not read.
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    ByteBuffer out = ByteBuffer.wrap(sent);
                    while (out.hasRemaining()) {
                        channel.write(out);
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            ByteBuffer in = ByteBuffer.allocate(sent.length);
            while (in.hasRemaining() && channel.read(in) >= 0) {
                // until every byte is back
            }
            writer.get(10, TimeUnit.SECONDS);
            return in.array();
        }
    }

    private static boolean onPath(String program) {
        return Stream.of(System.getenv("PATH").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, program)));
    }

    /** A short-lived command's exit code and output. */
    private record Result(int exit, String stdout, String stderr) {
        List<String> stderrLines() {
            return stderr.lines().collect(Collectors.toList());
        }
    }

    private static Result run(List<String> command, Map<String, String> env, boolean inheritEnvironment) throws Exception {
        Path out = Files.createTempFile("dist", ".out");
        Path err = Files.createTempFile("dist", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            if (!inheritEnvironment) {
                builder.environment().clear();
            }
            builder.environment().putAll(env);
            Process process = builder.start();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), command + " still running");
            return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
