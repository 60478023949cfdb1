package io.nioreactor.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A program of its own, as an embedder writes it: {@code requires io.nioreactor.core;}, compiled
 * with javac against the built jar on the module path and run with java: the API serves an echo;
 * the internal package is not visible to it.
 */
class ModuleConsumerIT {

    private static final String MAIN = String.join("\n",
            "package consumer;",
            "import io.nioreactor.core.*;",
            "import java.io.*;",
            "import java.net.*;",
            "import java.nio.ByteBuffer;",
            "import java.time.Duration;",
            "public final class Main {",
            "    public static void main(String[] args) throws Exception {",
            "        EventLoop loop = EventLoop.start(\"consumer\");",
            "        TcpServer server = loop.listenTcp(new InetSocketAddress(\"127.0.0.1\", 0), TcpOptions.defaults(),",
            "                c -> (connection, data) -> connection.write(data)).join();",
            "        try (Socket socket = new Socket()) {",
            "            socket.connect(server.localAddress() instanceof InetSocketAddress a ? a : null, 5000);",
            "            socket.getOutputStream().write(\"hello\".getBytes(\"US-ASCII\"));",
            "            byte[] back = socket.getInputStream().readNBytes(5);",
            "            System.out.println(\"echoed: \" + new String(back, \"US-ASCII\"));",
            "        }",
            "        loop.shutdownGracefully(Duration.ofSeconds(5)).join();",
            "    }",
            "}",
            "");

    private static final String INTRUDER = String.join("\n",
            "package consumer;",
            "final class Intruder {",
            "    Object reach() { return io.nioreactor.core.internal.LoopCore.class; }",
            "}",
            "");

    @Test
    void aModulePathProgramUsesTheApiAndCannotSeeTheInternals(@TempDir Path dir) throws Exception {
        String modulePath = coreJar() + File.pathSeparator + jarOf(org.slf4j.Logger.class);
        Path src = dir.resolve("src");
        Files.createDirectories(src.resolve("consumer"));
        Files.writeString(src.resolve("module-info.java"), "module consumer { requires io.nioreactor.core; }\n");
        Files.writeString(src.resolve("consumer/Main.java"), MAIN);

        Result compiled = run(dir, tool("javac"), "--module-path", modulePath, "-d", dir.resolve("out").toString(),
                src.resolve("module-info.java").toString(), src.resolve("consumer/Main.java").toString());
        assertEquals(0, compiled.exit, compiled.output);

        Result ran = run(dir, tool("java"), "--module-path", dir.resolve("out") + File.pathSeparator + modulePath,
                "-m", "consumer/consumer.Main");
        assertEquals(0, ran.exit, ran.output);
        assertTrue(ran.output.contains("echoed: hello"), ran.output);

        Files.writeString(src.resolve("consumer/Intruder.java"), INTRUDER);
        Result refused = run(dir, tool("javac"), "--module-path", modulePath, "-d", dir.resolve("out2").toString(),
                src.resolve("module-info.java").toString(), src.resolve("consumer/Main.java").toString(),
                src.resolve("consumer/Intruder.java").toString());
        assertEquals(1, refused.exit, refused.output);
        assertTrue(refused.output.contains("package io.nioreactor.core.internal is not visible")
                || refused.output.contains("does not export io.nioreactor.core.internal"), refused.output);
    }

    /** The jar this build made: its path comes from the build (core.jar), not from a name pattern. */
    private static String coreJar() {
        String jar = System.getProperty("core.jar");
        assertTrue(jar != null && Files.isRegularFile(Path.of(jar)), "core.jar: " + jar);
        return jar;
    }

    private static String jarOf(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    private static String tool(String name) {
        return Path.of(System.getProperty("java.home"), "bin", name).toString();
    }

    private record Result(int exit, String output) {
    }

    private static Result run(Path dir, String... command) throws Exception {
        Path log = Files.createTempFile(dir, "run", ".log");
        List<String> line = new ArrayList<>(List.of(command));
        Process process = new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", line) + " did not end");
        } finally {
            process.destroyForcibly(); // ended already, or not left behind
        }
        return new Result(process.exitValue(), Files.readString(log));
    }
}
