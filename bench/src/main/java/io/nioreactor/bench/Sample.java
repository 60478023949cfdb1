package io.nioreactor.bench;

import org.HdrHistogram.Histogram;

/**
 * One run of one scenario against one server.
 *
 * @param value            messages per second, or for the idle scenario KiB of server RSS per connection
 * @param p99Micros        99th percentile round trip (0 for idle)
 * @param cpuSeconds       server CPU time during the measured window
 * @param messages         messages echoed in the measured window (0 for idle)
 * @param rssKib           server resident memory at the end of the run
 * @param errors           load errors (corruption, lost connections)
 * @param lossPercent      UDP datagrams lost
 * @param note             what went wrong with this run, or {@code null}
 * @param clientCpuSeconds the load generator's CPU time during the measured window
 * @param seconds          the measured window
 * @param serverCores      the cores the server could use (its loops, or the cores it was pinned to)
 * @param clientCores      the cores the load could use
 * @param roundTrip        the round trips in microseconds, or {@code null} (idle, a failed run)
 */
record Sample(double value, long p99Micros, double cpuSeconds, long messages, long rssKib, long errors,
        double lossPercent, String note, double clientCpuSeconds, double seconds, int serverCores, int clientCores,
        Histogram roundTrip) {

    /** Busy above this share of its cores, a side is saturated. */
    static final double SATURATED = 0.9;

    /** A sample without CPU accounting: the idle scenario, a failed run. */
    Sample(double value, long p99Micros, double cpuSeconds, long messages, long rssKib, long errors,
            double lossPercent, String note) {
        this(value, p99Micros, cpuSeconds, messages, rssKib, errors, lossPercent, note, 0, 0, 0, 0, null);
    }

    double cpuMicrosPerMessage() {
        return messages == 0 ? 0 : cpuSeconds * 1e6 / messages;
    }

    double clientCpuMicrosPerMessage() {
        return messages == 0 ? 0 : clientCpuSeconds * 1e6 / messages;
    }

    /** The server's CPU over the window, as a share of the cores it could use (1.0 = all busy). */
    double serverBusy() {
        return seconds == 0 || serverCores == 0 ? 0 : cpuSeconds / seconds / serverCores;
    }

    /** The load's CPU over the window, as a share of the cores it could use. */
    double clientBusy() {
        return seconds == 0 || clientCores == 0 ? 0 : clientCpuSeconds / seconds / clientCores;
    }

    /**
     * The server had CPU to spare while the load's cores were full: the row measures the client,
     * not the server.
     */
    boolean clientBound() {
        return serverBusy() < SATURATED && clientBusy() >= SATURATED;
    }
}
