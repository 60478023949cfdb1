package io.nioreactor.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How long a loop's select waits, on a clock of the test's own. */
class SelectTimeoutTest {

    private static final long NOW = 1_000_000_000L;

    private static long ms(double millis) {
        return NOW + (long) (millis * 1_000_000);
    }

    @Test
    void aTimerIsWaitedForToTheNearestMillisecondAndPolledForInItsLastHalf() {
        assertEquals(-1, SelectTimeout.millis(false, Long.MAX_VALUE, NOW, 0), "nothing due: block until woken");
        assertEquals(3, SelectTimeout.millis(false, ms(3.4), NOW, 0));
        assertEquals(4, SelectTimeout.millis(false, ms(3.6), NOW, 0));
        assertEquals(1, SelectTimeout.millis(false, ms(0.6), NOW, 0));
        assertEquals(0, SelectTimeout.millis(false, ms(0.4), NOW, 0), "under half a millisecond: poll");
        assertEquals(0, SelectTimeout.millis(false, ms(-5), NOW, 0), "overdue: poll");
    }

    @Test
    void workWaitingPollsUnlessTheLoopIsBackingOffFromFailures() {
        assertEquals(0, SelectTimeout.millis(true, ms(50), NOW, 0));
        assertEquals(20, SelectTimeout.millis(true, ms(50), NOW, 20), "the back-off, ended early by a timer");
        assertEquals(20, SelectTimeout.millis(false, Long.MAX_VALUE, NOW, 20));
        assertEquals(5, SelectTimeout.millis(false, ms(5), NOW, 20), "a timer sooner than the back-off");
        assertEquals(1, SelectTimeout.millis(true, ms(0.1), NOW, 20), "backing off never polls");
    }
}
