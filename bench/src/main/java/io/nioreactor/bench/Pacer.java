package io.nioreactor.bench;

import io.nioreactor.core.EventLoop;
import io.nioreactor.core.Cancellable;
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
 * loop and hands the streams the bursts that have come due; each stream sends what it can at once.
 * Select waits in milliseconds, so while the next burst is less than 1.5 ms away the pacer runs in
 * every iteration (a periodic timer of a microsecond: the loop polls its sockets without blocking,
 * and allocates nothing for it); further away, the loop blocks in select until a millisecond
 * before it, as a closed-loop client does. Above about 700 bursts a second the load's thread is
 * therefore always busy, as a load generator with microsecond timers is: pin it to a core of its
 * own ({@code compare --pin} does). Loop thread only.
 */
final class Pacer implements Runnable {

    /**
     * Bursts handed out per run at most, and sent per stream per call: a load that has fallen
     * behind catches up in steps, with the loop's reads between them, and the lag shows.
     */
    static final int MAX_BURSTS_AT_ONCE = 1024;
    /** Further than this, the next burst is waited for by blocking in select, not by polling. */
    private static final long FAR_NANOS = TimeUnit.MICROSECONDS.toNanos(1_500);
    /** The most messages in flight over all the streams, whatever the rate: 4 M due times, 32 MiB. */
    private static final long MAX_IN_FLIGHT = 1 << 22;

    /** A stream of the load (a connection, a socket) as the pacer drives it. */
    interface PacedStream {
        /** One more of this stream's bursts has come due. */
        void burstDue();

        /** Sends what has come due and fits (a stream holds in flight what two seconds of its share bring, at most). */
        void sendDue(long now);

        /**
         * The window ends at {@code end}: each message due by then and not answered, in flight or
         * still waiting to be sent, is recorded at what it has waited ({@link Measurement#unanswered}).
         */
        void recordUnanswered(long end);
    }

    private final PacedStream[] streams;
    private final Measurement measurement;
    private final long start;
    private final double nanosPerBurst;
    private final int depth;
    private final boolean[] touched;
    private final int[] touchedList;
    private EventLoop loop;
    /** The periodic run while the next burst is near; {@code null} while the loop blocks until it is. */
    private Cancellable polling;
    /** The one run that ends a block; kept only so that it is plainly not lost. */
    private Cancellable wakeup;
    private long issued;

    /**
     * @param rate  messages per second over all the streams
     * @param depth messages per burst
     * @param start when burst 0 is due ({@link System#nanoTime()})
     */
    Pacer(PacedStream[] streams, Measurement measurement, double rate, int depth, long start) {
        if (!(rate > 0)) {
            throw new IllegalArgumentException("the rate must be above 0, was " + rate);
        }
        this.streams = streams.clone();
        this.measurement = measurement;
        this.start = start;
        this.nanosPerBurst = depth * 1e9 / rate;
        this.depth = depth;
        this.touched = new boolean[streams.length];
        this.touchedList = new int[streams.length];
    }

    /** Runs on {@code loop} from now on until the measurement stops. Loop thread. */
    void start(EventLoop loop) {
        this.loop = loop;
        measurement.atWindowEnd(end -> {
            for (long due = end < start ? 0 : (long) ((end - start) / nanosPerBurst) + 1; issued < due; issued++) {
                streams[(int) (issued % streams.length)].burstDue(); // due by the end, never to be sent
            }
            for (PacedStream stream : streams) {
                stream.recordUnanswered(end);
            }
        });
        run();
    }

    /** When burst {@code b} is due, for a stream to stamp its messages with. */
    long dueTime(long burst) {
        return start + (long) (burst * nanosPerBurst);
    }

    /**
     * Records the messages of a stream's bursts {@code from} (its own count) up to {@code to} that
     * were due by {@code end} and never sent, at what they waited.
     */
    void recordWaiting(int stream, long from, long to, long end) {
        for (long k = from; k < to; k++) {
            long due = dueTime(burstOf(stream, k));
            for (int i = 0; i < depth && due <= end; i++) {
                measurement.unanswered(end - due);
            }
        }
    }

    /** The global index of a stream's {@code k}-th burst. */
    long burstOf(int stream, long k) {
        return stream + k * streams.length;
    }

    @Override
    public void run() {
        if (measurement.stopped()) {
            stopPolling();
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
        if (wait > FAR_NANOS) { // block in select until a millisecond before it, then poll again
            stopPolling();
            wakeup = loop.schedule(this, Duration.ofNanos(wait - TimeUnit.MILLISECONDS.toNanos(1)));
        } else if (polling == null) {
            polling = loop.scheduleWithFixedDelay(this, Duration.ZERO, Duration.ofNanos(1_000));
        }
    }

    private void stopPolling() {
        if (polling != null) {
            polling.cancel();
            polling = null;
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
