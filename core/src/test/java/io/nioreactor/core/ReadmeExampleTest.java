package io.nioreactor.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's embedding example, run as written; the README must show exactly this code. */
class ReadmeExampleTest {

    @Test
    void theEmbeddingExampleServesEchoAndShutsDown() throws Exception {
        // README-BEGIN
        EventLoop loop = EventLoop.start("echo");
        TcpOptions options = TcpOptions.builder().idleTimeout(Duration.ofMinutes(5)).build();
        TcpServer server = loop.listenTcp(new InetSocketAddress("127.0.0.1", 0), options,
                connection -> new ConnectionHandler() {
                    @Override
                    public void onRead(Connection c, ByteBuffer data) {
                        c.write(data);                  // to the socket at once; queues only the rest
                        if (!c.isWritable()) {
                            c.setAutoRead(false);       // the peer is not reading: stop reading too
                        }
                    }

                    @Override
                    public void onWritable(Connection c) {
                        c.setAutoRead(true);
                    }
                }).join();
        System.out.println("echo on " + server.localAddress());
        // README-END

        Loopback.assertEchoes(server.localAddress(), 1 << 20, 10);

        // README-BEGIN
        loop.shutdownGracefully(Duration.ofSeconds(5)).join();
        // README-END
        assertEquals(1, loop.metrics().connectionsClosed());
    }

    @Test
    void theReadmeShowsTheExampleAsTested() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        for (String region : regions(Files.readAllLines(Path.of("src/test/java/io/nioreactor/core/ReadmeExampleTest.java")))) {
            assertTrue(readme.contains(region), "README.md must contain:\n" + region);
        }
    }

    private static List<String> regions(List<String> lines) {
        List<String> regions = new ArrayList<>();
        StringBuilder current = null;
        int indent = 0;
        for (String line : lines) {
            if (line.trim().equals("// README-BEGIN")) {
                current = new StringBuilder();
                indent = line.indexOf('/');
            } else if (line.trim().equals("// README-END")) {
                regions.add(current.toString());
                current = null;
            } else if (current != null) {
                current.append(line.length() > indent ? line.substring(indent) : line.trim()).append('\n');
            }
        }
        return regions;
    }
}
