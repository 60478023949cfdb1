package io.nioreactor.core;

import java.util.List;

/**
 * The counters of an {@link EventLoopGroup}: every {@link LoopMetrics} value summed over the
 * group's loops, and each loop's own. Readable from any thread; each read sums recent values,
 * it is not a snapshot.
 */
public interface GroupMetrics extends LoopMetrics {

    /**
     * Each loop's own counters, in the order of {@link EventLoopGroup#loops()}: how evenly the
     * work is spread, for instance.
     *
     * @return an unmodifiable list, one entry per loop
     */
    List<LoopMetrics> perLoop();
}
