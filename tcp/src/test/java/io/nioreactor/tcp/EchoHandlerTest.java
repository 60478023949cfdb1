package io.nioreactor.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nioreactor.core.EventLoop;
import io.nioreactor.core.TcpOptions;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EchoHandlerTest {

    private final EventLoop loop = EventLoop.start("echo-handler-test");

    @AfterEach
    void shutdown() {
        loop.shutdownGracefully(Duration.ofSeconds(1)).orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Test
    void afterThePeerHalfClosesEverythingItSentIsEchoedThenOurSideCloses() throws Exception {
        // Small water marks: the handler pauses and resumes reading many times on the way.
        TcpOptions options = TcpOptions.builder().highWaterMark(8 * 1024).lowWaterMark(1024).build();
        InetSocketAddress server = (InetSocketAddress) loop.listenTcp(new InetSocketAddress("127.0.0.1", 0), options,
                c -> EchoHandler.INSTANCE).join().localAddress();
        byte[] sent = new byte[8 << 20];
        new Random(3).nextBytes(sent);

        try (Socket client = new Socket(server.getAddress(), server.getPort())) {
            CompletableFuture<byte[]> received = new CompletableFuture<>();
            Thread reader = new Thread(() -> {
                try {
                    InputStream in = client.getInputStream();
                    ByteArrayOutputStream all = new ByteArrayOutputStream();
                    in.transferTo(all); // until the server closes its side
                    received.complete(all.toByteArray());
                } catch (Exception e) {
                    received.completeExceptionally(e);
                }
            });
            reader.start();
            OutputStream out = client.getOutputStream();
            out.write(sent);
            client.shutdownOutput();

            assertArrayEquals(sent, received.get(30, TimeUnit.SECONDS));
        }
        assertEquals(sent.length, loop.metrics().bytesWritten());
    }
}
