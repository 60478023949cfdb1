package io.nioreactor.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The README's and docs/embedding.md's examples, run as written; the pages must show exactly this code. */
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

    // README-BEGIN
    /** SET key value / GET key, one command per line: a tiny key-value store. */
    static final class KeyValueHandler implements ConnectionHandler, Framer.FrameHandler {
        private final Map<String, String> store;            // shared by the connections
        private final Framer lines = Framer.lines(1024, this);

        KeyValueHandler(Map<String, String> store) {
            this.store = store;
        }

        @Override
        public void onRead(Connection c, ByteBuffer data) {
            lines.feed(c, data);                          // calls onFrame for each whole line
        }

        @Override
        public void onFrame(Connection c, ByteBuffer line) {
            String[] words = StandardCharsets.UTF_8.decode(line).toString().split(" ", 3);
            String reply;
            if (words[0].equals("SET") && words.length == 3) {
                store.put(words[1], words[2]);
                reply = "OK";
            } else if (words[0].equals("GET") && words.length == 2) {
                reply = store.getOrDefault(words[1], "(nil)");
            } else {
                reply = "ERR expected SET key value or GET key";
            }
            c.writeLater(StandardCharsets.UTF_8.encode(reply + "\n")); // one write per read burst
        }

        @Override
        public void onFramingError(Connection c, FramingException e) {
            c.write(StandardCharsets.UTF_8.encode("ERR " + e.getMessage() + "\n"));
            c.close();                                    // sends the error, then closes
        }
    }
    // README-END

    @Test
    void theKeyValueExampleAnswersPipelinedCommandsAndRefusesALineTooLong() throws Exception {
        // README-BEGIN
        EventLoopGroup loops = EventLoopGroup.start("kv", 2);
        Map<String, String> store = new ConcurrentHashMap<>();
        TcpServer kv = loops.listenTcp(new InetSocketAddress("127.0.0.1", 0), TcpOptions.defaults(),
                connection -> new KeyValueHandler(store)).join();
        System.out.println("key-value store on " + kv.localAddress());
        // README-END
        try (java.nio.channels.SocketChannel client = Loopback.connect(kv.localAddress())) {
            Loopback.writeAscii(client, "SET color blue\r\nGET color\nGET size\nDEL color\n");
            String expected = "OK\nblue\n(nil)\nERR expected SET key value or GET key\n";
            assertEquals(expected, Loopback.readAscii(client, expected.length()));
            Loopback.writeAscii(client, "SET long " + "x".repeat(2000) + "\n");
            String error = "ERR line longer than 1024 bytes\n";
            assertEquals(error, Loopback.readAscii(client, error.length()));
            assertEquals(0, Loopback.drainToEnd(client));
        }
        loops.shutdownGracefully(Duration.ofSeconds(5)).join();
    }

    @Test
    void theLengthPrefixedExamplesTalkToEachOther() throws Exception {
        EventLoop loop = EventLoop.start("frames");
        // README-BEGIN
        // Server: each frame is a 4-byte big-endian length, then that many bytes; the reply
        // upper-cases the body and goes out as header and body in one gathering write.
        TcpServer upper = loop.listenTcp(new InetSocketAddress("127.0.0.1", 0), TcpOptions.defaults(),
                connection -> new ConnectionHandler() {
                    private final ByteBuffer header = ByteBuffer.allocate(4);
                    private final Framer frames = Framer.lengthPrefixed(4, 1 << 20, (c, body) -> {
                        ByteBuffer reply = ByteBuffer.allocate(body.remaining());
                        while (body.hasRemaining()) {
                            reply.put((byte) Character.toUpperCase(body.get()));
                        }
                        c.write(header.clear().putInt(reply.position()).flip(), reply.flip());
                    });

                    @Override
                    public void onRead(Connection c, ByteBuffer data) {
                        frames.feed(c, data);
                    }
                }).join();

        // Client: sends one frame, completes with the body of the first frame it gets back.
        CompletableFuture<String> answer = new CompletableFuture<>();
        Framer.FrameHandler replies = (c, body) -> {
            answer.complete(StandardCharsets.UTF_8.decode(body).toString());
            c.close();
        };
        loop.connectTcp(upper.localAddress(), TcpOptions.defaults(), new ConnectionHandler() {
            private final Framer frames = Framer.lengthPrefixed(4, 1 << 20, replies);

            @Override
            public void onOpen(Connection c) {
                byte[] body = "hello, frames".getBytes(StandardCharsets.UTF_8);
                c.write(ByteBuffer.allocate(4).putInt(body.length).flip(), ByteBuffer.wrap(body));
            }

            @Override
            public void onRead(Connection c, ByteBuffer data) {
                frames.feed(c, data);
            }
        });
        System.out.println(answer.get(5, TimeUnit.SECONDS)); // HELLO, FRAMES
        // README-END
        assertEquals("HELLO, FRAMES", answer.get());
        loop.shutdownGracefully(Duration.ofSeconds(5)).join();
    }

    @Test
    void theNetstringScannerFramesItsOwnProtocol() throws Exception {
        EventLoop loop = EventLoop.start("netstrings");
        // README-BEGIN
        // Netstrings ("5:hello,"), a framing of one's own in one method: the scanner answers as soon
        // as it has read the length; the framer waits for the rest, and refuses at once a frame
        // announced above its maximum, before reading it.
        FrameScanner netstrings = (bytes, scanned) -> {
            long length = 0;
            for (int i = bytes.position(); i < bytes.limit(); i++) {
                byte b = bytes.get(i);
                if (b == ':') {
                    return i - bytes.position() + 1 + length + 1; // header, body, ','
                }
                if (b < '0' || b > '9' || length > 1 << 20) {
                    throw new FramingException("not a netstring length");
                }
                length = length * 10 + (b - '0');
            }
            return FrameScanner.NEED_MORE;
        };
        TcpServer echo = loop.listenTcp(new InetSocketAddress("127.0.0.1", 0), TcpOptions.defaults(),
                connection -> new ConnectionHandler() {
                    private final Framer frames = Framer.of(netstrings, 64 * 1024, (c, frame) -> c.write(frame));

                    @Override
                    public void onRead(Connection c, ByteBuffer data) {
                        frames.feed(c, data); // each whole netstring goes back as it came
                    }
                }).join();
        // README-END
        try (java.nio.channels.SocketChannel client = Loopback.connect(echo.localAddress())) {
            Loopback.writeAscii(client, "5:hel");
            Loopback.writeAscii(client, "lo,0:,11:with:colons,");
            assertEquals("5:hello,0:,11:with:colons,", Loopback.readAscii(client, 26));
            Loopback.writeAscii(client, "9999999:"); // 10 MB announced: refused, the connection closed
            assertEquals(0, Loopback.drainToEnd(client));
        }
        loop.shutdownGracefully(Duration.ofSeconds(5)).join();
    }

    /** Echoes; what the README's hand-over calls {@code EchoHandler}. */
    static final class EchoHandler implements ConnectionHandler {
        @Override
        public void onRead(Connection c, ByteBuffer data) {
            c.write(data);
        }
    }

    @Test
    void theHandOverExampleDrainsTheOldServerWhileTheNewOneTakesTheAddress() throws Exception {
        EventLoopGroup group = EventLoopGroup.start("handover-old", 2);
        EventLoopGroup next = EventLoopGroup.start("handover-new", 1);
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", 0);
        // README-BEGIN
        TcpOptions shared = TcpOptions.builder().reusePort(true).build(); // the new process listens beside
        TcpServer old = group.listenTcp(address, shared, connection -> new EchoHandler()).join();
        // README-END
        try (java.nio.channels.SocketChannel client = Loopback.connect(old.localAddress())) {
            Loopback.writeAscii(client, "before");
            assertEquals("before", Loopback.readAscii(client, 6));
            TcpServer fresh = next.listenTcp(old.localAddress(), shared, connection -> new EchoHandler()).join();
            // README-BEGIN
            // ... once the new process listens on the same address:
            old.drain(Duration.ofSeconds(10)).join(); // stops accepting, answers what arrived, then each FIN
            group.shutdownGracefully(Duration.ofSeconds(1)).join();
            // README-END
            assertEquals(0, Loopback.drainToEnd(client), "its connection ended with a FIN");
            Loopback.assertEchoes(fresh.localAddress(), 10_000, 4); // the address is the new server's now
        } finally {
            next.shutdownGracefully(Duration.ZERO).get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theReadmeShowsTheExamplesAsTested() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        String docs = readme + "\n" + Files.readString(Path.of("..", "docs", "embedding.md"));
        List<String> regions = regions(Files.readAllLines(Path.of("src/test/java/io/nioreactor/core/ReadmeExampleTest.java")));
        assertTrue(readme.contains(regions.get(0)), "README.md must begin with the echo example:\n" + regions.get(0));
        for (String region : regions) {
            assertTrue(docs.contains(region), "README.md or docs/embedding.md must contain:\n" + region);
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
