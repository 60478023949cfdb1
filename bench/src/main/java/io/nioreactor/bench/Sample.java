package io.nioreactor.bench;

/**
 * One run of one scenario against one server.
 *
 * @param value      messages per second, or for the idle scenario KiB of server RSS per connection
 * @param p99Micros  99th percentile round trip (0 for idle)
 * @param cpuSeconds server CPU time during the run
 * @param messages   messages echoed in the measured window (0 for idle)
 * @param rssKib     server resident memory at the end of the run
 * @param errors     load errors (corruption, lost connections)
 * @param lossPercent UDP datagrams lost
 * @param note       what went wrong with this run, or {@code null}
 */
record Sample(double value, long p99Micros, double cpuSeconds, long messages, long rssKib, long errors,
        double lossPercent, String note) {

    double cpuMicrosPerMessage() {
        return messages == 0 ? 0 : cpuSeconds * 1e6 / messages;
    }
}
