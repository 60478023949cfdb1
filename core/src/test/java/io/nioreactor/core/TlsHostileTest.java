package io.nioreactor.core;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a TLS port meets from peers that do not play along: each gets a clean end, counted, while
 * one well-behaved TLS client keeps its echo through all of it on the same loop.
 */
class TlsHostileTest {

    private static final TestCertificates CERTS = TestCertificates.get();

    private final EventLoop loop = EventLoop.start("tls-hostile");
    /** What the handlers of the server saw: only the bystander may reach them. */
    private final java.util.concurrent.atomic.AtomicInteger handlerOpens = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger handlerCloses = new java.util.concurrent.atomic.AtomicInteger();
    private InetSocketAddress server;
    private SSLSocket bystander;

    @BeforeEach
    void start() throws IOException {
        // The bystander has a server of its own on the same loop, with the default handshake timeout:
        // the first handshake of a cold JVM on a busy machine may take longer than the hostile server's.
        InetSocketAddress bystanderServer = (InetSocketAddress) loop.listenTcp(Loopback.ANY_PORT_V4,
                TcpOptions.builder().tls(TlsOptions.server(CERTS.server()).build()).build(),
                c -> new TestEchoHandler()).join().localAddress();
        bystander = (SSLSocket) CERTS.client().getSocketFactory().createSocket("localhost", bystanderServer.getPort());
        bystander.setSoTimeout(20_000);
        assertBystanderEchoes();

        TlsOptions tls = TlsOptions.server(CERTS.server()).handshakeTimeout(Duration.ofSeconds(2)).build();
        server = (InetSocketAddress) loop.listenTcp(Loopback.ANY_PORT_V4, TcpOptions.builder().tls(tls).build(),
                c -> new TestEchoHandler() {
                    @Override
                    public void onOpen(Connection connection) {
                        handlerOpens.incrementAndGet();
                    }

                    @Override
                    public void onClose(Connection connection, Throwable cause) {
                        handlerCloses.incrementAndGet();
                    }
                }).join().localAddress();
    }

    @AfterEach
    void stop() throws IOException {
        bystander.close();
        loop.shutdownGracefully(Duration.ofSeconds(2)).join();
    }

    private SSLSocket client() throws IOException {
        SSLSocket socket = (SSLSocket) CERTS.client().getSocketFactory().createSocket("localhost", server.getPort());
        socket.setSoTimeout(20_000);
        return socket;
    }

    /** The bad peer never reached the handler (no onOpen, no onClose) and the bystander still echoes. */
    private void assertOnlyTheBystanderWasServed() throws IOException {
        assertBystanderEchoes();
        assertEquals(0, handlerOpens.get(), "onOpen calls for the bad peer");
        assertEquals(0, handlerCloses.get(), "onClose calls for the bad peer");
        assertEquals(2, loop.metrics().connectionsAccepted(), "the bystander and the bad peer");
        assertEquals(1, loop.metrics().connectionsOpen(), "the bad peer is closed");
    }

    private void assertBystanderEchoes() throws IOException {
        byte[] line = "still here\n".getBytes(StandardCharsets.US_ASCII);
        bystander.getOutputStream().write(line);
        bystander.getOutputStream().flush();
        assertArrayEquals(line, bystander.getInputStream().readNBytes(line.length));
    }

    /** TLS over a plain socket the test can also write raw bytes to: a handshake and a one-byte echo first. */
    private static SSLSocket handshakeAndEchoOver(Socket plain, int port) throws IOException {
        SSLSocket tlsOver = (SSLSocket) CERTS.client().getSocketFactory().createSocket(plain, "localhost", port, false);
        tlsOver.setSoTimeout(10_000);
        tlsOver.getOutputStream().write(1);
        tlsOver.getOutputStream().flush();
        assertEquals(1, tlsOver.getInputStream().read());
        return tlsOver;
    }

    /** Reads until the server ends the connection (EOF or reset); fails if it stays open. */
    private static void assertEndedByServer(Socket socket) throws IOException {
        socket.setSoTimeout(10_000);
        InputStream in = socket.getInputStream();
        try {
            while (in.read() >= 0) {
                // an alert, then the end
            }
        } catch (java.net.SocketTimeoutException e) {
            throw new AssertionError("the server kept the connection open", e);
        } catch (IOException reset) {
            // a reset is an end too
        }
    }

    @Test
    void aPlainTextClientIsClosedAndCounted() throws IOException {
        try (Socket plain = new Socket("127.0.0.1", server.getPort())) {
            plain.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEndedByServer(plain);
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> loop.metrics().tlsHandshakesFailed() == 1);
        assertOnlyTheBystanderWasServed();
    }

