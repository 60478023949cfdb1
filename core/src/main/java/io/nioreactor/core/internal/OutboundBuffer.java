package io.nioreactor.core.internal;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one connection still has to send, and whether its writer should go on. It writes
 * straight to the {@link SocketEndpoint} while nothing is queued, queues only what the kernel did
 * not take ({@link OutboundQueue}: pooled chunks and file regions), flushes with gathering writes
 * when the socket is writable, and defers the flush of {@link #writeLater} to the dispatch's end.
 *
 * <p><b>The one owner of writability.</b> Pending are the bytes queued, the copies of off-loop
 * writes on their way, and the bytes a layer above holds (TLS plaintext behind a file or waiting
 * for its engine, a file's unsent part over TLS). All count toward the water marks and the loop's
 * budget, and every change to them settles writability here: unwritable above the high water
 * mark or while the spent budget holds this connection; {@link Listener#onWritable} once back at
 * the low water mark, whatever the reason it had stopped.
 *
 * <p>Loop thread only, but for {@link #reserveOffLoop} and the snapshots {@link #pendingBytes()}
 * and {@link #isWritable()}.
 */
final class OutboundBuffer implements SendBudget.Waiter {

    private static final Logger log = LoggerFactory.getLogger(OutboundBuffer.class);

    /** What the connection above hears. */
    interface Listener {
        /** The queue took bytes away: what a layer above holds may follow now. */
        void onFlushed() throws IOException;
        /** Nothing is queued or held any more: an output that was asked to end may end. */
        void onDrained();
        /** Writable again after it was not. */
        void onWritable();
        /** The loop's send budget is back: this connection may read again. */
        void onBudgetAvailable();
        /** A flush outside any call of the connection's (a deferred flush) failed. */
        void onFlushFailed(IOException e);
    }

    /** Gathering writes per readiness at most; then wait for the next OP_WRITE. */
    private static final int MAX_WRITES_PER_EVENT = 16;
    /** Direct write attempts of one write before the rest is queued. */
    private static final int MAX_DIRECT_WRITES = 4;
    private static final VarHandle OFF_LOOP_BYTES;

    static {
        try {
            OFF_LOOP_BYTES = MethodHandles.lookup().findVarHandle(OutboundBuffer.class, "offLoopBytes", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final SocketEndpoint endpoint;
    private final LoopCore loop;
    private final Listener listener;
    private final int highWaterMark;
    private final int lowWaterMark;
    /** Made with the first byte queued: most connections never queue. */
    private OutboundQueue queue;
    /** Copies of off-loop writes on their way to the loop. */
    private volatile long offLoopBytes;
    /** Bytes a layer above holds for this connection. */
    private long heldBytes;
    /** Written by the loop, read by writers anywhere. */
    private volatile boolean writable = true;
    private boolean budgetPaused;
    private boolean dispatching;
    private boolean flushDue;
    private boolean closed;
    private Runnable flushTask;

    OutboundBuffer(LoopCore loop, SocketEndpoint endpoint, int highWaterMark, int lowWaterMark, Listener listener) {
        this.loop = loop;
        this.endpoint = endpoint;
        this.highWaterMark = highWaterMark;
        this.lowWaterMark = lowWaterMark;
        this.listener = listener;
    }

    /** Bytes in the queue: chunks and file regions not yet sent. */
    long queuedBytes() {
        OutboundQueue q = queue;
        return q == null ? 0 : q.pendingBytes();
    }

    /** Any thread, a snapshot: queued, held above and on their way from other threads. */
    long pendingBytes() {
        return queuedBytes() + heldBytes + offLoopBytes;
    }

    /** Nothing queued and nothing held: the output may end. */
    boolean isDrained() {
        return queuedBytes() == 0 && heldBytes == 0;
    }

    /** Any thread, a snapshot: whether the writer should go on. */
    boolean isWritable() {
        return writable && pendingBytes() <= highWaterMark;
    }

    /** Whether the queue itself is at or below the high water mark: a layer above may add to it. */
    boolean queueHasRoom() {
        return !closed && queuedBytes() <= highWaterMark;
    }

    /** To the socket at once if nothing is queued, the rest queued. @throws OutOfBufferMemory (the connection resets) */
    void write(ByteBuffer data) throws IOException {
        if (queuedBytes() == 0) {
            try {
                for (int i = 0; i < MAX_DIRECT_WRITES && data.hasRemaining(); i++) {
                    if (endpoint.write(data) == 0) {
                        break;
                    }
                }
            } catch (OutOfMemoryError e) { // the JDK's temporary buffer for a heap write: ours, not a dying JVM
                throw outOfMemory(true);
            }
            if (!data.hasRemaining()) {
                return;
            }
        }
        enqueue(data, true);
    }

    /** Writes several buffers in order, in one gathering write when nothing is queued; as {@link #write(ByteBuffer)}. */
    void write(ByteBuffer[] data) throws IOException {
        if (queuedBytes() == 0 && SocketEndpoint.gatherable(data)) {
            try {
                for (int i = 0; i < MAX_DIRECT_WRITES && SocketEndpoint.hasRemaining(data); i++) {
                    if (endpoint.write(data, 0, data.length) == 0) {
                        break;
                    }
                }
            } catch (OutOfMemoryError e) {
                throw outOfMemory(true);
            }
        }
        for (ByteBuffer buffer : data) { // what the socket did not take, in order
            if (buffer.hasRemaining()) {
                write(buffer);
            }
        }
    }

    /** Queues {@code data} and flushes it at the end of the dispatch (or at {@link #flush}), with the rest. */
    void writeLater(ByteBuffer data) throws OutOfBufferMemory {
        enqueue(data, false);
        if (!flushDue && !endpoint.watchesWrites()) { // else the next OP_WRITE flushes it
            flushDue = true;
            if (!dispatching) {
                flushSoon();
            }
        }
    }

    /** Queues a file region after what is queued; sent with sendfile as the socket takes it. */
    void sendFile(OutboundQueue.FileRegion region) throws IOException {
        boolean wasEmpty = queuedBytes() == 0;
        queue().appendFile(region);
        stopIfAboveHighWaterMark();
        if (!wasEmpty) {
            endpoint.writeInterest(true);
        } else if (dispatching) {
            flushDue = true;
        } else {
            flushQueue(); // as a write would: at once, the rest when the socket is writable
        }
    }

    /** Sends what {@link #writeLater} queued, now. */
    void flush() throws IOException {
        if (flushDue && !closed) {
            flushQueue();
        }
    }

    /** The socket is writable: flushes, gathering, until it takes no more or the queue is empty. */
    void onWriteReady() throws IOException {
        flushQueue();
    }

    /** A dispatch (a readiness, onOpen) begins: {@link #writeLater} leaves at its end. */
    void beginDispatch() {
        dispatching = true;
    }

    /** The dispatch is over: what {@link #writeLater} queued goes out now, in one gathering write. */
    void endDispatch() throws IOException {
        dispatching = false;
        if (flushDue && !closed) {
            flushQueue();
        }
    }

    private void enqueue(ByteBuffer data, boolean watchWrites) throws OutOfBufferMemory {
        if (!queue().append(data)) {
            throw outOfMemory(false); // the pool counted it
        }
        stopIfAboveHighWaterMark();
        if (watchWrites) {
            endpoint.writeInterest(true);
        }
    }

    private OutboundQueue queue() {
        if (queue == null) {
            queue = new OutboundQueue(loop.resources().chunkPool(), loop.resources().budget());
        }
        return queue;
    }

    /** No memory for a buffer: the connection is reset by whoever catches this (logged here, once a second at most). */
    OutOfBufferMemory outOfMemory(boolean count) {
        if (count) {
            loop.resources().counters().bufferAllocationFailures.increment();
        }
        LogThrottle throttle = loop.resources().allocationFailureLog();
        if (throttle.allow()) {
            log.warn("connection {}: no memory for an outbound buffer (direct memory exhausted), resetting the"
                    + " connection ({} more not logged)", endpoint, throttle.suppressed());
        }
        return new OutOfBufferMemory();
    }

    private void flushQueue() throws IOException {
        flushDue = false;
        for (int i = 0; i < MAX_WRITES_PER_EVENT && queuedBytes() > 0; i++) {
            if (queue.writeTo(endpoint) == 0) {
                break;
            }
        }
        listener.onFlushed(); // a layer above may move what it holds into the queue now
        if (closed) {
            return;
        }
        if (isDrained()) {
            leaveBudgetWait(); // holds nothing now: served again even while the budget is spent
            listener.onDrained();
            if (closed) {
                return;
            }
        }
        endpoint.writeInterest(queuedBytes() > 0);
        settle();
        if (queue != null) {
            queue.completeFinished(); // last: a sendFile callback may write, close or abort
        }
    }

    private void flushSoon() {
        if (flushTask == null) {
            flushTask = () -> {
                try {
                    flush();
                } catch (IOException e) {
                    listener.onFlushFailed(e);
                }
            };
        }
        loop.executeUnlessTerminated(flushTask);
    }

    /** A layer above now holds {@code bytes} more for this connection: they count as pending. */
    void hold(long bytes) {
        if (closed) { // cleared already: nothing is held for a closed connection
            return;
        }
        heldBytes += bytes;
        loop.resources().budget().add(bytes);
        stopIfAboveHighWaterMark();
    }

    /** A layer above let go of {@code bytes} it held. Closed, {@link #clear} gave all back: not twice. */
    void release(long bytes) {
        if (closed) {
            return; // a file's callback closed the connection in the middle of a TLS pump, say
        }
        heldBytes -= bytes;
        loop.resources().budget().remove(bytes);
        settle();
    }

    /**
     * Any thread: an off-loop write's copy of {@code bytes} is on its way to the loop. It counts
     * from now on.
     *
     * @return whether the writer may see {@link #isWritable()} false from now: if so it gets
     *         onWritable later (pass it to {@link #offLoopArrived})
     */
    boolean reserveOffLoop(int bytes) {
        long inFlight = (long) OFF_LOOP_BYTES.getAndAdd(this, (long) bytes) + bytes;
        loop.resources().budget().addOffLoop(bytes);
        return !writable || inFlight + queuedBytes() + heldBytes > highWaterMark;
    }

    /** Any thread: a reserved copy never left (the loop refused it). */
    void cancelOffLoop(int bytes) {
        OFF_LOOP_BYTES.getAndAdd(this, (long) -bytes);
        loop.resources().budget().addOffLoop(-bytes);
    }

    /** Loop thread: a reserved copy arrived; the caller writes it next, then calls {@link #settle}. */
    void offLoopArrived(int bytes, boolean writerToldToStop) {
        if (writable && (writerToldToStop || pendingBytes() > highWaterMark)) {
            writable = false; // the writer saw, or may see, isWritable() false: it gets onWritable later
        }
        OFF_LOOP_BYTES.getAndAdd(this, (long) -bytes);
        loop.resources().budget().removeOffLoop(bytes);
    }

    /** More is pending: not writable above the high water mark, nor once this spends the loop's budget. */
    private void stopIfAboveHighWaterMark() {
        if (writable && pendingBytes() > highWaterMark) {
            writable = false;
        }
        readsHeldBack();
    }

    /** Writable again if down to the low water mark and not held by the budget: onWritable. */
    void settle() {
        if (writable || closed || budgetPaused || pendingBytes() > lowWaterMark) {
            return;
        }
        writable = true;
        listener.onWritable();
    }

    /**
     * Whether the loop's spent send budget holds this connection's reads back: it does while
     * the budget is spent and this connection holds bytes, until the budget is back
     * ({@link Listener#onBudgetAvailable}) or nothing is held. Joins the budget's waiters, and
     * turns unwritable, when it begins to.
     */
    boolean readsHeldBack() {
        if (!budgetPaused && !closed && !isDrained() && loop.resources().budget().exhausted()) {
            budgetPaused = true;
            writable = false;
            loop.resources().budget().await(this);
        }
        return budgetPaused;
    }

    @Override
    public void budgetAvailable() {
        if (!budgetPaused || closed) {
            return;
        }
        budgetPaused = false;
        listener.onBudgetAvailable();
        settle();
    }

    private void leaveBudgetWait() {
        if (budgetPaused) {
            budgetPaused = false;
            loop.resources().budget().leave(this);
        }
    }

    /** A layer above has moved what it held outside a flush: an output waiting to end may end now. */
    void checkDrained() {
        if (!closed && isDrained()) {
            leaveBudgetWait();
            listener.onDrained();
        }
    }

    /**
     * The connection closed: what is queued or held is dropped (its chunks go back to the pool
     * and the budget), files not sent fail with {@code cause} at {@link #completeFinished}.
     */
    void clear(Throwable cause) {
        closed = true;
        writable = false;
        flushDue = false;
        if (queue != null) {
            queue.clear(cause);
        }
        if (heldBytes != 0) {
            loop.resources().budget().remove(heldBytes);
            heldBytes = 0;
        }
        leaveBudgetWait();
    }

    /** Completes the futures of the files sent or dropped since the last call. */
    void completeFinished() {
        if (queue != null) {
            queue.completeFinished();
        }
    }
}
