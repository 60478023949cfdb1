package io.nioreactor.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SourceRateLimiterTest {

    private long now = 1_000_000_000L;

    private InetAddress address(int last) throws Exception {
        return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
    }

    @Test
    void allowsABurstOfOneSecondsWorthThenTheSustainedRate() throws Exception {
        SourceRateLimiter limiter = new SourceRateLimiter(10, 100, () -> now);
        InetAddress source = address(1);

        int allowed = 0;
        for (int i = 0; i < 50; i++) {
            allowed += limiter.tryAcquire(source) ? 1 : 0;
        }
        assertEquals(10, allowed, "the burst");

        now += TimeUnit.MILLISECONDS.toNanos(500);
        allowed = 0;
        for (int i = 0; i < 50; i++) {
            allowed += limiter.tryAcquire(source) ? 1 : 0;
        }
        assertEquals(5, allowed, "half a second refills half the bucket");
    }

    @Test
    void eachSourceHasItsOwnBucket() throws Exception {
        SourceRateLimiter limiter = new SourceRateLimiter(1, 100, () -> now);

        assertTrue(limiter.tryAcquire(address(1)));
        assertFalse(limiter.tryAcquire(address(1)));
        assertTrue(limiter.tryAcquire(address(2)));
    }

    @Test
    void memoryStaysBoundedWhateverTheSources() throws Exception {
        SourceRateLimiter limiter = new SourceRateLimiter(5, 3, () -> now);
        assertTrue(limiter.tryAcquire(address(1)));
        assertTrue(limiter.tryAcquire(address(2)));
        assertTrue(limiter.tryAcquire(address(3)));

        assertFalse(limiter.tryAcquire(address(4)), "a fourth source is limited while three are tracked");
        assertEquals(3, limiter.trackedSources());

        now += TimeUnit.SECONDS.toNanos(11); // all quiet past a sweep
        assertTrue(limiter.tryAcquire(address(4)));
        assertEquals(1, limiter.trackedSources());
    }
}
