package io.nioreactor.core.internal;

import io.nioreactor.core.GroupMetrics;
import io.nioreactor.core.LoopMetric;
import io.nioreactor.core.LoopMetrics;
import java.util.List;

/**
 * A group's metrics: each counter summed over its loops, read from any thread. A sum of recent
 * values, not a snapshot; {@link #peakQueuedBytes()} is the sum of each loop's peak.
 */
public final class SummedLoopMetrics implements GroupMetrics, ServedChannels {

    private final List<LoopMetrics> loops;

    /**
     * @param loops the metrics of each loop, in the group's order
     */
    public SummedLoopMetrics(List<LoopMetrics> loops) {
        this.loops = List.copyOf(loops);
    }

    @Override
    public List<LoopMetrics> perLoop() {
        return loops;
    }

    @Override
    public boolean serves(LoopMetric.Channels channels) {
        for (LoopMetrics m : loops) {
            if (!(m instanceof ServedChannels) || ((ServedChannels) m).serves(channels)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public long connectionsAccepted() {
        long sum = 0;
        for (LoopMetrics m : loops) {
            sum += m.connectionsAccepted();
        }
        return sum;
    }

    @Override
    public long connectionsConnected() {
        long sum = 0;
        for (LoopMetrics m : loops) {
            sum += m.connectionsConnected();
        }
        return sum;
    }

    @Override
    public long connectionsOpen() {
        long sum = 0;
        for (LoopMetrics m : loops) {
            sum += m.connectionsOpen();
        }
        return sum;
    }

    @Override
    public long connectionsClosed() {
        long sum = 0;
        for (LoopMetrics m : loops) {
            sum += m.connectionsClosed();
        }
        return sum;
    }

    @Override
    public long connectionsHandedOff() {
        long sum = 0;
        for (LoopMetrics m : loops) {
            sum += m.connectionsHandedOff();
        }
        return sum;
    }

    @Override
    public long connectionsRejected() {
        long sum = 0;
        for (LoopMetrics m : loops) {
            sum += m.connectionsRejected();
        }
        return sum;
    }

    @Override
    public long connectionErrors() {
        long sum = 0;
        for (LoopMetrics m : loops) {
            sum += m.connectionErrors();
        }
        return sum;
    }

    @Override
    public long handlerFailures() {
        long sum = 0;
        for (LoopMetrics m : loops) {
            sum += m.handlerFailures();
        }
        return sum;
    }

    @Override
    public long acceptPauses() {
        long sum = 0;
        for (LoopMetrics m : loops) {
            sum += m.acceptPauses();
        }
        return sum;
    }

    @Override
    public long bytesRead() {
        long sum = 0;
        for (LoopMetrics m : loops) {
            sum += m.bytesRead();
        }
        return sum;
    }

    @Override
    public long bytesWritten() {
        long sum = 0;
        for (LoopMetrics m : loops) {
            sum += m.bytesWritten();
        }
        return sum;
    }

    @Override
    public long socketWrites() {
        long sum = 0;
        for (LoopMetrics m : loops) {
            sum += m.socketWrites();
        }
        return sum;
    }

    @Override
    public long fileBytesSent() {
        long sum = 0;
        for (LoopMetrics m : loops) {
            sum += m.fileBytesSent();
        }
        return sum;
    }

    @Override
    public long loopIterations() {
        long sum = 0;
        for (LoopMetrics m : loops) {
            sum += m.loopIterations();
        }
        return sum;
    }

    @Override
    public long tasksRun() {
        long sum = 0;
        for (LoopMetrics m : loops) {
            sum += m.tasksRun();
        }
        return sum;
    }

    @Override
    public long datagramsReceived() {
        long sum = 0;
        for (LoopMetrics m : loops) {
            sum += m.datagramsReceived();
        }
        return sum;
    }

    @Override
    public long datagramsSent() {
        long sum = 0;
        for (LoopMetrics m : loops) {
            sum += m.datagramsSent();
        }
        return sum;
    }

    @Override
    public long datagramBytesReceived() {
        long sum = 0;
        for (LoopMetrics m : loops) {
            sum += m.datagramBytesReceived();
        }
        return sum;
    }

    @Override
    public long datagramBytesSent() {
        long sum = 0;
        for (LoopMetrics m : loops) {
            sum += m.datagramBytesSent();
        }
        return sum;
    }

    @Override
    public long datagramsDropped() {
        long sum = 0;
        for (LoopMetrics m : loops) {
            sum += m.datagramsDropped();
        }
        return sum;
    }

    @Override
    public long datagramErrors() {
        long sum = 0;
        for (LoopMetrics m : loops) {
            sum += m.datagramErrors();
        }
        return sum;
    }

    @Override
    public long loopErrors() {
        long sum = 0;
        for (LoopMetrics m : loops) {
            sum += m.loopErrors();
        }
        return sum;
    }

    @Override
    public long bufferAllocationFailures() {
        long sum = 0;
        for (LoopMetrics m : loops) {
            sum += m.bufferAllocationFailures();
        }
        return sum;
    }

    @Override
    public long writesDroppedAfterClose() {
        long sum = 0;
        for (LoopMetrics m : loops) {
            sum += m.writesDroppedAfterClose();
        }
        return sum;
    }

    @Override
    public long queuedBytes() {
        long sum = 0;
        for (LoopMetrics m : loops) {
            sum += m.queuedBytes();
        }
        return sum;
    }

    @Override
    public long peakQueuedBytes() {
        long sum = 0;
        for (LoopMetrics m : loops) {
            sum += m.peakQueuedBytes();
        }
        return sum;
    }

    @Override
    public long maxQueuedBytes() {
        long sum = 0;
        for (LoopMetrics m : loops) {
            sum += m.maxQueuedBytes();
        }
        return sum;
    }

    @Override
    public long queueBudgetExhaustions() {
        long sum = 0;
        for (LoopMetrics m : loops) {
            sum += m.queueBudgetExhaustions();
        }
        return sum;
    }

    @Override
    public String toString() {
        return LoopCounters.describe(this) + " loops=" + loops.size();
    }

    @Override
    public long tlsHandshakesCompleted() {
        long sum = 0;
        for (LoopMetrics m : loops) {
            sum += m.tlsHandshakesCompleted();
        }
        return sum;
    }

    @Override
    public long tlsHandshakesFailed() {
        long sum = 0;
        for (LoopMetrics m : loops) {
            sum += m.tlsHandshakesFailed();
        }
        return sum;
    }

    @Override
    public long tlsHandshakesTimedOut() {
        long sum = 0;
        for (LoopMetrics m : loops) {
            sum += m.tlsHandshakesTimedOut();
        }
        return sum;
    }

    @Override
    public long longestIterationNanos() {
        long longest = 0;
        for (LoopMetrics m : loops) {
            longest = Math.max(longest, m.longestIterationNanos());
        }
        return longest;
    }

    @Override
    public long longestRecentIterationNanos() {
        long longest = 0;
        for (LoopMetrics m : loops) {
            longest = Math.max(longest, m.longestRecentIterationNanos());
        }
        return longest;
    }

    @Override
    public long currentIterationNanos() {
        long longest = 0;
        for (LoopMetrics m : loops) {
            longest = Math.max(longest, m.currentIterationNanos());
        }
        return longest;
    }

    @Override
    public long blockedIterations() {
        long sum = 0;
        for (LoopMetrics m : loops) {
            sum += m.blockedIterations();
        }
        return sum;
    }
}
