package io.nioreactor.core.internal;

import io.nioreactor.core.LoopMetric;

/** Which kinds of channels a loop, or a group, has served: which of its metrics apply. Any thread. */
interface ServedChannels {

    /** @return whether it has served channels of that kind ({@link LoopMetric.Channels#ANY}: always) */
    boolean serves(LoopMetric.Channels channels);
}
