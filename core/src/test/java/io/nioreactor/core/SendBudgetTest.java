package io.nioreactor.core;

import static io.nioreactor.core.Loopback.ANY_PORT_V4;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The loop's send budget, with real sockets: many peers that do not read, each below its own
 * water marks, together cannot make the loop hold more than the budget plus one read each, and
 * nobody loses a byte.
 */
class SendBudgetTest {

    private static final int BUDGET = 256 * 1024;
    private static final int PEERS = 8;
    private static final long PER_PEER = 2 << 20;
    private static final int READ_BUFFER = 64 * 1024;

    private final EventLoop loop = EventLoop.start("budget-test", LoopOptions.builder().maxQueuedBytes(BUDGET).build());

    @AfterEach
    void shutdown() {
        loop.shutdownGracefully(Duration.ofSeconds(1)).orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Test
    void aSpentBudgetPausesThePeersHoldingQueuedBytesServesTheOthersAndLosesNothing() throws Exception {
        // Water marks far above the budget and a handler that never pauses by itself: only the
        // loop's budget can hold these peers back.
        // Small kernel buffers on both sides, so the echo backs up in the loop and not in the kernel.
        TcpOptions options = TcpOptions.builder().highWaterMark(16 << 20).lowWaterMark(8 << 20)
                .sendBufferSize(8192).receiveBufferSize(8192).build();
        AtomicInteger toldNotWritable = new AtomicInteger();
        AtomicInteger onWritable = new AtomicInteger();
        SocketAddress server = loop.listenTcp(ANY_PORT_V4, options, c -> new ConnectionHandler() {
            @Override
            public void onRead(Connection connection, ByteBuffer data) {
                connection.write(data);
                if (!connection.isWritable()) {
                    toldNotWritable.incrementAndGet();
                }
            }

            @Override
            public void onWritable(Connection connection) {
                onWritable.incrementAndGet();
            }
        }).join().localAddress();

        List<SocketChannel> peers = new ArrayList<>();
        List<CompletableFuture<byte[]>> sent = new ArrayList<>();
        try (SocketChannel normal = Loopback.connect(server)) {
            for (int i = 0; i < PEERS; i++) {
                SocketChannel peer = SocketChannel.open();
                peer.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
                peer.setOption(StandardSocketOptions.SO_SNDBUF, 8192);
                peer.connect(server);
                peers.add(peer);
                long seed = i;
                sent.add(Loopback.async(() -> Loopback.writePattern(peer, PER_PEER, seed)));
            }
            await().atMost(10, TimeUnit.SECONDS).until(() -> loop.metrics().queueBudgetExhaustions() > 0);
            await().atMost(10, TimeUnit.SECONDS).until(() -> toldNotWritable.get() > 0);

            for (int i = 0; i < 20; i++) { // a peer with nothing queued is served all along
                Loopback.writeAscii(normal, "ping" + i % 10);
                assertEquals("ping" + i % 10, Loopback.readAscii(normal, 5));
            }
            assertTrue(sent.stream().noneMatch(CompletableFuture::isDone), "the writers are held back by TCP");

            List<CompletableFuture<Loopback.Digest>> echoed = new ArrayList<>();
            for (SocketChannel peer : peers) {
                echoed.add(Loopback.async(() -> Loopback.readDigestOf(peer, PER_PEER)));
            }
            for (int i = 0; i < PEERS; i++) {
                Loopback.Digest digest = echoed.get(i).get(60, TimeUnit.SECONDS);
                assertEquals(PER_PEER, digest.bytes(), "bytes echoed to peer " + i);
                assertArrayEquals(sent.get(i).get(10, TimeUnit.SECONDS), digest.sha256(), "bytes of peer " + i);
            }
        } finally {
            for (SocketChannel peer : peers) {
                peer.close();
            }
        }

        LoopMetrics m = loop.metrics();
        long bound = BUDGET + (long) (PEERS + 1) * READ_BUFFER;
        System.out.printf("[measure] %d peers x %d KiB through a %d KiB budget: peak held %d KiB (bound %d KiB),"
                + " budget spent %d times, told not writable %d times, onWritable %d times%n", PEERS, PER_PEER >> 10,
                BUDGET >> 10, m.peakQueuedBytes() >> 10, bound >> 10, m.queueBudgetExhaustions(),
                toldNotWritable.get(), onWritable.get());
        assertTrue(m.peakQueuedBytes() <= bound, "peak " + m.peakQueuedBytes() + " above " + bound);
        assertTrue(onWritable.get() > 0, "paused connections are told when they may write again");
        await().atMost(5, TimeUnit.SECONDS).until(() -> m.queuedBytes() == 0);
        assertEquals(BUDGET, m.maxQueuedBytes());
    }

    @Test
    void aConnectionHoldingQueuedBytesIsNotWritableOnceTheBudgetIsSpentAndIsToldWhenItMayGoOn() throws Exception {
        // Budget 128 KiB: A queues 100 KiB (within it), then B queues 100 KiB and spends it.
        TcpOptions small = TcpOptions.builder().highWaterMark(1 << 20).lowWaterMark(1 << 19)
                .sendBufferSize(4096).build();
        EventLoop tight = EventLoop.start("budget-lazy-test", LoopOptions.builder().maxQueuedBytes(128 * 1024).build());
        try {
            List<Connection> opened = new java.util.concurrent.CopyOnWriteArrayList<>();
            AtomicInteger writableAgain = new AtomicInteger();
            SocketAddress server = tight.listenTcp(ANY_PORT_V4, small, c -> new ConnectionHandler() {
                @Override
                public void onOpen(Connection connection) {
                    opened.add(connection);
                }

                @Override
                public void onRead(Connection connection, ByteBuffer data) {
                }

                @Override
                public void onWritable(Connection connection) {
                    writableAgain.incrementAndGet();
                }
            }).join().localAddress();
            try (SocketChannel a = smallReceiver(server); SocketChannel b = smallReceiver(server)) {
                await().atMost(5, TimeUnit.SECONDS).until(() -> opened.size() == 2);
                CompletableFuture<Boolean> aWritable = new CompletableFuture<>();
                tight.execute(() -> {
                    opened.get(0).write(ByteBuffer.allocateDirect(100 * 1024));
                    opened.get(1).write(ByteBuffer.allocateDirect(100 * 1024));
                    aWritable.complete(opened.get(0).isWritable());
                });

                assertFalse(aWritable.get(5, TimeUnit.SECONDS), "A holds queued bytes while the budget is spent");
                assertTrue(tight.metrics().queueBudgetExhaustions() > 0);
                Loopback.readAscii(a, 100 * 1024);
                Loopback.readAscii(b, 100 * 1024);
                await().atMost(5, TimeUnit.SECONDS).until(() -> writableAgain.get() == 2);
            }
        } finally {
            tight.shutdownGracefully(Duration.ofSeconds(1)).get(10, TimeUnit.SECONDS);
        }
    }

    private static SocketChannel smallReceiver(SocketAddress server) throws java.io.IOException {
        SocketChannel channel = SocketChannel.open();
        channel.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
        channel.connect(server);
        return channel;
    }

    @Test
    void badBudgetsAreRefusedNamingTheValue() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> LoopOptions.builder().maxQueuedBytes(1000));
        assertEquals("maxQueuedBytes must be at least 65536 (64 KiB), not 1000", e.getMessage());
        assertFalse(LoopOptions.defaults().maxQueuedBytes() < (1 << 20), "the default is at least 1 MiB");
        assertEquals(Math.max(1 << 20, Runtime.getRuntime().maxMemory() / 4), LoopOptions.defaultMaxQueuedBytes(),
                "a quarter of the direct-memory limit, which is the heap's maximum unless set");
    }
}
