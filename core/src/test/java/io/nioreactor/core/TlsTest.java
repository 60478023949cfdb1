package io.nioreactor.core;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** TLS on the loop against the JDK's own SSLSocket, and the loop's client against the loop's server. */
class TlsTest {

    private static final TestCertificates CERTS = TestCertificates.get();

    private final EventLoop loop = EventLoop.start("tls-test");

    @AfterEach
    void stop() {
        loop.shutdownGracefully(java.time.Duration.ofSeconds(2)).join();
    }

    private InetSocketAddress echoServer(TlsOptions tls) {
        TcpOptions options = TcpOptions.builder().tls(tls).build();
        return (InetSocketAddress) loop.listenTcp(Loopback.ANY_PORT_V4, options, c -> new TestEchoHandler()).join()
                .localAddress();
    }

    private static SSLSocket client(InetSocketAddress server, String... protocols) throws IOException {
        SSLSocket socket = (SSLSocket) CERTS.client().getSocketFactory().createSocket("localhost", server.getPort());
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (protocols.length > 0) {
            parameters.setProtocols(protocols);
        }
        socket.setSSLParameters(parameters);
        socket.setSoTimeout(20_000);
        return socket;
    }

    /** Writes {@code sent} from another thread while reading the echo here; returns what came back. */
    private static byte[] echo(SSLSocket socket, byte[] sent) throws Exception {
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                out.write(sent);
                out.flush();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        byte[] back = in.readNBytes(sent.length);
        writer.get(30, TimeUnit.SECONDS);
        return back;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 100, 16_384, 16_385, 100_000, 1 << 20, 16 << 20})
    void sslSocketGetsAnExactEcho(int size) throws Exception {
        InetSocketAddress server = echoServer(TlsOptions.server(CERTS.server()).build());
        byte[] sent = new byte[size];
        new Random(size).nextBytes(sent);
        try (SSLSocket socket = client(server)) {
            socket.startHandshake();
            assertArrayEquals(sent, echo(socket, sent));
            assertEquals("TLSv1.3", socket.getSession().getProtocol());
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> loop.metrics().connectionsOpen() == 0);
        assertEquals(1, loop.metrics().tlsHandshakesCompleted());
        assertEquals(0, loop.metrics().tlsHandshakesFailed());
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void eachProtocolIsNegotiatedAndSeenByTheHandler(String protocol) throws Exception {
        CompletableFuture<SSLSession> seen = new CompletableFuture<>();
        TcpOptions options = TcpOptions.builder().tls(TlsOptions.server(CERTS.server()).build()).build();
        InetSocketAddress server = (InetSocketAddress) loop.listenTcp(Loopback.ANY_PORT_V4, options, c -> new TestEchoHandler() {
            @Override
            public void onOpen(Connection connection) {
                seen.complete(connection.tlsSession().orElseThrow());
            }
        }).join().localAddress();
        try (SSLSocket socket = client(server, protocol)) {
            assertArrayEquals("ping\n".getBytes(StandardCharsets.US_ASCII), echo(socket, "ping\n".getBytes(StandardCharsets.US_ASCII)));
            SSLSession session = seen.get(10, TimeUnit.SECONDS);
            assertEquals(protocol, session.getProtocol());
            assertEquals(socket.getSession().getCipherSuite(), session.getCipherSuite());
        }
    }

    @Test
    void alpnIsAgreedAndSniSeenByTheServer() throws Exception {
        AtomicReference<Connection> opened = new AtomicReference<>();
        TcpOptions options = TcpOptions.builder()
                .tls(TlsOptions.server(CERTS.server()).applicationProtocols("h2", "http/1.1").build()).build();
        InetSocketAddress server = (InetSocketAddress) loop.listenTcp(Loopback.ANY_PORT_V4, options, c -> new TestEchoHandler() {
            @Override
            public void onOpen(Connection connection) {
                opened.set(connection);
            }
        }).join().localAddress();
        try (SSLSocket socket = client(server)) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {"http/1.1", "h2"});
            parameters.setServerNames(List.of(new SNIHostName("localhost")));
            socket.setSSLParameters(parameters);
            assertArrayEquals(new byte[] {7}, echo(socket, new byte[] {7}));
            assertEquals("h2", socket.getApplicationProtocol());
            await().atMost(10, TimeUnit.SECONDS).until(() -> opened.get() != null);
            assertEquals("h2", opened.get().applicationProtocol().orElseThrow());
            List<SNIServerName> names = ((ExtendedSSLSession) opened.get().tlsSession().orElseThrow()).getRequestedServerNames();
            assertEquals(List.of(new SNIHostName("localhost")), names);
        }
    }

    @Test
    void requiredClientAuthAdmitsATrustedClientAndRefusesOneWithout() throws Exception {
        AtomicReference<Connection> opened = new AtomicReference<>();
        TcpOptions options = TcpOptions.builder()
                .tls(TlsOptions.server(CERTS.server()).clientAuth(TlsOptions.ClientAuth.NEED).build()).build();
        InetSocketAddress server = (InetSocketAddress) loop.listenTcp(Loopback.ANY_PORT_V4, options, c -> new TestEchoHandler() {
            @Override
            public void onOpen(Connection connection) {
                opened.set(connection);
            }
        }).join().localAddress();

        try (SSLSocket socket = (SSLSocket) CERTS.context("client", "ca").getSocketFactory().createSocket("localhost", server.getPort())) {
            socket.setSoTimeout(20_000);
            assertArrayEquals(new byte[] {1, 2}, echo(socket, new byte[] {1, 2}));
            await().atMost(10, TimeUnit.SECONDS).until(() -> opened.get() != null);
            assertEquals("CN=test-client", ((java.security.cert.X509Certificate) opened.get().tlsSession().orElseThrow()
                    .getPeerCertificates()[0]).getSubjectX500Principal().getName());
        }

        try (SSLSocket socket = client(server)) {
            // TLS 1.3: the client's handshake ends before the server has checked; the refusal shows on read.
            assertThrows(IOException.class, () -> {
                socket.startHandshake();
                socket.getOutputStream().write(1);
                socket.getOutputStream().flush();
                if (socket.getInputStream().read() < 0) {
                    throw new IOException("closed");
                }
            });
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> loop.metrics().tlsHandshakesFailed() == 1);
        assertEquals(1, loop.metrics().tlsHandshakesCompleted());
    }

    @Test
    void connectTcpVerifiesTheServerAndFailsClearlyOnAnUntrustedOrMisnamedOne() throws Exception {
        InetSocketAddress trusted = echoServer(TlsOptions.server(CERTS.server()).build());
        InetSocketAddress untrusted = echoServer(TlsOptions.server(CERTS.context("untrusted", null)).build());
        InetSocketAddress misnamed = echoServer(TlsOptions.server(CERTS.context("other-host", null)).build());
        TcpOptions client = TcpOptions.builder().tls(TlsOptions.client(CERTS.client()).build()).build();

        CompletableFuture<String> reply = new CompletableFuture<>();
        Connection connection = loop.connectTcp(new InetSocketAddress("localhost", trusted.getPort()), client,
                new ConnectionHandler() {
                    @Override
                    public void onRead(Connection c, ByteBuffer data) {
                        reply.complete(StandardCharsets.US_ASCII.decode(data).toString());
                    }
                }).get(20, TimeUnit.SECONDS);
        assertEquals("TLSv1.3", connection.tlsSession().orElseThrow().getProtocol());
        connection.write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("hello", reply.get(10, TimeUnit.SECONDS));
        connection.close();

        CompletionException notTrusted = assertThrows(CompletionException.class, () -> loop.connectTcp(
                new InetSocketAddress("localhost", untrusted.getPort()), client, new TestEchoHandler()).join());
        assertTrue(notTrusted.getCause() instanceof SSLHandshakeException, notTrusted.toString());
        assertTrue(notTrusted.getCause().getMessage().contains("TLS handshake with localhost"), notTrusted.getCause().getMessage());
        assertTrue(notTrusted.getCause().getMessage().contains("PKIX"), notTrusted.getCause().getMessage());

        CompletionException wrongName = assertThrows(CompletionException.class, () -> loop.connectTcp(
                new InetSocketAddress("localhost", misnamed.getPort()), client, new TestEchoHandler()).join());
        assertTrue(wrongName.getCause() instanceof SSLHandshakeException, wrongName.toString());
        assertTrue(wrongName.getCause().getMessage().contains("No subject alternative DNS name matching localhost"),
                wrongName.getCause().getMessage());

        // A host string that is no DNS name for SNI ("my_host"): no SNI sent, the name still verified, the dial fails
        // cleanly (it once hung the dialer and the loop's shutdown).
        InetSocketAddress oddName = new InetSocketAddress(java.net.InetAddress.getByAddress("my_host", new byte[] {127, 0, 0, 1}),
                trusted.getPort());
        CompletionException odd = assertThrows(CompletionException.class,
                () -> loop.connectTcp(oddName, client, new TestEchoHandler()).join());
        assertTrue(odd.getCause() instanceof SSLHandshakeException, odd.toString());
        // Both ends are on this loop: each refused handshake counts once on the client and once on the server.
        await().atMost(10, TimeUnit.SECONDS).until(() -> loop.metrics().tlsHandshakesFailed() == 6);
    }

    @Test
    void thePeersCloseNotifyIsEndOfInputAndCloseSendsOne() throws Exception {
        CompletableFuture<Void> inputClosed = new CompletableFuture<>();
        TcpOptions options = TcpOptions.builder().tls(TlsOptions.server(CERTS.server()).build()).build();
        InetSocketAddress server = (InetSocketAddress) loop.listenTcp(Loopback.ANY_PORT_V4, options, c -> new TestEchoHandler() {
            @Override
            public void onInputClosed(Connection connection) {
                inputClosed.complete(null);
                connection.write(ByteBuffer.wrap("bye".getBytes(StandardCharsets.US_ASCII)));
                connection.close();
            }
        }).join().localAddress();
        try (SSLSocket socket = client(server)) {
            assertArrayEquals(new byte[] {9}, echo(socket, new byte[] {9}));
            socket.shutdownOutput(); // close_notify; TLS 1.3 keeps the other direction open
            inputClosed.get(10, TimeUnit.SECONDS);
            ByteArrayOutputStream rest = new ByteArrayOutputStream();
            socket.getInputStream().transferTo(rest); // to the server's close_notify: a clean end, no exception
            assertEquals("bye", rest.toString(StandardCharsets.US_ASCII));
        }
        assertFalse(loop.metrics().tlsHandshakesFailed() > 0);
    }

    @Test
    void sendFileGoesThroughTheEngineInOrderAndWithinTheWaterMarks(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        byte[] content = new byte[5 << 20];
        new Random(21).nextBytes(content);
        java.nio.file.Path path = java.nio.file.Files.write(dir.resolve("file.bin"), content);
        java.nio.channels.FileChannel file = java.nio.channels.FileChannel.open(path);
        CompletableFuture<Long> sent = new CompletableFuture<>();
        java.util.concurrent.atomic.AtomicLong pendingAtStart = new java.util.concurrent.atomic.AtomicLong();
        AtomicReference<Boolean> writableAtStart = new AtomicReference<>();
        long directBefore = directMemoryUsed();
        // A small socket buffer: the kernel takes little, so the pacing shows in the queue.
        TcpOptions options = TcpOptions.builder().sendBufferSize(32 * 1024)
                .tls(TlsOptions.server(CERTS.server()).build()).build();
        InetSocketAddress server = (InetSocketAddress) loop.listenTcp(Loopback.ANY_PORT_V4, options, c -> new ConnectionHandler() {
            @Override
            public void onOpen(Connection connection) {
                connection.write(ByteBuffer.wrap("head:".getBytes(StandardCharsets.US_ASCII)));
                connection.sendFile(file, 0, content.length).whenComplete((n, e) -> {
                    if (e != null) {
                        sent.completeExceptionally(e);
                    } else {
                        sent.complete(n);
                    }
                });
                pendingAtStart.set(connection.pendingOutboundBytes()); // the file counts as pending, as over plain TCP
                writableAtStart.set(connection.isWritable());
                connection.write(ByteBuffer.wrap(":tail".getBytes(StandardCharsets.US_ASCII))); // after the file
                connection.close(); // once the file and the tail have gone
            }

            @Override
            public void onRead(Connection connection, ByteBuffer data) {
            }

            @Override
            public void onWritable(Connection connection) {
            }
        }).join().localAddress();
        try (SSLSocket socket = client(server)) {
            socket.startHandshake();
            java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
            socket.getInputStream().transferTo(received); // to close_notify
            byte[] expected = new byte[content.length + 10];
            System.arraycopy("head:".getBytes(StandardCharsets.US_ASCII), 0, expected, 0, 5);
            System.arraycopy(content, 0, expected, 5, content.length);
            System.arraycopy(":tail".getBytes(StandardCharsets.US_ASCII), 0, expected, 5 + content.length, 5);
            assertArrayEquals(expected, received.toByteArray());
        }
        assertEquals(content.length, sent.get(10, TimeUnit.SECONDS));
        // What the kernel took at once (its buffers, a few hundred KiB) has left; the rest is pending.
        assertTrue(pendingAtStart.get() >= content.length / 2, "pending " + pendingAtStart.get());
        assertEquals(false, writableAtStart.get(), "isWritable() with " + pendingAtStart.get() + " B pending");
        // Read a record's worth at a time while the queue has room: the file never sits whole in chunks.
        long directGrowth = directMemoryUsed() - directBefore;
        System.out.printf("[measure] direct memory grown by a 5 MiB file over TLS: %,d B%n", directGrowth);
        assertTrue(directGrowth <= 256 * 1024, "the queue grew by " + directGrowth + " B of direct chunks");
        file.close();
    }

    @Test
    void aTlsFileTurnsTheConnectionUnwritableAndOnWritableFollowsTheDrain(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        byte[] content = new byte[5 << 20];
        new Random(22).nextBytes(content);
        java.nio.file.Path path = java.nio.file.Files.write(dir.resolve("file.bin"), content);
        java.nio.channels.FileChannel file = java.nio.channels.FileChannel.open(path);
        CompletableFuture<Long> sent = new CompletableFuture<>();
        java.util.concurrent.atomic.AtomicLong pendingAtStart = new java.util.concurrent.atomic.AtomicLong();
        AtomicReference<Boolean> writableAtStart = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicInteger writables = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicLong pendingAtWritable = new java.util.concurrent.atomic.AtomicLong(-1);
        AtomicReference<Boolean> writableInOnWritable = new AtomicReference<>();
        AtomicReference<Connection> opened = new AtomicReference<>();
        int high = 64 * 1024;
        int low = 0; // writable again only once all is out: a threshold that is exact to check
        // A small socket buffer: the kernel takes little, so the pacing shows in the queue.
        TcpOptions options = TcpOptions.builder().sendBufferSize(32 * 1024).highWaterMark(high).lowWaterMark(low)
                .tls(TlsOptions.server(CERTS.server()).build()).build();
        InetSocketAddress server = (InetSocketAddress) loop.listenTcp(Loopback.ANY_PORT_V4, options, c -> new ConnectionHandler() {
            @Override
            public void onOpen(Connection connection) {
                opened.set(connection);
                connection.write(ByteBuffer.wrap("head:".getBytes(StandardCharsets.US_ASCII)));
                connection.sendFile(file, 0, content.length).whenComplete((n, e) -> {
                    if (e != null) {
                        sent.completeExceptionally(e);
                    } else {
                        sent.complete(n);
                    }
                });
                pendingAtStart.set(connection.pendingOutboundBytes()); // the file counts as pending, as over plain TCP
                writableAtStart.set(connection.isWritable());
                connection.write(ByteBuffer.wrap(":tail".getBytes(StandardCharsets.US_ASCII))); // after the file
            }

            @Override
            public void onRead(Connection connection, ByteBuffer data) {
            }

            @Override
            public void onWritable(Connection connection) {
                if (writables.incrementAndGet() == 1) {
                    pendingAtWritable.set(connection.pendingOutboundBytes());
                    writableInOnWritable.set(connection.isWritable());
                }
            }
        }).join().localAddress();
        byte[] expected = new byte[content.length + 10];
        System.arraycopy("head:".getBytes(StandardCharsets.US_ASCII), 0, expected, 0, 5);
        System.arraycopy(content, 0, expected, 5, content.length);
        System.arraycopy(":tail".getBytes(StandardCharsets.US_ASCII), 0, expected, 5 + content.length, 5);
        try (SSLSocket socket = client(server)) {
            socket.startHandshake();
            assertArrayEquals(expected, socket.getInputStream().readNBytes(expected.length));
            assertEquals(content.length, sent.get(10, TimeUnit.SECONDS));
            // Writable again once down to the low water mark: onWritable after the drain, and once only.
            await().atMost(10, TimeUnit.SECONDS).until(() -> writables.get() >= 1);
            CompletableFuture<Integer> writablesAtClose = new CompletableFuture<>();
            loop.execute(() -> {
                writablesAtClose.complete(writables.get());
                opened.get().close();
            });
            assertEquals(1, writablesAtClose.get(10, TimeUnit.SECONDS), "onWritable calls");
            assertEquals(-1, socket.getInputStream().read(), "close_notify after the tail, nothing more");
        }
        // What the kernel took at once (its buffers, a few hundred KiB) has left; the rest is pending.
        assertTrue(pendingAtStart.get() >= content.length / 2, "pending " + pendingAtStart.get());
        assertEquals(false, writableAtStart.get(), "isWritable() with " + pendingAtStart.get() + " B pending, high water " + high);
        assertEquals(low, pendingAtWritable.get(), "pending at onWritable, low water " + low);
        assertEquals(true, writableInOnWritable.get(), "isWritable() in onWritable");
        file.close();
    }

    private static long directMemoryUsed() {
        return java.lang.management.ManagementFactory.getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class)
                .stream().filter(pool -> pool.getName().equals("direct")).mapToLong(
                        java.lang.management.BufferPoolMXBean::getMemoryUsed).sum();
    }

    @Test
    void aFileShorterThanTheRegionFailsTheFutureAndResetsTheConnection(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path path = java.nio.file.Files.write(dir.resolve("short.bin"), new byte[1000]);
        java.nio.channels.FileChannel file = java.nio.channels.FileChannel.open(path);
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        TcpOptions options = TcpOptions.builder().tls(TlsOptions.server(CERTS.server()).build()).build();
        InetSocketAddress server = (InetSocketAddress) loop.listenTcp(Loopback.ANY_PORT_V4, options, c -> new TestEchoHandler() {
            @Override
            public void onOpen(Connection connection) {
                connection.sendFile(file, 0, 5000).whenComplete((n, e) -> failure.complete(e));
            }
        }).join().localAddress();
        try (SSLSocket socket = client(server)) {
            socket.startHandshake();
            assertTrue(failure.get(10, TimeUnit.SECONDS) instanceof java.io.EOFException, String.valueOf(failure.get()));
            assertThrows(IOException.class, () -> {
                java.io.ByteArrayOutputStream sink = new java.io.ByteArrayOutputStream();
                socket.getInputStream().transferTo(sink); // reset, not a clean close_notify
            });
        }
        file.close();
    }

    /** What {@code openssl s_client} reads until the server ends the stream, and whether it saw close_notify. */
    private static String[] throughOpenssl(InetSocketAddress server, Runnable whileConnected) throws Exception {
        Process client = new ProcessBuilder("openssl", "s_client", "-quiet", "-connect", "127.0.0.1:" + server.getPort(),
                "-CAfile", CERTS.dir.resolve("ca.crt").toString()).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        try {
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(client.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8); // to the end
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            whileConnected.run();
            return new String[] {out.get(20, TimeUnit.SECONDS), err.get(20, TimeUnit.SECONDS)};
        } finally {
            client.destroyForcibly();
        }
    }

    @Test
    void opensslSeesACleanCloseNotifyNotATruncatedStream() throws Exception {
        TcpOptions options = TcpOptions.builder().tls(TlsOptions.server(CERTS.server()).build()).build();
        InetSocketAddress server = (InetSocketAddress) loop.listenTcp(Loopback.ANY_PORT_V4, options, c -> new TestEchoHandler() {
            @Override
            public void onOpen(Connection connection) {
                connection.write(ByteBuffer.wrap("bye\n".getBytes(StandardCharsets.US_ASCII)));
                connection.close();
            }
        }).join().localAddress();
        String[] result = throughOpenssl(server, () -> { });
        assertEquals("bye\n", result[0]);
        // Without close_notify OpenSSL 3 reports "unexpected eof while reading".
        assertFalse(result[1].contains("unexpected eof"), result[1]);
    }

    @Test
    void aLoopShutdownSendsCloseNotify() throws Exception {
        CompletableFuture<Connection> opened = new CompletableFuture<>();
        TcpOptions options = TcpOptions.builder().tls(TlsOptions.server(CERTS.server()).build()).build();
        InetSocketAddress server = (InetSocketAddress) loop.listenTcp(Loopback.ANY_PORT_V4, options, c -> new TestEchoHandler() {
            @Override
            public void onOpen(Connection connection) {
                connection.write(ByteBuffer.wrap("hello\n".getBytes(StandardCharsets.US_ASCII)));
                opened.complete(connection);
            }
        }).join().localAddress();
        String[] shutdown = throughOpenssl(server, () -> {
            try {
                opened.get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            loop.shutdownGracefully(java.time.Duration.ofSeconds(2)).join();
        });
        assertEquals("hello\n", shutdown[0]);
        assertFalse(shutdown[1].contains("unexpected eof"), "close_notify on shutdown: " + shutdown[1]);
    }

    @Test
    void shutdownOutputSendsCloseNotifyAndTls13KeepsReading() throws Exception {
        CompletableFuture<String> readAfterShutdown = new CompletableFuture<>();
        TcpOptions options = TcpOptions.builder().tls(TlsOptions.server(CERTS.server()).build()).build();
        InetSocketAddress server = (InetSocketAddress) loop.listenTcp(Loopback.ANY_PORT_V4, options, c -> new ConnectionHandler() {
            @Override
            public void onOpen(Connection connection) {
                connection.write(ByteBuffer.wrap("done".getBytes(StandardCharsets.US_ASCII)));
                connection.shutdownOutput(); // close_notify; the input stays open with TLS 1.3
            }

            @Override
            public void onRead(Connection connection, ByteBuffer data) {
                readAfterShutdown.complete(StandardCharsets.US_ASCII.decode(data).toString());
            }
        }).join().localAddress();
        String[] viaOpenssl = throughOpenssl(server, () -> { });
        assertEquals("done", viaOpenssl[0]);
        assertFalse(viaOpenssl[1].contains("unexpected eof"), "close_notify, not a bare FIN: " + viaOpenssl[1]);
        try (SSLSocket socket = client(server, "TLSv1.3")) {
            java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
            socket.getInputStream().transferTo(received); // ends at the server's close_notify
            assertEquals("done", received.toString(StandardCharsets.US_ASCII));
            socket.getOutputStream().write("still talking".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            assertEquals("still talking", readAfterShutdown.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void idleTlsConnectionsHoldNoDirectMemoryOfTheirOwn() throws Exception {
        InetSocketAddress server = echoServer(TlsOptions.server(CERTS.server()).build());
        try (SSLSocket first = client(server)) {
            assertArrayEquals(new byte[] {1}, echo(first, new byte[] {1})); // the loop's buffers exist now
            java.lang.management.BufferPoolMXBean direct = java.lang.management.ManagementFactory
                    .getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class).stream()
                    .filter(pool -> pool.getName().equals("direct")).findFirst().orElseThrow();
            long before = direct.getMemoryUsed();
            List<SSLSocket> idle = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 300; i++) {
                    SSLSocket socket = client(server);
                    socket.startHandshake();
                    idle.add(socket);
                }
                await().atMost(20, TimeUnit.SECONDS).until(() -> loop.metrics().tlsHandshakesCompleted() == 301);
                long grown = direct.getMemoryUsed() - before;
                System.out.println("[measure] direct memory after 300 idle TLS connections: " + grown + " bytes more");
                assertTrue(grown < 64 * 1024, grown + " bytes of direct memory for 300 idle TLS connections");
            } finally {
                for (SSLSocket socket : idle) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void aHandlerThatThrowsClosesWithItsExceptionAndGetsNoMoreReadsAfterClose() throws Exception {
        CompletableFuture<Throwable> closedWith = new CompletableFuture<>();
        java.util.concurrent.atomic.AtomicInteger readsAfterClose = new java.util.concurrent.atomic.AtomicInteger();
        AtomicReference<byte[]> readBeforeClose = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicLong bytesReadAtClose = new java.util.concurrent.atomic.AtomicLong();
        // A small socket buffer: the 4 MiB written before close() stays queued, so the connection is still open.
        TcpOptions options = TcpOptions.builder().sendBufferSize(16 * 1024)
                .tls(TlsOptions.server(CERTS.server()).build()).build();
        InetSocketAddress server = (InetSocketAddress) loop.listenTcp(Loopback.ANY_PORT_V4, options, c -> new ConnectionHandler() {
            private boolean closed;

            @Override
            public void onRead(Connection connection, ByteBuffer data) {
                if (closed) {
                    readsAfterClose.incrementAndGet();
                    return;
                }
                if (data.get(data.position()) == 'c') { // close while records of the same read wait
                    closed = true;
                    bytesReadAtClose.set(loop.metrics().bytesRead());
                    byte[] copy = new byte[data.remaining()];
                    data.get(copy);
                    readBeforeClose.set(copy);
                    connection.write(ByteBuffer.allocate(4 << 20)); // still flushing, so still open
                    connection.close();
                    return;
                }
                throw new IllegalStateException("handler bug");
            }

            @Override
            public void onClose(Connection connection, Throwable cause) {
                closedWith.complete(cause);
            }
        }).join().localAddress();
        try (SSLSocket socket = client(server)) {
            socket.getOutputStream().write('x');
            socket.getOutputStream().flush();
            Throwable cause = closedWith.get(10, TimeUnit.SECONDS);
            assertEquals("handler bug", cause.getMessage(), "onClose gets what the handler threw");
        }
        // Four records in one write on a raw socket, while the loop is held: the server's first read takes all
        // four, the handler closes on the first, and the three others, read already, are never handed over.
        byte[][] plaintexts = {filled('c', 4000), filled('d', 4000), filled('e', 4000), filled('f', 4000)};
        try (EngineClient client = new EngineClient(server, CERTS.client())) {
            client.handshake();
            byte[] records = client.records(plaintexts);
            await().atMost(10, TimeUnit.SECONDS).until(() -> loop.metrics().tlsHandshakesCompleted() == 2);
            long before = sendWhileTheLoopIsHeld(client, records);
            await().atMost(10, TimeUnit.SECONDS).until(() -> readBeforeClose.get() != null);
            assertEquals(records.length, bytesReadAtClose.get() - before, "all four records came in the first read");
            assertArrayEquals(plaintexts[0], readBeforeClose.get(), "the one record handed over, exactly");
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> loop.metrics().connectionsOpen() == 0);
        assertEquals(0, readsAfterClose.get(), "onRead after close()");
    }

    /**
     * Holds the loop, sends {@code bytes} in one write, then lets the loop go: they are all in the
     * server's socket when it reads. @return the loop's bytesRead before
     */
    private long sendWhileTheLoopIsHeld(EngineClient client, byte[] bytes) throws Exception {
        CompletableFuture<Long> before = new CompletableFuture<>();
        java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
        loop.execute(() -> {
            before.complete(loop.metrics().bytesRead());
            awaitQuietly(held);
        });
        long bytesBefore = before.get(10, TimeUnit.SECONDS);
        try {
            client.send(bytes); // one write call
        } finally {
            held.countDown();
        }
        return bytesBefore;
    }

    @Test
    void fourRecordsInOneReadAreHandedOverOneByOneExactly() throws Exception {
        List<byte[]> reads = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicInteger readCompletes = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicLong bytesReadAtFirstRecord = new java.util.concurrent.atomic.AtomicLong();
        TcpOptions options = TcpOptions.builder().tls(TlsOptions.server(CERTS.server()).build()).build();
        InetSocketAddress server = (InetSocketAddress) loop.listenTcp(Loopback.ANY_PORT_V4, options, c -> new ConnectionHandler() {
            @Override
            public void onRead(Connection connection, ByteBuffer data) {
                if (reads.isEmpty()) {
                    bytesReadAtFirstRecord.set(loop.metrics().bytesRead());
                }
                byte[] copy = new byte[data.remaining()];
                data.get(copy);
                reads.add(copy);
            }

            @Override
            public void onReadComplete(Connection connection) {
                readCompletes.incrementAndGet();
            }
        }).join().localAddress();
        byte[][] plaintexts = {filled('a', 16_000), filled('b', 1), filled('c', 10_000), filled('d', 12_000)};
        try (EngineClient client = new EngineClient(server, CERTS.client())) {
            client.handshake();
            byte[] records = client.records(plaintexts);
            await().atMost(10, TimeUnit.SECONDS).until(() -> loop.metrics().tlsHandshakesCompleted() == 1);
            long bytesBefore = sendWhileTheLoopIsHeld(client, records);
            await().atMost(10, TimeUnit.SECONDS).until(() -> reads.size() >= 4);
            assertEquals(records.length, bytesReadAtFirstRecord.get() - bytesBefore, "all four records came in the first read");
            assertEquals(4, reads.size(), "one onRead per record: " + reads.stream().map(r -> r.length).toList());
            for (int i = 0; i < 4; i++) {
                assertArrayEquals(plaintexts[i], reads.get(i), "record " + i);
            }
            await().atMost(10, TimeUnit.SECONDS).until(() -> readCompletes.get() >= 1);
            assertEquals(1, readCompletes.get(), "one read burst, one onReadComplete");
        }
    }

    private static byte[] filled(char c, int length) {
        byte[] bytes = new byte[length];
        java.util.Arrays.fill(bytes, (byte) c);
        return bytes;
    }

    private static void awaitQuietly(java.util.concurrent.CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