    @Test
    void garbageInsteadOfAClientHelloIsClosedAndCounted() throws IOException {
        byte[] garbage = new byte[4096];
        new Random(3).nextBytes(garbage);
        garbage[0] = 0x16; // a handshake record type, so the engine reads further before refusing
        try (Socket socket = new Socket("127.0.0.1", server.getPort())) {
            socket.getOutputStream().write(garbage);
            assertEndedByServer(socket);
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> loop.metrics().tlsHandshakesFailed() == 1);
        assertOnlyTheBystanderWasServed();
    }

    @Test
    void aStalledHandshakeTimesOut() throws IOException {
        long start = System.nanoTime();
        try (Socket silent = new Socket("127.0.0.1", server.getPort())) {
            silent.getOutputStream().write(new byte[] {0x16, 0x03, 0x01}); // the start of a record, then nothing
            assertEndedByServer(silent);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("[measure] a stalled handshake ended after " + millis + " ms (timeout 2 s)");
        assertTrue(millis >= 1_900 && millis < 20_000, millis + " ms");
        assertEquals(1, loop.metrics().tlsHandshakesTimedOut());
        assertEquals(0, loop.metrics().tlsHandshakesFailed());
        assertOnlyTheBystanderWasServed();
    }

    @Test
    void aClientThatDoesNotTrustTheServerIsCounted() throws IOException {
        try (SSLSocket distrustful = (SSLSocket) CERTS.context(null, "stranger-ca").getSocketFactory()
                .createSocket("localhost", server.getPort())) {
            distrustful.setSoTimeout(10_000);
            try {
                distrustful.startHandshake();
                throw new AssertionError("the handshake succeeded with a server it does not trust");
            } catch (javax.net.ssl.SSLHandshakeException expected) {
                // certificate_unknown goes to the server
            }
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> loop.metrics().tlsHandshakesFailed() == 1);
        assertOnlyTheBystanderWasServed();
    }

    @Test
    void aPeerThatResetsMidRecordIsClosedWithoutHarm() throws Exception {
        CompletableFuture<Throwable> resetSeen = new CompletableFuture<>();
        TlsOptions tls = TlsOptions.server(CERTS.server()).build();
        InetSocketAddress address = (InetSocketAddress) loop.listenTcp(Loopback.ANY_PORT_V4,
                TcpOptions.builder().tls(tls).build(), c -> new TestEchoHandler() {
                    @Override
                    public void onClose(Connection connection, Throwable cause) {
                        resetSeen.complete(cause);
                    }
                }).join().localAddress();
        Socket plain = new Socket("127.0.0.1", address.getPort());
        handshakeAndEchoOver(plain, address.getPort());
        long before = loop.metrics().bytesRead(); // the echo came back: the server has read all the client sent
        // Half a record straight on the TCP socket (a header announcing 16 KiB, 100 bytes of it); the reset only
        // once the server has read those 105 bytes, so that it comes while the server holds half a record.
        OutputStream raw = plain.getOutputStream();
        raw.write(new byte[] {0x17, 0x03, 0x03, 0x40, 0x00});
        raw.write(new byte[100]);
        raw.flush();
        await("the server has read the half record").atMost(10, TimeUnit.SECONDS)
                .until(() -> loop.metrics().bytesRead() - before >= 105);
        assertEquals(105, loop.metrics().bytesRead() - before, "what the server read of the half record");
        assertEquals(2, loop.metrics().connectionsOpen(), "the bystander and the peer holding half a record");
        plain.setSoLinger(true, 0);
        plain.close();
        Throwable cause = resetSeen.get(10, TimeUnit.SECONDS);
        assertTrue(cause instanceof IOException && !(cause instanceof javax.net.ssl.SSLException),
                "closed with the reset as its cause, not a TLS error: " + cause);
        await().atMost(10, TimeUnit.SECONDS).until(() -> loop.metrics().connectionErrors() == 1);
        assertEquals(1, loop.metrics().connectionsOpen(), "the bystander only");
        assertBystanderEchoes();
    }

    @Test
    void aPeerThatEndsInsideARecordIsCountedAndEndsTheInput() throws Exception {
        CompletableFuture<Void> inputClosed = new CompletableFuture<>();
        InetSocketAddress address = (InetSocketAddress) loop.listenTcp(Loopback.ANY_PORT_V4,
                TcpOptions.builder().tls(TlsOptions.server(CERTS.server()).build()).build(), c -> new TestEchoHandler() {
                    @Override
                    public void onInputClosed(Connection connection) {
                        inputClosed.complete(null);
                        connection.close();
                    }
                }).join().localAddress();
        try (Socket plain = new Socket("127.0.0.1", address.getPort())) {
            handshakeAndEchoOver(plain, address.getPort());
            plain.getOutputStream().write(new byte[] {0x17, 0x03, 0x03, 0x40, 0x00, 1, 2, 3}); // a record begun
            plain.shutdownOutput(); // then a FIN, no close_notify
            inputClosed.get(10, TimeUnit.SECONDS);
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> loop.metrics().connectionErrors() == 1);
        assertBystanderEchoes();
    }

    @Test
    void bytesAfterCloseNotifyAreNotReadNorKept() throws Exception {
        InetSocketAddress address = (InetSocketAddress) loop.listenTcp(Loopback.ANY_PORT_V4,
                TcpOptions.builder().tls(TlsOptions.server(CERTS.server()).build()).build(), c -> new TestEchoHandler() {
                    @Override
                    public void onInputClosed(Connection connection) {
                        // half-closed, kept open (TLS 1.3 allows it): only the TLS layer can stop the reading
                    }
                }).join().localAddress();
        try (Socket plain = new Socket("127.0.0.1", address.getPort())) {
            SSLSocket tlsOver = handshakeAndEchoOver(plain, address.getPort());
            tlsOver.shutdownOutput(); // close_notify (TLS 1.3: the server may still write)
            long before = loop.metrics().bytesRead();
            java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
            CompletableFuture<Void> junk = CompletableFuture.runAsync(() -> {
                byte[] chunk = new byte[64 * 1024];
                try {
                    for (int i = 0; i < 256; i++) { // 16 MiB that must not be read
                        plain.getOutputStream().write(chunk);
                        written.addAndGet(chunk.length);
                    }
                } catch (IOException e) {
                    // the reset at the end of the test
                }
            });
            // Only once junk has gone out does watching the server's reads tell anything.
            await().atMost(10, TimeUnit.SECONDS).until(() -> written.get() > 0);
            // The server stops reading: at most what was in flight with close_notify is read.
            await("under 256 KiB read after close_notify, for 500 ms").during(Duration.ofMillis(500))
                    .atMost(10, TimeUnit.SECONDS).until(() -> loop.metrics().bytesRead() - before < 256 * 1024);
            System.out.println("[measure] read after close_notify: " + (loop.metrics().bytesRead() - before)
                    + " bytes, while the peer had written " + written.get());
            assertTrue(loop.metrics().bytesRead() - before < 256 * 1024, "read after close_notify");
            assertEquals(2, loop.metrics().connectionsOpen(), "the half-closed connection stays open, unread");
            plain.setSoLinger(true, 0);
        }
        assertBystanderEchoes();
    }

    @Test
    void aNonReadingPeerCannotGrowTheQueueBeyondTheWaterMarks() throws Exception {
        TestEchoHandler handler = new TestEchoHandler();
        TcpOptions options = TcpOptions.builder().highWaterMark(64 * 1024).lowWaterMark(32 * 1024)
                .tls(TlsOptions.server(CERTS.server()).build()).build();
        InetSocketAddress address = (InetSocketAddress) loop.listenTcp(Loopback.ANY_PORT_V4, options, c -> handler)
                .join().localAddress();
        byte[] sent = new byte[8 << 20];
        new Random(5).nextBytes(sent);
        try (SSLSocket socket = (SSLSocket) CERTS.client().getSocketFactory().createSocket("localhost", address.getPort())) {
            socket.setSoTimeout(30_000);
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    socket.getOutputStream().write(sent);
                    socket.getOutputStream().flush();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            // Nobody reads yet: the server must stop reading once its queue passes the high water mark.
            await().atMost(20, TimeUnit.SECONDS).until(handler.paused::get);
            long held = handler.maxPendingOutbound.get();
            System.out.println("[measure] non-reading TLS peer: at most " + held + " bytes queued (high water 65536)");
            assertTrue(held <= 64 * 1024 + 34 * 1024, "queued " + held);
            byte[] back = socket.getInputStream().readNBytes(sent.length); // now read: all of it, exact
            writer.get(30, TimeUnit.SECONDS);
            assertArrayEquals(sent, back);
            assertTrue(handler.maxPendingOutbound.get() <= 64 * 1024 + 34 * 1024, "queued " + handler.maxPendingOutbound.get());
        }
    }
}
