package io.nioreactor.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nioreactor.core.Connection;
import io.nioreactor.core.ConnectionHandler;
import io.nioreactor.core.EventLoop;
import io.nioreactor.core.TcpOptions;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
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
        // Small water marks and kernel buffers: the handler pauses and resumes reading many times.
        TcpOptions options = TcpOptions.builder().highWaterMark(8 * 1024).lowWaterMark(1024)
                .sendBufferSize(4096).receiveBufferSize(4096).build();
        PauseCounter counting = new PauseCounter();
        InetSocketAddress server = (InetSocketAddress) loop.listenTcp(new InetSocketAddress("127.0.0.1", 0), options,
                c -> counting).join().localAddress();
        byte[] sent = new byte[8 << 20];
        new Random(3).nextBytes(sent);

        try (Socket client = new Socket()) {
            client.setReceiveBufferSize(4096);
            client.connect(server);
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
        System.out.printf("[measure] 8 MiB through 8 KiB / 1 KiB water marks: reading paused %d times, resumed %d times%n",
                counting.pauses, counting.resumes);
        assertTrue(counting.pauses >= 10, "reading paused only " + counting.pauses + " times");
        assertTrue(counting.resumes >= counting.pauses - 1, "resumed " + counting.resumes + " of " + counting.pauses);
    }

    /** EchoHandler, counting each time it turns reading off and back on. Loop thread only. */
    private static final class PauseCounter implements ConnectionHandler {
        volatile int pauses;
        volatile int resumes;

        @Override
        public void onRead(Connection connection, ByteBuffer data) {
            boolean wasReading = connection.isAutoRead();
            EchoHandler.INSTANCE.onRead(connection, data);
            if (wasReading && !connection.isAutoRead()) {
                pauses++;
            }
        }

        @Override
        public void onWritable(Connection connection) {
            boolean wasReading = connection.isAutoRead();
            EchoHandler.INSTANCE.onWritable(connection);
            if (!wasReading && connection.isAutoRead()) {
                resumes++;
            }
        }

        @Override
        public void onInputClosed(Connection connection) {
            EchoHandler.INSTANCE.onInputClosed(connection);
        }
    }
}
