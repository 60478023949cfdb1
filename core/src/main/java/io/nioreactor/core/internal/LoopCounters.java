package io.nioreactor.core.internal;

import io.nioreactor.core.LoopMetric;
import io.nioreactor.core.LoopMetrics;

/** The loop's counters; written by the loop thread only, read from anywhere. */
final class LoopCounters implements LoopMetrics, ServedChannels {

    private final SendBudget budget;

    final Counter accepted = new Counter();
    final Counter connected = new Counter();
    final Counter closed = new Counter();
    final Counter rejected = new Counter();
    final Counter connectionErrors = new Counter();
    final Counter handlerFailures = new Counter();
    final Counter acceptPauses = new Counter();
    final Counter bytesRead = new Counter();
    final Counter bytesWritten = new Counter();
    final Counter socketWrites = new Counter();
    final Counter fileBytesSent = new Counter();
    final Counter iterations = new Counter();
    final Counter tasksRun = new Counter();
    final Counter datagramsReceived = new Counter();
    final Counter datagramsSent = new Counter();
    final Counter datagramBytesReceived = new Counter();
    final Counter datagramBytesSent = new Counter();
    final Counter datagramsDropped = new Counter();
    final Counter datagramErrors = new Counter();
    final Counter loopErrors = new Counter();
    final Counter bufferAllocationFailures = new Counter();
    final Counter handedOff = new Counter();
    final Counter writesDroppedAfterClose = new Counter();
    final Counter tlsHandshakes = new Counter();
    final Counter tlsHandshakeFailures = new Counter();
    final Counter tlsHandshakeTimeouts = new Counter();
    /** The longest iteration's busy time so far (select's wait excluded); loop thread writes, any reads. */
    volatile long longestIterationNanos;
    /** The same over the metrics window. */
    final RecentMax recentIterationNanos;
    /** Written by the watchdog's thread, the one writer of this counter. */
    final Counter blockedIterations = new Counter();
    /** When the iteration under way began to be busy: marked by the loop, read by the watchdog and here. */
    final BusyMark busy = new BusyMark();
    /** The kinds of channels served so far, one bit per {@link LoopMetric.Channels}; loop thread writes. */
    private volatile int served = 1 << LoopMetric.Channels.ANY.ordinal();

    LoopCounters(SendBudget budget, long metricsWindowNanos) {
        this.budget = budget;
        this.recentIterationNanos = new RecentMax(metricsWindowNanos, System.nanoTime());
    }

    /** Loop thread: a channel of this kind opens on the loop. */
    void serving(LoopMetric.Channels channels) {
        int bit = 1 << channels.ordinal();
        if ((served & bit) == 0) {
            served |= bit;
        }
    }

    @Override
    public boolean serves(LoopMetric.Channels channels) {
        return (served & (1 << channels.ordinal())) != 0;
    }

    /** Loop thread: one iteration was busy {@code busyNanos}, ending at {@code nowNanos}. */
    void iterationEnded(long busyNanos, long nowNanos) {
        iterations.increment();
        if (busyNanos > longestIterationNanos) {
            longestIterationNanos = busyNanos;
        }
        recentIterationNanos.record(busyNanos, nowNanos);
    }

    @Override
    public long connectionsAccepted() {
        return accepted.get();
    }

    @Override
    public long connectionsConnected() {
        return connected.get();
    }

    @Override
    public long connectionsOpen() {
        long closedSoFar = closed.get(); // first: read after them, a close of one just counted could make it -1
        return accepted.get() + connected.get() - closedSoFar;
    }

    @Override
    public long connectionsClosed() {
        return closed.get();
    }

    @Override
    public long connectionsRejected() {
        return rejected.get();
    }

    @Override
    public long connectionErrors() {
        return connectionErrors.get();
    }

    @Override
    public long handlerFailures() {
        return handlerFailures.get();
    }

    @Override
    public long acceptPauses() {
        return acceptPauses.get();
    }

    @Override
    public long bytesRead() {
        return bytesRead.get();
    }

    @Override
    public long bytesWritten() {
        return bytesWritten.get();
    }

    @Override
    public long socketWrites() {
        return socketWrites.get();
    }

    @Override
    public long fileBytesSent() {
        return fileBytesSent.get();
    }

    @Override
    public long loopIterations() {
        return iterations.get();
    }

    @Override
    public long tasksRun() {
        return tasksRun.get();
    }

    @Override
    public long datagramsReceived() {
        return datagramsReceived.get();
    }

    @Override
    public long datagramsSent() {
        return datagramsSent.get();
    }

    @Override
    public long datagramBytesReceived() {
        return datagramBytesReceived.get();
    }

    @Override
    public long datagramBytesSent() {
        return datagramBytesSent.get();
    }

    @Override
    public long datagramsDropped() {
        return datagramsDropped.get();
    }

    @Override
    public long datagramErrors() {
        return datagramErrors.get();
    }

    @Override
    public long connectionsHandedOff() {
        return handedOff.get();
    }

    @Override
    public long loopErrors() {
        return loopErrors.get();
    }

    @Override
    public long bufferAllocationFailures() {
        return bufferAllocationFailures.get();
    }

    @Override
    public long writesDroppedAfterClose() {
        return writesDroppedAfterClose.get();
    }

    @Override
    public long queuedBytes() {
        return budget.queued();
    }

    @Override
    public long peakQueuedBytes() {
        return budget.peak();
    }

    @Override
    public long maxQueuedBytes() {
        return budget.max();
    }

    @Override
    public long queueBudgetExhaustions() {
        return budget.exhaustions();
    }

    @Override
    public long tlsHandshakesCompleted() {
        return tlsHandshakes.get();
    }

    @Override
    public long tlsHandshakesFailed() {
        return tlsHandshakeFailures.get();
    }

    @Override
    public long tlsHandshakesTimedOut() {
        return tlsHandshakeTimeouts.get();
    }

    @Override
    public long longestIterationNanos() {
        return longestIterationNanos;
    }

    @Override
    public long longestRecentIterationNanos() {
        return recentIterationNanos.get(System.nanoTime());
    }

    @Override
    public long currentIterationNanos() {
        long since = busy.since();
        return since == BusyMark.IDLE ? 0 : Math.max(0, System.nanoTime() - since);
    }

    @Override
    public long blockedIterations() {
        return blockedIterations.get();
    }

    @Override
    public String toString() {
        return describe(this);
    }

    /** The counters in one line, for a loop's or a group's stopped line. */
    static String describe(LoopMetrics m) {
        return "open=" + m.connectionsOpen() + " accepted=" + m.connectionsAccepted()
                + " connected=" + m.connectionsConnected() + " closed=" + m.connectionsClosed()
                + " rejected=" + m.connectionsRejected() + " errors=" + m.connectionErrors()
                + " failures=" + m.handlerFailures() + " bytesRead=" + m.bytesRead()
                + " bytesWritten=" + m.bytesWritten() + " socketWrites=" + m.socketWrites() + " datagramsIn=" + m.datagramsReceived()
                + " datagramsOut=" + m.datagramsSent() + " datagramsDropped=" + m.datagramsDropped()
                + " queued=" + m.queuedBytes() + " peakQueued=" + m.peakQueuedBytes()
                + " maxQueued=" + m.maxQueuedBytes();
    }
}
