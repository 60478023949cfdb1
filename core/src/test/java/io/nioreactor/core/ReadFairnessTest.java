package io.nioreactor.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One loop shared by peers that flood and a peer that asks and waits: the one that waits must
 * not wait behind the floods. Counted in bytes, not time: what the loop reads from the others
 * while one request of 64 bytes is on its way is the work that request waited behind.
 */
class ReadFairnessTest {

    private static final int FLOODERS = 40;
    private static final int ROUND_TRIPS = 200;

    private final EventLoop loop = EventLoop.start("fairness-test");

    @AfterEach
    void shutdown() {
        loop.shutdownGracefully(Duration.ofSeconds(1)).orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Test
    void aPeerThatAsksAndWaitsIsReadBeforeTheFloodsOfOneIterationAreAllRead() throws Exception {
        SocketAddress address = loop.listenTcp(Loopback.ANY_PORT_V4, TcpOptions.defaults(), c -> new TestEchoHandler())
                .join().localAddress();
        LoopMetrics metrics = loop.metrics();
        try (SocketChannel asker = Loopback.connect(address);
                BulkClients floods = BulkClients.start((InetSocketAddress) address, FLOODERS)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> metrics.bytesRead() > 64L << 20); // in full flow
            floods.stillFlowing(); // from here
            long[] readBehind = new long[ROUND_TRIPS];
            ByteBuffer request = ByteBuffer.allocate(64);
            ByteBuffer answer = ByteBuffer.allocate(64);
            for (int i = 0; i < ROUND_TRIPS; i++) {
                request.clear();
                answer.clear();
                long before = metrics.bytesRead();
                while (request.hasRemaining()) {
                    asker.write(request);
                }
                while (answer.hasRemaining()) {
                    assertTrue(asker.read(answer) >= 0, "the asker's connection ended");
                }
                readBehind[i] = metrics.bytesRead() - before - request.capacity();
            }
            assertTrue(floods.stillFlowing(), "the floods were still being echoed during the round trips");
            Arrays.sort(readBehind);
            long median = readBehind[ROUND_TRIPS / 2];
            long p90 = readBehind[ROUND_TRIPS * 9 / 10];
            System.out.printf("[measure] %d flooders on the asker's loop: read from them during one 64-byte round"
                    + " trip: median %,d B, p90 %,d B, max %,d B%n", FLOODERS, median, p90, readBehind[ROUND_TRIPS - 1]);
            // An iteration reads about 1 MiB from floods before it serves only those that wait, so a round
            // trip waits behind a few MiB; without that, behind up to 16 reads of 64 KiB from each flooder
            // (measured with the fairness taken out: p90 41 and 47 MiB).
            assertTrue(p90 < 8L << 20, "a 64-byte round trip waited behind " + p90 + " bytes of floods (p90)");
            assertEquals(0, metrics.handlerFailures());
        }
    }

    /** Peers that write 64 KiB blocks and read their echo, as fast as the loop takes them; one thread. */
    private static final class BulkClients implements AutoCloseable {
        private final Selector selector;
        private final List<SocketChannel> channels = new ArrayList<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread driver;
        private volatile long echoed;
        private long echoedAtLastCheck;

        private BulkClients(Selector selector) {
            this.selector = selector;
            this.driver = new Thread(this::drive, "bulk-clients");
        }

        static BulkClients start(InetSocketAddress address, int count) throws IOException {
            BulkClients clients = new BulkClients(Selector.open());
            for (int i = 0; i < count; i++) {
                SocketChannel channel = SocketChannel.open(address);
                channel.configureBlocking(false);
                channel.register(clients.selector, SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                clients.channels.add(channel);
            }
            clients.driver.setDaemon(true);
            clients.driver.start();
            return clients;
        }

        private void drive() {
            ByteBuffer block = ByteBuffer.allocateDirect(64 * 1024);
            ByteBuffer sink = ByteBuffer.allocateDirect(256 * 1024);
            try {
                while (running.get()) {
                    selector.select(key -> {
                        SocketChannel channel = (SocketChannel) key.channel();
                        try {
                            if (key.isReadable()) {
                                sink.clear();
                                int n = channel.read(sink);
                                if (n > 0) {
                                    echoed += n;
                                }
                            }
                            if (key.isValid() && key.isWritable()) {
                                block.clear();
                                channel.write(block);
                            }
                        } catch (IOException e) {
                            key.cancel();
                        }
                    }, 100);
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Whether echoes came back since the last call. */
        boolean stillFlowing() {
            long now = echoed;
            boolean flowing = now > echoedAtLastCheck;
            echoedAtLastCheck = now;
            return flowing;
        }

        @Override
        public void close() throws IOException {
            running.set(false);
            selector.wakeup();
            try {
                driver.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (SocketChannel channel : channels) {
                channel.close();
            }
            selector.close();
        }
    }
}
