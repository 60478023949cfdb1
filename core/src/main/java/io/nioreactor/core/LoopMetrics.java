package io.nioreactor.core;

/**
 * Counters of one {@link EventLoop}, readable from any thread.
 *
 * <p>Only the loop thread writes them, without locks or contended atomics, so reading from
 * another thread gives a recent value, not a consistent snapshot across counters. All counts
 * are totals since the loop started, except {@link #connectionsOpen()}.
 */
public interface LoopMetrics {

    /**
     * Connections accepted by the loop's TCP servers (rejected ones excluded).
     *
     * @return the accepted connection count
     */
    long connectionsAccepted();

    /**
     * Outgoing connections established by {@link EventLoop#connectTcp}.
     *
     * @return the established client connection count
     */
    long connectionsConnected();

    /**
     * Connections currently open, accepted or connected.
     *
     * @return the open connection count
     */
    long connectionsOpen();

    /**
     * Connections closed, for whatever reason.
     *
     * @return the closed connection count
     */
    long connectionsClosed();

    /**
     * Connections this loop accepted and handed to another loop of its group, to be served
     * there (a group listener that hands off rather than one listening socket per loop).
     *
     * @return the hand-off count
     */
    long connectionsHandedOff();

    /**
     * Connections accepted and closed at once because a server was at its
     * {@link TcpOptions#maxConnections()}.
     *
     * @return the rejected connection count
     */
    long connectionsRejected();

    /**
     * Connections closed by an I/O error such as a peer reset or a broken pipe.
     *
     * @return the count of connections closed by an I/O error
     */
    long connectionErrors();

    /**
     * Handler callbacks, tasks and timers that threw; each closed its connection or was
     * skipped, and the loop went on.
     *
     * @return the failure count
     */
    long handlerFailures();

    /**
     * Times a TCP server paused accepting, for instance because the process was out of file
     * descriptors.
     *
     * @return the accept pause count
     */
    long acceptPauses();

    /**
     * Bytes read from TCP connections.
     *
     * @return the byte count
     */
    long bytesRead();

    /**
     * Bytes written to TCP connections.
     *
     * @return the byte count
     */
    long bytesWritten();

    /**
     * Write system calls on TCP connections: each write, gathering write or file transfer the
     * loop asked of a socket, whether or not it took bytes. With {@link Connection#writeLater}
     * a burst of replies costs one.
     *
     * @return the call count
     */
    long socketWrites();

    /**
     * Bytes sent from files by {@link Connection#sendFile} (zero-copy, {@code transferTo});
     * they are counted in {@link #bytesWritten()} too.
     *
     * @return the byte count
     */
    long fileBytesSent();

    /**
     * Iterations of the loop: one select plus its timers and tasks each.
     *
     * @return the iteration count
     */
    long loopIterations();

    /**
     * Tasks run, whether submitted with {@link EventLoop#execute} or scheduled.
     *
     * @return the task count
     */
    long tasksRun();

    /**
     * Datagrams received by the loop's UDP endpoints.
     *
     * @return the datagram count
     */
    long datagramsReceived();

    /**
     * Datagrams sent by the loop's UDP endpoints.
     *
     * @return the datagram count
     */
    long datagramsSent();

    /**
     * Payload bytes of the datagrams received.
     *
     * @return the byte count
     */
    long datagramBytesReceived();

    /**
     * Payload bytes of the datagrams sent.
     *
     * @return the byte count
     */
    long datagramBytesSent();

    /**
     * Datagrams dropped on the way out because a send queue was full or its endpoint closed.
     *
     * @return the dropped datagram count
     */
    long datagramsDropped();

    /**
     * UDP send and receive errors, ICMP port unreachable among them; none disturbs the loop.
     *
     * @return the error count
     */
    long datagramErrors();

    /**
     * Iterations of the loop that failed outside any one channel or task, in select itself for
     * instance; the loop went on, waiting a short back-off when they repeat (in select, or, when
     * select itself fails, parked for up to 100 ms after running its timers and tasks).
     *
     * @return the loop error count
     */
    long loopErrors();

