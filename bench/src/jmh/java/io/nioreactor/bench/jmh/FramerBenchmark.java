package io.nioreactor.bench.jmh;

import io.nioreactor.core.Connection;
import io.nioreactor.core.EventLoop;
import io.nioreactor.core.FrameScanner;
import io.nioreactor.core.Framer;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Framing a stream of 64-byte frames, as reads of 64 KiB + 32 bytes hand them over: most frames
 * whole in a read (handed over as views), one per read cut in two (copied). Run with
 * {@code -prof gc}: {@code gc.alloc.rate.norm} is the allocation per frame.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FramerBenchmark {

    private static final int FRAME = 64;
    private static final int READ = 64 * 1024 + 32; // not a multiple of 64: a frame straddles each read
    private static final int FRAMES_PER_READ = READ / FRAME;

    private final ByteBuffer lengthPrefixedReads = ByteBuffer.allocateDirect(READ * FRAME);
    private final ByteBuffer lineReads = ByteBuffer.allocateDirect(READ * FRAME);
    private Framer lengthPrefixed;
    private Framer lines;
    private Framer scanned;
    private int read;
    private final Connection connection = new ReadingConnection();

    @Setup
    public void setUp(Blackhole blackhole) {
        // 64 reads whose concatenation is a whole number of frames: the stream loops cleanly.
        for (int i = 0; i < READ * FRAME / FRAME; i++) {
            lengthPrefixedReads.putInt(FRAME - 4);
            for (int j = 4; j < FRAME; j++) {
                lengthPrefixedReads.put((byte) j);
            }
            for (int j = 0; j < FRAME - 1; j++) {
                lineReads.put((byte) ('a' + j % 26));
            }
            lineReads.put((byte) '\n');
        }
        lengthPrefixed = Framer.lengthPrefixed(4, 1024, (c, frame) -> blackhole.consume(frame.get(frame.position())));
        lines = Framer.lines(1024, (c, frame) -> blackhole.consume(frame.get(frame.position())));
        // The same length-prefixed stream through a user's FrameScanner, as a protocol of one's own would be.
        FrameScanner lengthField = (bytes, seen) -> bytes.remaining() < 4 ? FrameScanner.NEED_MORE
                : 4L + bytes.getInt(bytes.position());
        scanned = Framer.of(lengthField, 1024, (c, frame) -> blackhole.consume(frame.get(frame.position())));
    }

    private ByteBuffer nextRead(ByteBuffer stream) {
        int at = read * READ;
        read = (read + 1) % FRAME;
        return stream.limit(at + READ).position(at);
    }

    /** Length-prefixed frames, per frame. */
    @Benchmark
    @OperationsPerInvocation(FRAMES_PER_READ)
    public void lengthPrefixed() {
        lengthPrefixed.feed(connection, nextRead(lengthPrefixedReads));
    }

    /** Lines, per line. */
    @Benchmark
    @OperationsPerInvocation(FRAMES_PER_READ)
    public void lines() {
        lines.feed(connection, nextRead(lineReads));
    }

    /** Frames a user's FrameScanner finds, per frame. */
    @Benchmark
    @OperationsPerInvocation(FRAMES_PER_READ)
    public void scanned() {
        scanned.feed(connection, nextRead(lengthPrefixedReads));
    }

    /** What a framer asks of a connection: is it reading, is it open. Nothing else is called. */
    private static final class ReadingConnection implements Connection {
        @Override
        public boolean isAutoRead() {
            return true;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public boolean write(ByteBuffer data) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean write(ByteBuffer... data) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean writeLater(ByteBuffer data) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean writeLater(ByteBuffer... data) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<Long> sendFile(FileChannel file, long position, long count) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void flush() {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isWritable() {
            return true;
        }

        @Override
        public long pendingOutboundBytes() {
            return 0;
        }

        @Override
        public void setAutoRead(boolean autoRead) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void shutdownOutput() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void abort() {
            throw new UnsupportedOperationException();
        }

        @Override
        public SocketAddress localAddress() {
            return null;
        }

        @Override
        public SocketAddress remoteAddress() {
            return null;
        }

        @Override
        public EventLoop loop() {
            throw new UnsupportedOperationException();
        }

        @Override
        public <T> T option(SocketOption<T> option) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void attach(Object attachment) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Object attachment() {
            return null;
        }
    }
}
