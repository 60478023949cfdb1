package io.nioreactor.core.internal;

import io.nioreactor.core.LoopOptions;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * What a loop lends the channels it serves: the one read buffer, the pool of outbound chunks,
 * the send budget, the counters, the log throttles and a clock read once per iteration.
 * Loop thread only, except the counters, which any thread may read.
 */
final class LoopResources {

    /** The one read buffer shared by every connection of the loop. */
    static final int READ_BUFFER_SIZE = LoopCore.READ_SIZE;
    /** Idle outbound chunks kept for reuse: 256 x 16 KiB = 4 MiB per loop at most. */
    static final int MAX_POOLED_CHUNKS = 256;
    /** A read while the send budget is spent takes at most one chunk's worth. */
    static final int BUDGET_SPENT_READ_SIZE = ChunkPool.CHUNK_SIZE;
    /** A kept-ciphertext buffer holds a cut record (16,709 bytes at most) and what follows it. */
    static final int TLS_KEPT_BUFFER_SIZE = 32 * 1024;
    static final int MAX_SPARE_TLS_KEPT_BUFFERS = 64;

    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_SIZE);
    private final SendBudget budget;
    private final ChunkPool chunkPool;
    private final LoopCounters counters;
    /** One line a second at most per kind of failure, with the count held back since the last. */
    private final LogThrottle handlerFailureLog = new LogThrottle(1, TimeUnit.SECONDS);
    private final LogThrottle taskFailureLog = new LogThrottle(1, TimeUnit.SECONDS);
    private final LogThrottle allocationFailureLog = new LogThrottle(1, TimeUnit.SECONDS);
    private final LogThrottle tlsFailureLog = new LogThrottle(1, TimeUnit.SECONDS);
    /**
     * TLS connections' scratch buffers, on the heap (the JDK's engine copies direct buffers into
     * arrays of its own): ciphertext read, plaintext unwrapped, ciphertext wrapped. Made when
     * the first TLS connection opens, shared by all, so an idle TLS connection holds none.
     */
    private ByteBuffer tlsReadBuffer;
    private ByteBuffer tlsPlainBuffer;
    private ByteBuffer tlsPacketBuffer;
    /**
     * Spare buffers for the ciphertext a TLS connection keeps between reads (a record cut by a
     * read): taken and given back, so that a busy TLS loop allocates none; 64 x 32 KiB at most.
     */
    private final java.util.ArrayDeque<ByteBuffer> tlsKeptBuffers = new java.util.ArrayDeque<>();
    private final ByteBuffer[] tlsPlainArray = new ByteBuffer[1];
    private final ByteBuffer[] tlsWrapArray = new ByteBuffer[1];
    private final HandlerInvoker invoker;
    private final ReadLoop readLoop;
    private long ioNanos;
    private boolean ioNanosValid;

    LoopResources(LoopOptions options) {
        this.budget = new SendBudget(options.maxQueuedBytes());
        this.counters = new LoopCounters(budget, options.metricsWindow().toNanos());
        // Idle chunks are memory outside the budget: keep at most a quarter of it.
        int pooled = (int) Math.min(MAX_POOLED_CHUNKS, options.maxQueuedBytes() / 4 / ChunkPool.CHUNK_SIZE);
        this.chunkPool = new ChunkPool(pooled, budget, counters.bufferAllocationFailures);
        this.invoker = new HandlerInvoker(counters, handlerFailureLog);
        this.readLoop = new ReadLoop(invoker);
    }

    /** How much one read takes now: the whole read buffer, or one chunk's worth while the send budget is spent. */
    int readSize() {
        return budget.exhausted() ? BUDGET_SPENT_READ_SIZE : READ_BUFFER_SIZE;
    }

    /** How this loop's connections read on a readiness. */
    ReadLoop readLoop() {
        return readLoop;
    }

    /** Calls the handlers of this loop's connections. */
    HandlerInvoker invoker() {
        return invoker;
    }

    ByteBuffer readBuffer() {
        return readBuffer;
    }

    /** The read buffer of TLS connections: a heap one, as large as the direct one. */
    ByteBuffer tlsReadBuffer() {
        if (tlsReadBuffer == null) {
            tlsReadBuffer = ByteBuffer.allocate(READ_BUFFER_SIZE);
        }
        return tlsReadBuffer;
    }

    /** Where TLS records are unwrapped: at least {@code size} bytes (the session's application buffer size). */
    ByteBuffer tlsPlainBuffer(int size) {
        if (tlsPlainBuffer == null || tlsPlainBuffer.capacity() < size) {
            tlsPlainBuffer = ByteBuffer.allocate(size);
        }
        return tlsPlainBuffer;
    }

    /** Where TLS records are wrapped: at least {@code size} bytes (the session's packet buffer size). */
    ByteBuffer tlsPacketBuffer(int size) {
        if (tlsPacketBuffer == null || tlsPacketBuffer.capacity() < size) {
            tlsPacketBuffer = ByteBuffer.allocate(size);
        }
        return tlsPacketBuffer;
    }

    /**
     * A one-element array holding {@code plain}, for {@code SSLEngine.unwrap(src, dsts, 0, 1)}:
     * the two-buffer {@code unwrap} makes such an array on every call.
     */
    ByteBuffer[] tlsPlainArray(ByteBuffer plain) {
        tlsPlainArray[0] = plain;
        return tlsPlainArray;
    }

    /** The same for {@code SSLEngine.wrap(srcs, 0, 1, dst)}: set on every call, as calls may nest. */
    ByteBuffer[] tlsWrapArray(ByteBuffer data) {
        tlsWrapArray[0] = data;
        return tlsWrapArray;
    }

    /** A cleared buffer for kept ciphertext of at least {@code size} bytes: a spare one if it fits. */
    ByteBuffer takeTlsKeptBuffer(int size) {
        if (size > TLS_KEPT_BUFFER_SIZE) {
            return ByteBuffer.allocate(size); // paused with more than a record kept: rare, not pooled
        }
        ByteBuffer spare = tlsKeptBuffers.poll();
        return spare != null ? spare.clear() : ByteBuffer.allocate(TLS_KEPT_BUFFER_SIZE);
    }

    /** Gives back a buffer of {@link #takeTlsKeptBuffer}. */
    void giveBackTlsKeptBuffer(ByteBuffer buffer) {
        if (buffer.capacity() == TLS_KEPT_BUFFER_SIZE && tlsKeptBuffers.size() < MAX_SPARE_TLS_KEPT_BUFFERS) {
            tlsKeptBuffers.push(buffer);
        }
    }

    /** The throttle for failed and timed-out TLS handshakes and broken TLS streams. */
    LogThrottle tlsFailureLog() {
        return tlsFailureLog;
    }

    ChunkPool chunkPool() {
        return chunkPool;
    }

    SendBudget budget() {
        return budget;
    }

    LoopCounters counters() {
        return counters;
    }

    /** The throttle for handler failures (TCP and UDP alike). */
    LogThrottle handlerFailureLog() {
        return handlerFailureLog;
    }

    /** The throttle for tasks and timers that threw. */
    LogThrottle taskFailureLog() {
        return taskFailureLog;
    }

    /** The throttle for buffers the JVM could not allocate. */
    LogThrottle allocationFailureLog() {
        return allocationFailureLog;
    }

    /**
     * A time stamp for I/O activity: read once per iteration, only if some I/O asks for it. The
     * first dispatch of an iteration reads it, so it is also when the iteration's busy part began.
     */
    long ioNanos() {
        if (!ioNanosValid) {
            ioNanos = System.nanoTime();
            ioNanosValid = true;
            counters.busy.began(ioNanos);
        }
        return ioNanos;
    }

    /** When the current iteration's busy part began, for the watchdog. */
    BusyMark busy() {
        return counters.busy;
    }

    /** A new iteration: the next {@link #ioNanos()} reads the clock again. */
    void newIteration() {
        ioNanosValid = false;
        readLoop.newIteration();
    }
}
