package io.nioreactor.bench;

import io.nioreactor.core.Connection;
import io.nioreactor.core.ConnectionHandler;
import io.nioreactor.core.EventLoop;
import io.nioreactor.core.TcpOptions;
import java.io.PrintStream;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * TCP load on this project's reactor, closed-loop or, with a rate, open-loop ({@link Pacer},
 * {@link PacedTcpConnection}). Closed-loop: each connection keeps {@code depth}
 * messages in flight and sends the next one as soon as one has come back whole. Every
 * echoed byte is checked against what was sent. The messages that become due while one read
 * burst is handled are built one after the other in a batch buffer and leave together when the
 * burst is over ({@link ConnectionHandler#onReadComplete}), as a good client batches: one
 * system call per burst, not one per message, and no copy, so the client is not what the
 * comparison measures.
 */
final class TcpLoad {

    /** TLS connections opened at once at most. */
    private static final int TLS_HANDSHAKES_IN_FLIGHT = 64;

    private TcpLoad() {
    }

    static LoadResult run(SocketAddress target, int connections, int depth, int size, Duration warmup,
            Duration duration, PrintStream progress) throws Exception {
        return run(target, TcpOptions.defaults(), connections, depth, size, warmup, duration, progress, 0, 0);
    }

    /**
     * @param options   the connections' options: {@link TcpOptions#defaults()}, or TLS ({@link BenchTls#clientOptions()})
     * @param serverPid the server's process, whose CPU over the window is read too; 0: none
     * @param rate      open loop: messages per second over all the connections, in bursts of {@code depth};
     *                  0: a closed loop, {@code depth} in flight per connection
     */
    static LoadResult run(SocketAddress target, TcpOptions options, int connections, int depth, int size,
            Duration warmup, Duration duration, PrintStream progress, long serverPid, double rate) throws Exception {
        String label = String.format("%s %d conn x %d x %d B%s", options.tls() != null ? "tls" : "tcp", connections,
                depth, size, rate > 0 ? String.format(java.util.Locale.ROOT, " at %,.0f/s", rate) : "");
        EventLoop loop = EventLoop.start("tcp-load");
        try {
            Measurement measurement = new Measurement(serverPid);
            List<ConnectionHandler> streams = new ArrayList<>();
            List<CompletableFuture<Connection>> opening = new ArrayList<>();
            int capacity = Pacer.inFlightCapacity(rate, connections, depth);
            for (int i = 0; i < connections; i++) {
                ConnectionHandler stream = rate > 0 ? new PacedTcpConnection(i, depth, size, capacity, measurement)
                        : new LoadConnection(i, depth, size, measurement);
                streams.add(stream);
                opening.add(loop.connectTcp(target, options, stream));
                if (options.tls() != null && i >= TLS_HANDSHAKES_IN_FLIGHT) {
                    // A cold JVM doing a thousand handshakes at once finishes none within the
                    // servers' 10 s handshake timeouts: a bounded number in flight finish in turn.
                    opening.get(i - TLS_HANDSHAKES_IN_FLIGHT).get(60, TimeUnit.SECONDS);
                }
            }
            for (CompletableFuture<Connection> future : opening) {
                future.get(30, TimeUnit.SECONDS);
            }
            Runnable start;
            if (rate > 0) {
                measurement.pacedAt(rate);
                Pacer.PacedStream[] paced = streams.toArray(new Pacer.PacedStream[0]);
                start = () -> {
                    Pacer pacer = new Pacer(paced, measurement, rate, depth, System.nanoTime());
                    streams.forEach(s -> ((PacedTcpConnection) s).pacedBy(pacer));
                    pacer.start(loop);
                };
            } else {
                start = () -> streams.forEach(s -> ((LoadConnection) s).start());
            }
            return measurement.run(loop, start, warmup, duration, label, size, progress);
        } finally {
            loop.shutdownGracefully(Duration.ZERO).get(30, TimeUnit.SECONDS);
        }
    }

    /** One connection's closed loop. Loop thread only. */
    static final class LoadConnection implements ConnectionHandler {
        private final int id;
        private final int depth;
        private final int size;
        private final Measurement measurement;
        private final long[] sentAt;
        /** The messages due in the current read burst; at most depth of them. */
        private final ByteBuffer batch;
        private final ByteBuffer pattern = Payload.view();
        private Connection connection;
        private long sent;
        /** The first message of the batch being built. */
        private long batchFirst;
        private long received;
        private int offset;
        private boolean corrupt;

        LoadConnection(int id, int depth, int size, Measurement measurement) {
            this.id = id;
            this.depth = depth;
            this.size = size;
            this.measurement = measurement;
            this.sentAt = new long[depth];
            this.batch = ByteBuffer.allocateDirect(depth * size);
        }

        @Override
        public void onOpen(Connection c) {
            connection = c;
        }

        void start() {
            for (int i = 0; i < depth; i++) {
                sendNext();
            }
            sendBatch();
        }

        private void sendNext() {
            if (measurement.stopped() || !connection.isOpen()) {
                return;
            }
            Payload.fill(batch, pattern, id, sent, size);
            sent++;
        }

        /** The messages built since the last batch, in one write. */
        private void sendBatch() {
            if (batch.position() == 0) {
                return;
            }
            long now = System.nanoTime(); // one clock read for the batch: they all leave now
            for (long m = batchFirst; m < sent; m++) {
                sentAt[(int) (m % depth)] = now;
            }
            batchFirst = sent;
            batch.flip();
            if (!connection.write(batch)) { // what the socket does not take at once is queued (copied)
                measurement.error(); // closed under us; onClose counts it too if mid-run
            }
            batch.clear();
        }

        @Override
        public void onRead(Connection c, ByteBuffer data) {
            long now = System.nanoTime();
            while (data.hasRemaining()) {
                int n = Math.min(data.remaining(), size - offset);
                if (!Payload.matches(data, pattern, id, received, offset, n)) {
                    corrupt = true;
                }
                offset += n;
                if (offset == size) {
                    if (corrupt) {
                        measurement.error();
                    } else {
                        measurement.completed(now - sentAt[(int) (received % depth)]);
                    }
                    received++;
                    offset = 0;
                    corrupt = false;
                    sendNext();
                }
            }
        }

        @Override
        public void onReadComplete(Connection c) {
            sendBatch();
        }

        @Override
        public void onClose(Connection c, Throwable cause) {
            if (!measurement.stopped()) {
                measurement.error(); // the server dropped a connection mid-run
            }
        }
    }
}
