package io.nioreactor.bench;

import io.nioreactor.core.DatagramHandler;
import io.nioreactor.core.EventLoop;
import io.nioreactor.core.UdpEndpoint;
import io.nioreactor.core.UdpOptions;
import java.io.PrintStream;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * UDP load, closed-loop or, with a rate, open-loop ({@link Pacer}, {@link PacedUdpSocket}).
 * Closed-loop: each socket keeps {@code depth} datagrams in flight. A datagram
 * carries its slot and sequence number; one not echoed within the loss timeout is counted
 * lost and replaced. Every echoed byte is checked. The replies of one receive batch are all
 * checked first and the next datagrams sent after the batch
 * ({@link DatagramHandler#onReceiveComplete}); Java has no {@code sendmmsg}, so each is still
 * one system call.
 */
final class UdpLoad {

    /** Slot (4 bytes) and sequence number (8 bytes) lead each datagram. */
    static final int HEADER = 12;
    private static final long LOSS_SCAN_MILLIS = 100;

    private UdpLoad() {
    }

    static LoadResult run(InetSocketAddress target, int sockets, int depth, int size, Duration lossTimeout,
            Duration warmup, Duration duration, PrintStream progress) throws Exception {
        return run(target, sockets, depth, size, lossTimeout, warmup, duration, progress, 0, 0);
    }

    /**
     * @param serverPid the server's process, whose CPU over the window is read too; 0: none
     * @param rate      open loop: datagrams per second over all the sockets, in bursts of {@code depth};
     *                  0: a closed loop, {@code depth} in flight per socket
     */
    static LoadResult run(InetSocketAddress target, int sockets, int depth, int size, Duration lossTimeout,
            Duration warmup, Duration duration, PrintStream progress, long serverPid, double rate) throws Exception {
        if (size < HEADER) {
            throw new IllegalArgumentException("size must be at least " + HEADER + " bytes, was " + size);
        }
        String label = String.format("udp %d sock x %d x %d B%s", sockets, depth, size,
                rate > 0 ? String.format(java.util.Locale.ROOT, " at %,.0f/s", rate) : "");
        String localHost = target.getAddress() instanceof Inet6Address ? "::1" : "127.0.0.1";
        EventLoop loop = EventLoop.start("udp-load");
        try {
            Measurement measurement = new Measurement(serverPid);
            if (rate > 0) {
                return runPaced(loop, target, localHost, sockets, depth, size, lossTimeout, warmup, duration, progress,
                        measurement, rate, label);
            }
            List<LoadSocket> streams = new ArrayList<>();
            for (int i = 0; i < sockets; i++) {
                LoadSocket stream = new LoadSocket(i, depth, size, target, lossTimeout.toNanos(), measurement);
                stream.endpoint = loop.bindUdp(new InetSocketAddress(localHost, 0), UdpOptions.defaults(), stream)
                        .get(10, TimeUnit.SECONDS);
                streams.add(stream);
            }
            Runnable start = () -> {
                streams.forEach(LoadSocket::start);
                scanForLossEvery(loop, streams, LoadSocket::replaceLost, measurement);
            };
            return measurement.run(loop, start, warmup, duration, label, size, progress);
        } finally {
            loop.shutdownGracefully(Duration.ZERO).get(30, TimeUnit.SECONDS);
        }
    }

    private static LoadResult runPaced(EventLoop loop, InetSocketAddress target, String localHost, int sockets,
            int depth, int size, Duration lossTimeout, Duration warmup, Duration duration, PrintStream progress,
            Measurement measurement, double rate, String label) throws Exception {
        measurement.pacedAt(rate);
        int capacity = Pacer.inFlightCapacity(rate, sockets, depth);
        PacedUdpSocket[] streams = new PacedUdpSocket[sockets];
        for (int i = 0; i < sockets; i++) {
            streams[i] = new PacedUdpSocket(i, depth, size, capacity, target, lossTimeout.toNanos(), measurement);
            streams[i].endpoint = loop.bindUdp(new InetSocketAddress(localHost, 0), UdpOptions.defaults(), streams[i])
                    .get(10, TimeUnit.SECONDS);
        }
        Runnable start = () -> {
            Pacer pacer = new Pacer(streams, measurement, rate, depth, System.nanoTime());
            for (PacedUdpSocket stream : streams) {
                stream.pacedBy(pacer);
            }
            pacer.start(loop);
            scanForLossEvery(loop, List.of(streams), PacedUdpSocket::freeLost, measurement);
        };
        return measurement.run(loop, start, warmup, duration, label, size, progress);
    }

    private static <S> void scanForLossEvery(EventLoop loop, List<S> streams, java.util.function.ObjLongConsumer<S> scan,
            Measurement measurement) {
        loop.schedule(new Runnable() {
            @Override
            public void run() {
                long now = System.nanoTime();
                streams.forEach(s -> scan.accept(s, now));
                if (!measurement.stopped()) {
                    loop.schedule(this, Duration.ofMillis(LOSS_SCAN_MILLIS));
                }
            }
        }, Duration.ofMillis(LOSS_SCAN_MILLIS));
    }

    /** One socket's closed loop. Loop thread only. */
    static final class LoadSocket implements DatagramHandler {
        private final int id;
        private final int size;
        private final SocketAddress target;
        private final long lossTimeoutNanos;
        private final Measurement measurement;
        private final long[] slotSequence;
        private final long[] slotSentAt;
        private final ByteBuffer out;
        private final ByteBuffer pattern = Payload.view();
        /** Slots whose echo came back in the current receive batch: sent again after it. */
        private final int[] due;
        private int dueCount;
        UdpEndpoint endpoint;
        private long nextSequence;

        LoadSocket(int id, int depth, int size, SocketAddress target, long lossTimeoutNanos, Measurement measurement) {
            this.id = id;
            this.size = size;
            this.target = target;
            this.lossTimeoutNanos = lossTimeoutNanos;
            this.measurement = measurement;
            this.slotSequence = new long[depth];
            this.slotSentAt = new long[depth];
            this.out = ByteBuffer.allocateDirect(size);
            this.due = new int[depth];
        }

        void start() {
            long now = System.nanoTime();
            for (int slot = 0; slot < slotSequence.length; slot++) {
                send(slot, now);
            }
        }

        /** @param now the clock, read once per batch of sends */
        private void send(int slot, long now) {
            if (measurement.stopped()) {
                return;
            }
            long sequence = nextSequence++;
            slotSequence[slot] = sequence;
            slotSentAt[slot] = now;
            out.clear();
            out.putInt(slot).putLong(sequence);
            Payload.fill(out, pattern, id, sequence, size - HEADER);
            out.flip();
            if (!endpoint.send(out, target)) {
                measurement.error();
            }
        }

        @Override
        public void onDatagram(UdpEndpoint ep, ByteBuffer data, SocketAddress sender) {
            long now = System.nanoTime();
            if (data.remaining() != size) {
                measurement.error();
                return;
            }
            int slot = data.getInt();
            long sequence = data.getLong();
            if (slot < 0 || slot >= slotSequence.length || sequence < 0 || sequence >= nextSequence) {
                measurement.error(); // a header no datagram of ours carried
                return;
            }
            if (slotSequence[slot] != sequence) {
                return; // a late echo of a datagram already counted lost and replaced
            }
            slotSequence[slot] = -1; // answered: a duplicate of it is not counted twice
            if (!Payload.matches(data, pattern, id, sequence, 0, size - HEADER)) {
                measurement.error();
                due[dueCount++] = slot;
                return;
            }
            measurement.completed(now - slotSentAt[slot]);
            due[dueCount++] = slot;
        }

        @Override
        public void onReceiveComplete(UdpEndpoint ep) {
            long now = System.nanoTime();
            for (int i = 0; i < dueCount; i++) {
                send(due[i], now);
            }
            dueCount = 0;
        }

        void replaceLost(long now) {
            for (int slot = 0; slot < slotSequence.length; slot++) {
                if (slotSequence[slot] >= 0 && now - slotSentAt[slot] > lossTimeoutNanos) {
                    measurement.lost();
                    send(slot, now);
                }
            }
        }
    }
}
