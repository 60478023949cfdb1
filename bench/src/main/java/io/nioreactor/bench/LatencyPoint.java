package io.nioreactor.bench;

/**
 * One open-loop run of {@code compare --latency}: a server on a scenario at a fixed offered rate,
 * a fraction of the slowest server's closed-loop peak, so that every server meets the same rates.
 *
 * @param scenario the scenario's name
 * @param impl     the server
 * @param fraction the offered rate as a share of the slowest peak (0.5 = 50%)
 * @param rate     the offered rate, messages per second
 * @param sample   what the run measured (its round trips timed from when each message was due)
 * @param pace     how the load kept its schedule
 */
record LatencyPoint(String scenario, String impl, double fraction, double rate, Sample sample, LoadResult.Pace pace) {

    /** {@return whether the numbers describe the server at this rate: the schedule kept, no error} */
    boolean valid() {
        return pace != null && pace.kept() && sample.errors() == 0 && sample.roundTrip() != null;
    }

    long percentile(double p) {
        return sample.roundTrip() == null ? 0 : sample.roundTrip().getValueAtPercentile(p);
    }
}
