package io.nioreactor.core.internal;

import io.nioreactor.core.Connection;
import io.nioreactor.core.ConnectionHandler;
import io.nioreactor.core.EventLoop;
import io.nioreactor.core.TcpOptions;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stream connection on the loop: reads into the loop's shared buffer, writes straight to the
 * socket when nothing is queued, queues only what the kernel did not take, and flips
 * writability at the water marks. Every handler callback is guarded: a throwing handler
 * closes this connection only.
 */
final class TcpConnection implements Connection, Endpoint, SendBudget.Waiter {

    private static final Logger log = LoggerFactory.getLogger(TcpConnection.class);
    private static final VarHandle OFF_LOOP_BYTES;

    static {
        try {
            OFF_LOOP_BYTES = MethodHandles.lookup().findVarHandle(TcpConnection.class, "offLoopBytes", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Reads per readiness at most, so one busy peer cannot starve the others. */
    private static final int MAX_READS_PER_EVENT = 16;
    /** Gathering writes per readiness at most; then wait for the next OP_WRITE. */
    private static final int MAX_WRITES_PER_EVENT = 16;
    /** Direct write attempts from {@link #write} before queueing the rest. */
    private static final int MAX_DIRECT_WRITES = 4;
    /**
     * A heap buffer goes to the socket through a temporary direct buffer of the JDK's, as large
     * as what is written at once and kept per thread: writing it in windows keeps that small.
     */
    private static final int HEAP_WRITE_WINDOW = 64 * 1024;

    private final LoopCore loop;
    private final SocketChannel channel;
    /** The server's count of open connections, or {@code null} for a client connection. */
    private final ConnectionLimit limit;
    private final int highWaterMark;
    private final int lowWaterMark;
    private final IdleWatch idle;
    private final OutboundQueue outbound;
    private final SocketAddress localAddress;
    private final SocketAddress remoteAddress;

    private volatile boolean open = true;
    /** Copies of off-loop writes on their way to the loop: they count toward the water marks. */
    private volatile long offLoopBytes;
    private SelectionKey key;
    private ConnectionHandler handler;
    private int interestOps;
    private boolean autoRead = true;
    private boolean writable = true;
    private boolean inputClosed;
    private boolean outputShutdownPending;
    private boolean outputShut;
    private boolean closing;
    /** Paused because the loop's send budget is spent while this connection holds queued bytes. */
    private boolean budgetPaused;
    /** Inside a dispatch (readiness, onOpen): deferred writes are flushed when it ends. */
    private boolean dispatching;
    /** {@link #writeLater} queued bytes that no flush has tried to send yet. */
    private boolean flushDue;
    /** Flushes deferred writes made outside a dispatch; created on first need. */
    private Runnable flushTask;
    private Object attachment;
    /**
     * The connection handlers and writers see: this one, or the TLS layer above it, which
     * off-loop writes reach on the loop and a shutdown closes (so TLS sends close_notify).
     */
    private Connection owner = this;
    /** Reads into the loop's heap buffer: the TLS engine works on arrays. */
    private boolean heapReads;

    TcpConnection(LoopCore loop, SocketChannel channel, TcpOptions options, ConnectionLimit limit)
            throws IOException {
        this.loop = loop;
        this.channel = channel;
        this.limit = limit;
        this.highWaterMark = options.highWaterMark();
        this.lowWaterMark = options.lowWaterMark();
        long idleTimeoutNanos = options.idleTimeout().toNanos();
        this.idle = idleTimeoutNanos > 0 ? new IdleWatch(loop, idleTimeoutNanos, this::onIdle) : null;
        this.outbound = new OutboundQueue(loop.resources().chunkPool(), loop.resources().budget(),
                loop.resources().counters().fileBytesSent);
        this.localAddress = channel.getLocalAddress();
        this.remoteAddress = channel.getRemoteAddress();
    }

    /** A TLS layer carries this connection: off-loop writes and shutdown go through it, reads use a heap buffer. */
    void carriedBy(TlsConnection tls) {
        this.owner = tls;
        this.heapReads = true;
    }

    /** Closes at once with a cause the handler sees in onClose: the TLS layer's failures. */
    void closeWithCause(Throwable cause) {
        closeNow(cause);
    }

    /** Takes its key (attached to it) and its handler, and starts: reading, the idle timeout, onOpen. */
    void open(SelectionKey key, ConnectionHandler handler) {
        this.key = key;
        this.interestOps = key.interestOps();
        this.handler = handler;
        key.attach(this);
        activate();
    }

    /**
     * Setting it up failed before {@link #open}: closes it, counted, with the cause.
     *
     * @param key   its key if it was registered already, else {@code null}
     * @param cause an I/O error, or what the handler factory threw
     */
    void failedToOpen(SelectionKey key, Throwable cause) {
        this.key = key;
        if (cause instanceof IOException) {
            ioFailed((IOException) cause);
        } else {
            handlerFailed(cause);
        }
    }

    private void activate() {
        if (idle != null) {
            idle.start();
        }
        updateInterest();
        log.debug("opened {} on loop {}", this, loop.name());
        dispatching = true;
        try {
            handler.onOpen(this);
        } catch (Throwable t) {
            handlerFailed(t);
        }
        endDispatch();
    }

    // ---------------------------------------------------------------- readiness

    @Override
    public void onReady(int readyOps) {
        dispatching = true;
        if ((readyOps & SelectionKey.OP_WRITE) != 0) {
            flushQueue();
        }
        if ((readyOps & SelectionKey.OP_READ) != 0 && open) {
            read();
        }
        endDispatch();
    }

    /** The dispatch is over: what {@link #writeLater} queued goes out now, in one gathering write. */
    private void endDispatch() {
        dispatching = false;
        if (flushDue && open) {
            flushQueue();
        }
    }

    private void read() {
        if (!wantsToRead()) {
            updateInterest(); // readiness raced with a pause: drop OP_READ rather than spin
            return;
        }
        ByteBuffer buffer = heapReads ? loop.resources().tlsReadBuffer() : loop.resources().readBuffer();
        boolean delivered = false;
        for (int i = 0; i < MAX_READS_PER_EVENT && wantsToRead(); i++) {
            buffer.clear();
            if (loop.resources().budget().exhausted()) {
                buffer.limit(LoopResources.BUDGET_SPENT_READ_SIZE); // one chunk at most beyond the budget
            }
            int room = buffer.remaining();
            int n;
            try {
                n = channel.read(buffer);
            } catch (IOException e) {
                ioFailed(e);
                return;
            }
            if (n == 0) {
                break;
            }
            if (n < 0) {
                readComplete(delivered);
                if (open) {
                    onEndOfInput();
                }
                return;
            }
            loop.resources().counters().bytesRead.add(n);
            active();
            buffer.flip();
            delivered = true;
            try {
                handler.onRead(this, buffer);
            } catch (Throwable t) {
                handlerFailed(t);
                return;
            }
            if (n < room) { // not buffer.limit(): flip() made that n
                break; // the socket is most likely drained: do not pay for a read that returns 0
            }
        }
        readComplete(delivered);
    }

    /** After a burst of reads that called onRead at least once. */
    private void readComplete(boolean delivered) {
        if (!delivered || !open) {
            return;
        }
        try {
            handler.onReadComplete(this);
        } catch (Throwable t) {
            handlerFailed(t);
        }
    }

    private boolean wantsToRead() {
        return open && autoRead && !inputClosed && !closing && !budgetPaused
                && !(loop.resources().budget().exhausted() && !outbound.isEmpty());
    }

    /**
     * The loop's send budget is spent and this connection holds queued bytes: stop reading and
     * turn unwritable until the budget is back ({@link #budgetAvailable}) or the queue drains.
     */
    private void pauseForBudgetIfSpent() {
        if (budgetPaused || !open || outbound.isEmpty() || !loop.resources().budget().exhausted()) {
            return;
        }
        budgetPaused = true;
        writable = false;
        loop.resources().budget().await(this);
    }

    @Override
    public void budgetAvailable() {
        if (!budgetPaused || !open) {
            return;
        }
        budgetPaused = false;
        updateInterest();
        becomeWritableIfDrained();
    }

    /** Below the low water mark and not paused by the budget: writable again, with onWritable. */
    private void becomeWritableIfDrained() {
        if (writable || !open || closing || budgetPaused
                || outbound.pendingBytes() + offLoopBytes > lowWaterMark) {
            return;
        }
        writable = true;
        try {
            handler.onWritable(this);
        } catch (Throwable t) {
            handlerFailed(t);
        }
    }

    private void onEndOfInput() {
        inputClosed = true;
        updateInterest();
        if (outputShut) {
            closeNow(null);
            return;
        }
        try {
            handler.onInputClosed(this);
        } catch (Throwable t) {
            handlerFailed(t);
        }
    }

    /** Writes what is queued, gathering, until the socket takes no more or the queue is empty. */
    private void flushQueue() {
        writeQueued();
        outbound.completeFinished(); // last: a sendFile callback may write, close or abort
    }

    private void writeQueued() {
        flushDue = false;
        try {
            for (int i = 0; i < MAX_WRITES_PER_EVENT && !outbound.isEmpty(); i++) {
                loop.resources().counters().socketWrites.increment();
                long n = outbound.writeTo(channel);
                if (n == 0) {
                    break;
                }
                wrote(n);
            }
        } catch (IOException e) {
            ioFailed(e);
            return;
        }
        if (outbound.isEmpty()) {
            if (closing) {
                closeNow(null);
                return;
            }
            if (outputShutdownPending) {
                doShutdownOutput();
                if (!open) {
                    return;
                }
            }
            if (budgetPaused) { // holds nothing now: served again even while the budget is spent
                budgetPaused = false;
                loop.resources().budget().leave(this);
            }
        }
        updateInterest();
        becomeWritableIfDrained();
    }

    // ---------------------------------------------------------------- Connection

    @Override
    public boolean write(ByteBuffer data) {
        if (!loop.inEventLoop()) {
            return writeFromElsewhere(data);
        }
        if (!acceptsWrites()) {
            return false;
        }
        return !data.hasRemaining() || writeNow(data);
    }

    @Override
    public boolean write(ByteBuffer... data) {
        if (!loop.inEventLoop()) {
            return writeFromElsewhere(data);
        }
        if (!acceptsWrites()) {
            return false;
        }
        if (outbound.isEmpty() && gatherable(data)) {
            try {
                for (int i = 0; i < MAX_DIRECT_WRITES && hasRemaining(data); i++) {
                    loop.resources().counters().socketWrites.increment();
                    long n = channel.write(data);
                    if (n == 0) {
                        break;
                    }
                    wrote(n);
                }
            } catch (IOException e) {
                ioFailed(e);
                return false;
            } catch (OutOfMemoryError e) {
                loop.resources().counters().bufferAllocationFailures.increment();
                outOfBufferMemory();
                return false;
            }
        }
        for (ByteBuffer buffer : data) { // what the socket did not take, in order
            if (buffer.hasRemaining() && !writeNow(buffer)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean writeLater(ByteBuffer data) {
        if (!loop.inEventLoop()) {
            return writeFromElsewhere(data);
        }
        if (!acceptsWrites()) {
            return false;
        }
        if (!data.hasRemaining()) {
            return true;
        }
        if (!outbound.append(data)) {
            outOfBufferMemory();
            return false;
        }
        if (writable && outbound.pendingBytes() + offLoopBytes > highWaterMark) {
            writable = false;
        }
        if (!flushDue && (interestOps & SelectionKey.OP_WRITE) == 0) { // else OP_WRITE will flush it
            flushDue = true;
            if (!dispatching) {
                flushSoon();
            }
        }
        return true;
    }

    @Override
    public void flush() {
        if (!loop.inEventLoop()) {
            executeIfRunning(this::flush);
            return;
        }
        if (flushDue && open) {
            flushQueue();
        }
    }

    @Override
    public CompletableFuture<Long> sendFile(FileChannel file, long position, long count) {
        Objects.requireNonNull(file, "file");
        if (position < 0 || count < 0) {
            throw new IllegalArgumentException("position and count must be 0 or more: " + position + ", " + count);
        }
        CompletableFuture<Long> done = new CompletableFuture<>();
        if (loop.inEventLoop()) {
            sendFileOnLoop(new OutboundQueue.FileRegion(file, position, count, done));
        } else {
            try {
                loop.execute(() -> sendFileOnLoop(new OutboundQueue.FileRegion(file, position, count, done)));
            } catch (RejectedExecutionException e) {
                done.completeExceptionally(e);
            }
        }
        return done;
    }

    private void sendFileOnLoop(OutboundQueue.FileRegion region) {
        if (!acceptsWrites()) {
            region.done.completeExceptionally(new ClosedChannelException());
            return;
        }
        if (region.count == 0) {
            region.done.complete(0L);
            return;
        }
        boolean wasEmpty = outbound.isEmpty();
        outbound.appendFile(region);
        if (writable && outbound.pendingBytes() + offLoopBytes > highWaterMark) {
            writable = false;
        }
        if (wasEmpty && !dispatching) {
            flushQueue(); // as a write would: at once, the rest when the socket is writable
        } else if (wasEmpty) {
            flushDue = true;
        } else {
            updateInterest();
        }
    }

    /** A deferred write outside any dispatch (a timer, a task): flushed by a task of its own. */
    private void flushSoon() {
        if (flushTask == null) {
            flushTask = this::flush;
        }
        executeIfRunning(flushTask);
    }

    private void executeIfRunning(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            log.debug("{}: loop terminated, nothing more is flushed", this);
        }
    }

    private boolean acceptsWrites() {
        return open && !closing && !outputShutdownPending && !outputShut;
    }

    /** Loop thread, writes accepted, bytes remaining: to the socket if nothing is queued, the rest queued. */
    private boolean writeNow(ByteBuffer data) {
        if (outbound.isEmpty()) {
            try {
                writeDirect(data);
            } catch (IOException e) {
                ioFailed(e);
                return false;
            } catch (OutOfMemoryError e) {
                // The JDK's temporary buffer for a heap write: a buffer for us, not a dying JVM.
                loop.resources().counters().bufferAllocationFailures.increment();
                outOfBufferMemory();
                return false;
            }
            if (!data.hasRemaining()) {
                return true;
            }
        }
        if (!outbound.append(data)) {
            outOfBufferMemory();
            return false;
        }
        if (writable && outbound.pendingBytes() + offLoopBytes > highWaterMark) {
            writable = false;
        }
        updateInterest();
        return true;
    }

    /** One gathering write fits: direct buffers, or heap ones small enough for the JDK's temporary copies. */
    private static boolean gatherable(ByteBuffer[] data) {
        long heapBytes = 0;
        for (ByteBuffer buffer : data) {
            if (!buffer.isDirect()) {
                heapBytes += buffer.remaining();
            }
        }
        return heapBytes <= HEAP_WRITE_WINDOW;
    }

    private static boolean hasRemaining(ByteBuffer[] data) {
        for (ByteBuffer buffer : data) {
            if (buffer.hasRemaining()) {
                return true;
            }
        }
        return false;
    }

    /** Off the loop: the buffers copied into one, in order, handed over as one write. */
    boolean writeFromElsewhere(ByteBuffer[] data) {
        long total = 0;
        for (ByteBuffer buffer : data) {
            total += buffer.remaining();
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a gathering write of " + total + " bytes from another thread");
        }
        ByteBuffer joined;
        try {
            joined = ByteBuffer.allocate((int) total);
        } catch (OutOfMemoryError e) {
            return false;
        }
        for (ByteBuffer buffer : data) {
            joined.put(buffer.duplicate());
        }
        if (!writeFromElsewhere(joined.flip())) {
            return false;
        }
        for (ByteBuffer buffer : data) {
            buffer.position(buffer.limit());
        }
        return true;
    }

    /**
     * Off the loop: copies the bytes now (the caller may reuse its buffer) and hands the copy to
     * the loop. The copy counts toward this connection's water marks and the loop's send budget
     * from this moment, so a thread that writes faster than the peer reads sees
     * {@link #isWritable()} turn false.
     */
    boolean writeFromElsewhere(ByteBuffer data) {
        if (!open) {
            return false;
        }
        int length = data.remaining();
        ByteBuffer copy;
        try {
            copy = ByteBuffer.allocate(length);
        } catch (OutOfMemoryError e) {
            return false; // a buffer we asked for: the caller keeps its data and may retry
        }
        copy.put(data.duplicate()).flip();
        long inFlight = (long) OFF_LOOP_BYTES.getAndAdd(this, (long) length) + length;
        loop.resources().budget().addOffLoop(length);
        // Whether the writer now sees isWritable() false: then it must get onWritable later.
        boolean toldToStop = !isWritable() || inFlight + outbound.pendingBytes() > highWaterMark;
        try {
            loop.execute(() -> writeArrived(copy, length, toldToStop));
        } catch (RejectedExecutionException e) {
            OFF_LOOP_BYTES.getAndAdd(this, (long) -length);
            loop.resources().budget().addOffLoop(-length);
            return false;
        }
        data.position(data.limit());
        return true;
    }

    /** Loop thread: an off-loop write's copy has arrived. */
    private void writeArrived(ByteBuffer copy, int length, boolean toldToStop) {
        if (writable && (toldToStop || outbound.pendingBytes() + offLoopBytes > highWaterMark)) {
            writable = false; // the writer saw, or may see, isWritable() false: it gets onWritable later
        }
        OFF_LOOP_BYTES.getAndAdd(this, (long) -length);
        loop.resources().budget().removeOffLoop(length);
        if (!owner.write(copy) && open) {
            log.debug("{}: a write from another thread arrived after close or shutdownOutput", this);
        }
        becomeWritableIfDrained();
    }

    /**
     * The JVM had no memory for the chunk this write needed. The stream cannot go on with a
     * hole in it, so this connection is reset; the loop and every other connection go on.
     */
    private void outOfBufferMemory() {
        if (loop.resources().allocationFailureLog().allow()) {
            log.warn("{}: no memory for an outbound buffer (direct memory exhausted), resetting the connection"
                    + " ({} more not logged)", this, loop.resources().allocationFailureLog().suppressed());
        }
        abort();
    }

    private void writeDirect(ByteBuffer data) throws IOException {
        for (int i = 0; i < MAX_DIRECT_WRITES && data.hasRemaining(); i++) {
            loop.resources().counters().socketWrites.increment();
            int n = data.isDirect() || data.remaining() <= HEAP_WRITE_WINDOW ? channel.write(data) : writeWindow(data);
            if (n == 0) {
                return;
            }
            wrote(n);
        }
    }

    /** Writes at most {@link #HEAP_WRITE_WINDOW} bytes of a large heap buffer. */
    private int writeWindow(ByteBuffer data) throws IOException {
        int limit = data.limit();
        data.limit(data.position() + HEAP_WRITE_WINDOW);
        try {
            return channel.write(data);
        } finally {
            data.limit(limit);
        }
    }

    @Override
    public boolean isWritable() {
        if (!open) {
            return false;
        }
        if (loop.inEventLoop()) {
            pauseForBudgetIfSpent(); // told to stop now, so it is told (onWritable) when to go on
            if (budgetPaused) {
                updateInterest();
            }
        }
        // Off the loop a recent snapshot; the budget shows through `writable` once the loop has
        // paused the connection, so a false here is always followed by onWritable.
        return writable && offLoopBytes + outbound.pendingBytes() <= highWaterMark;
    }

    @Override
    public long pendingOutboundBytes() {
        return outbound.pendingBytes() + offLoopBytes;
    }

    @Override
    public void setAutoRead(boolean on) {
        if (!loop.inEventLoop()) {
            loop.execute(() -> setAutoRead(on));
            return;
        }
        autoRead = on;
        if (open) {
            updateInterest();
        }
    }

    @Override
    public boolean isAutoRead() {
        return autoRead && !closing; // a closing connection reads no more
    }

    @Override
    public void shutdownOutput() {
        if (!loop.inEventLoop()) {
            loop.execute(this::shutdownOutput);
            return;
        }
        if (!open || outputShut || outputShutdownPending) {
            return;
        }
        outputShutdownPending = true;
        if (outbound.isEmpty()) {
            doShutdownOutput();
        }
    }

    private void doShutdownOutput() {
        outputShutdownPending = false;
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            ioFailed(e);
            return;
        }
        outputShut = true;
        if (inputClosed) {
            closeNow(null);
        }
    }

    @Override
    public void close() {
        if (!loop.inEventLoop()) {
            loop.execute(this::close);
            return;
        }
        if (!open || closing) {
            return;
        }
        closing = true;
        if (outbound.isEmpty()) {
            closeNow(null);
        } else {
            updateInterest(); // stop reading; keep flushing
        }
    }

    @Override
    public void abort() {
        if (!loop.inEventLoop()) {
            loop.execute(this::abort);
            return;
        }
        if (!open) {
            return;
        }
        if (channel.supportedOptions().contains(StandardSocketOptions.SO_LINGER)) {
            try {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            } catch (IOException e) {
                log.debug("{}: cannot set SO_LINGER 0 for a reset: {}", this, e.toString());
            }
        }
        outbound.clear(new ClosedChannelException());
        closeNow(null);
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public SocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public SocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public EventLoop loop() {
        return loop.facade();
    }

    @Override
    public void attach(Object attachment) {
        this.attachment = attachment;
    }

    @Override
    public Object attachment() {
        return attachment;
    }

    // ---------------------------------------------------------------- closing and failures

    /** The socket took {@code n} bytes (of a write, a gathering write or a file transfer). */
    private void wrote(long n) {
        loop.resources().counters().bytesWritten.add(n);
        active();
    }

    /** Read or written: the idle timeout starts over. */
    private void active() {
        if (idle != null) {
            idle.touch();
        }
    }

    private void onIdle() {
        if (closing) {
            log.debug("{}: still not flushed an idle timeout after close, resetting", this);
            abort();
            return;
        }
        log.debug("{}: idle", this);
        try {
            handler.onIdle(this);
        } catch (Throwable t) {
            handlerFailed(t);
        }
    }

    private void ioFailed(IOException e) {
        loop.resources().counters().connectionErrors.increment();
        if (Failures.isPeerGone(e)) {
            log.debug("{}: peer gone: {}", this, e.toString());
        } else {
            log.debug("{}: I/O error", this, e);
        }
        closeNow(e);
    }

    /** A handler threw: counted, logged throttled, closed at once with the throwable as the cause. */
    void handlerFailed(Throwable t) {
        Failures.rethrowIfFatal(t);
        loop.resources().counters().handlerFailures.increment();
        LogThrottle throttle = loop.resources().handlerFailureLog();
        if (throttle.allow()) {
            log.warn("{}: handler failed, closing the connection ({} more not logged)", this, throttle.suppressed(), t);
        }
        closeNow(t);
    }

    @Override
    public void onUnexpectedFailure(Throwable cause) {
        LogThrottle throttle = loop.resources().handlerFailureLog();
        if (throttle.allow()) {
            log.warn("{}: unexpected failure, closing the connection ({} more not logged)",
                    this, throttle.suppressed(), cause);
        }
        closeNow(cause);
    }

    @Override
    public void beginShutdown() {
        owner.close();
    }

    @Override
    public void forceClose() {
        abort();
    }

    /** Sets the key's interest from the state; first pauses reading if the send budget says so. */
    private void updateInterest() {
        pauseForBudgetIfSpent();
        int ops = (wantsToRead() ? SelectionKey.OP_READ : 0)
                | (outbound.isEmpty() ? 0 : SelectionKey.OP_WRITE);
        if (ops != interestOps) {
            interestOps = ops;
            key.interestOps(ops);
        }
    }

    private void closeNow(Throwable cause) {
        if (!open) {
            return;
        }
        open = false;
        writable = false;
        if (key != null) {
            loop.deregister(key);
        }
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("{}: error on close: {}", this, e.toString());
        }
        outbound.clear(cause != null ? cause : new ClosedChannelException());
        if (budgetPaused) {
            budgetPaused = false;
            loop.resources().budget().leave(this);
        }
        if (idle != null) {
            idle.stop();
        }
        loop.resources().counters().closed.increment();
        if (limit != null) {
            limit.release();
        }
        log.debug("closed {}", this);
        if (handler != null) {
            try {
                handler.onClose(this, cause);
            } catch (Throwable t) {
                Failures.rethrowIfFatal(t);
                loop.resources().counters().handlerFailures.increment();
                if (loop.resources().handlerFailureLog().allow()) {
                    log.warn("{}: onClose failed ({} more not logged)", this, loop.resources().handlerFailureLog().suppressed(), t);
                }
            }
        }
        outbound.completeFinished(); // the files not sent fail, once the connection is settled closed
    }

    @Override
    public String toString() {
        return "connection " + Addresses.describe(remoteAddress) + " -> " + Addresses.describe(localAddress);
    }

    @Override
    public <T> T option(SocketOption<T> option) throws IOException {
        return channel.getOption(option);
    }
}