    /**
     * Buffers the reactor asked for and the JVM could not give (direct or heap memory
     * exhausted). Each closed the connection or dropped the datagram that needed it; the loop
     * went on.
     *
     * @return the allocation failure count
     */
    long bufferAllocationFailures();

    /**
     * Writes from other threads that the loop took ({@link Connection#write} answered
     * {@code true}) but could not send, because their connection closed or shut its output
     * before the copy reached the loop thread. The bytes were lost with the connection, as
     * queued bytes are when it resets.
     *
     * @return the count of such writes
     */
    long writesDroppedAfterClose();

    /**
     * Bytes the loop holds for sending now: outbound queues in whole 16 KiB chunks, off-loop
     * writes on their way to the loop, queued datagrams. See {@link LoopOptions#maxQueuedBytes()}.
     *
     * @return the bytes held for sending
     */
    long queuedBytes();

    /**
     * The most {@link #queuedBytes()} has been since the loop started. With handlers that write
     * what they read it stays within {@link #maxQueuedBytes()}, plus one 16 KiB chunk per
     * connection, plus one 64 KiB read (see {@link LoopOptions#maxQueuedBytes()}). For a group,
     * the sum of its loops' peaks.
     *
     * @return the peak of the bytes held for sending
     */
    long peakQueuedBytes();

    /**
     * The loop's send budget, {@link LoopOptions#maxQueuedBytes()}.
     *
     * @return the budget in bytes
     */
    long maxQueuedBytes();

    /**
     * Times the send budget was spent, so that connections holding queued bytes were paused.
     *
     * @return the count of budget exhaustions
     */
    long queueBudgetExhaustions();

    /**
     * TLS handshakes that completed (each reached {@link ConnectionHandler#onOpen}).
     *
     * @return the count since the loop started
     */
    long tlsHandshakesCompleted();

    /**
     * TLS handshakes that failed: a peer that does not speak TLS or sends garbage, a certificate
     * not trusted, no protocol or cipher suite in common, a peer gone mid-handshake. None of
     * these connections reached the handler.
     *
     * @return the count since the loop started
     */
    long tlsHandshakesFailed();

    /**
     * TLS handshakes that took longer than {@link TlsOptions#handshakeTimeout()}; closed, never
     * reaching the handler, and not counted in {@link #tlsHandshakesFailed()}.
     *
     * @return the count since the loop started
     */
    long tlsHandshakesTimedOut();

    /**
     * The longest time one iteration of the loop has been busy (dispatching ready channels,
     * timers and tasks; the wait in {@code select} not included): what a handler or task that
     * blocks the loop shows up in. For a group, the longest of its loops.
     *
     * @return nanoseconds, since the loop started
     */
    long longestIterationNanos();

    /**
     * The longest time one iteration has been busy over the last metrics window
     * ({@link LoopOptions#metricsWindow()}, a minute by default, to a sixth of it), where
     * {@link #longestIterationNanos()} keeps the longest since the start: a stall shows here
     * while it is recent and leaves when it is not. For a group, the longest of its loops.
     *
     * @return nanoseconds, 0 if the loop was idle all along the window
     */
    long longestRecentIterationNanos();

    /**
     * How long the iteration under way has been busy so far, 0 while the loop waits in
     * {@code select}: a loop blocked now shows here at once and for as long as it lasts, where the
     * longest iterations are known only once an iteration ends. For a group, the longest of its
     * loops.
     *
     * @return nanoseconds
     */
    long currentIterationNanos();

    /**
     * Iterations the loop's watchdog found running past {@link LoopOptions#blockedThreshold()}:
     * a handler, task or timer that blocks or runs long holds up every other channel of the loop.
     * Each is counted once, and logged at WARN with the loop thread's stack (at most one line per
     * loop every ten seconds).
     *
     * @return the count since the loop started
     */
    long blockedIterations();
}
