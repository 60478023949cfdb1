package io.nioreactor.bench;

import io.nioreactor.core.EventLoop;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The clock of an open-loop load: sends are due at fixed intervals from the start, never from
 * the last answer, so a server that stalls finds the messages of the stall queued behind it and
 * each round trip, measured from the time its message was <em>due</em>, shows the wait
 * (no coordinated omission; wrk2 and HdrHistogram's corrected histograms are the model).
 *
 * <p>The load is cut into bursts of {@code depth} messages (the pipelined depth: one burst is one
 * write of that many messages); burst {@code b} is due at {@code start + b * depth / rate} and goes
 * to stream {@code b % streams}, so the streams share the rate evenly. The pacer runs on the load's
 * loop: each run hands the streams the bursts that have come due, and each stream sends what it
 * can at once; then it runs again, as a task queued behind the loop's reads when the next burst is
 * less than 2 ms away (the loop polls the clock between reads: an open-loop load keeps its thread
 * busy, as a load generator with microsecond timers does), else from a timer. Loop thread only.
 */
final class Pacer implements Runnable {

    /** Closer than this, the next burst is waited for by running again at once, not by a timer. */
    private static final long SPIN_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    /**
     * Bursts handed out per run at most, and sent per stream per call: a load that has fallen
     * behind catches up in steps, with the loop's reads and timers between them, and the lag shows.
     */
    static final int MAX_BURSTS_AT_ONCE = 1024;
    /** The most messages in flight over all the streams, whatever the rate: 4 M due times, 32 MiB. */
    private static final long MAX_IN_FLIGHT = 1 << 22;

    /** A stream of the load (a connection, a socket) as the pacer drives it. */
    interface PacedStream {
        /** One more of this stream's bursts has come due. */
        void burstDue();

        /** Sends what has come due and fits (a stream holds in flight what two seconds of its share bring, at most). */
        void sendDue(long now);
    }

    private final EventLoop loop;
    private final PacedStream[] streams;
    private final Measurement measurement;
    private final long start;
    private final double nanosPerBurst;
    private final boolean[] touched;
    private final int[] touchedList;
    private long issued;

    /**
     * @param rate  messages per second over all the streams
     * @param depth messages per burst
     * @param start when burst 0 is due ({@link System#nanoTime()})
     */
    Pacer(EventLoop loop, PacedStream[] streams, Measurement measurement, double rate, int depth, long start) {
        if (!(rate > 0)) {
            throw new IllegalArgumentException("the rate must be above 0, was " + rate);
        }
        this.loop = loop;
        this.streams = streams.clone();
        this.measurement = measurement;
        this.start = start;
        this.nanosPerBurst = depth * 1e9 / rate;
        this.touched = new boolean[streams.length];
        this.touchedList = new int[streams.length];
    }

    /** When burst {@code b} is due, for a stream to stamp its messages with. */
    long dueTime(long burst) {
        return start + (long) (burst * nanosPerBurst);
    }

    /** The global index of a stream's {@code k}-th burst. */
    long burstOf(int stream, long k) {
        return stream + k * streams.length;
    }

    @Override
    public void run() {
        if (measurement.stopped()) {
            return;
        }
        long now = System.nanoTime();
        long due = now < start ? 0 : Math.min((long) ((now - start) / nanosPerBurst) + 1, issued + MAX_BURSTS_AT_ONCE);
        int count = 0;
        for (; issued < due; issued++) {
            int stream = (int) (issued % streams.length);
            streams[stream].burstDue();
            if (!touched[stream]) {
                touched[stream] = true;
                touchedList[count++] = stream;
            }
        }
        for (int i = 0; i < count; i++) {
            touched[touchedList[i]] = false;
            streams[touchedList[i]].sendDue(now);
        }
        long wait = dueTime(issued) - System.nanoTime();
        if (wait > SPIN_NANOS) {
            loop.schedule(this, Duration.ofNanos(wait - TimeUnit.MILLISECONDS.toNanos(1)));
        } else {
            loop.execute(this);
        }
    }

    /**
     * The most a stream keeps in flight, a power of two: two seconds of its share of the rate (at
     * most its share of 4 M over all the streams), and 1,024 messages and a burst at least.
     */
    static int inFlightCapacity(double rate, int streams, int depth) {
        long twoSeconds = Math.min((long) Math.ceil(rate / streams * 2), MAX_IN_FLIGHT / streams);
        long capacity = Math.max(Math.max(twoSeconds, 1024), depth);
        return Integer.highestOneBit((int) (capacity - 1)) << 1;
    }
}
