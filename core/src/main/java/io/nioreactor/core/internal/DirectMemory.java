package io.nioreactor.core.internal;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the JVM lets direct buffers take, and how much they take now.
 *
 * <p>{@code ByteBuffer.allocateDirect} near the limit does not fail fast: it runs
 * {@code System.gc()} and sleeps, retrying, for up to about half a second before it throws. On
 * a loop thread that is a stall for every connection, so the loop asks here first and treats
 * "no room" as a failed allocation at once. Direct buffers that were dropped are only freed
 * after a garbage collection; when room runs short, one is requested off the loop, at most
 * once a second, as the JDK itself would have done on the allocating thread.
 */
public final class DirectMemory {

    /** Left free for the JDK's own direct buffers (temporary I/O buffers of other threads). */
    private static final long HEADROOM = 1 << 20;
    private static final long COLLECT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private static final long LIMIT = readLimit();
    private static final BufferPoolMXBean DIRECT_POOL = directPool();
    private static final AtomicLong lastCollectionRequest = new AtomicLong(System.nanoTime() - COLLECT_INTERVAL_NANOS);

    private DirectMemory() {
    }

    /** @return the JVM's direct-memory limit: MaxDirectMemorySize, where 0 means the max heap */
    public static long limit() {
        return LIMIT;
    }

    /**
     * Tells whether {@code bytes} more fit below the limit (less a little headroom); if not,
     * requests a garbage collection off the calling thread so dropped buffers are freed.
     *
     * @param bytes the size about to be allocated
     * @return {@code true} if the allocation may go ahead
     */
    static boolean hasRoomFor(long bytes) {
        if (DIRECT_POOL == null || DIRECT_POOL.getTotalCapacity() + bytes <= LIMIT - HEADROOM) {
            return true;
        }
        requestCollection();
        return false;
    }

    private static void requestCollection() {
        long now = System.nanoTime();
        long last = lastCollectionRequest.get();
        if (now - last >= COLLECT_INTERVAL_NANOS && lastCollectionRequest.compareAndSet(last, now)) {
            CompletableFuture.runAsync(System::gc);
        }
    }

    private static long readLimit() {
        long configured = 0;
        try {
            HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            if (hotspot != null) {
                configured = Long.parseLong(hotspot.getVMOption("MaxDirectMemorySize").getValue());
            }
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            configured = 0; // not a HotSpot JVM, or the option is unknown: fall back to the heap
        }
        return configured > 0 ? configured : Runtime.getRuntime().maxMemory();
    }

    private static BufferPoolMXBean directPool() {
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if ("direct".equals(pool.getName())) {
                return pool;
            }
        }
        return null;
    }
}
