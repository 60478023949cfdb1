package io.nioreactor.daemon;

import java.util.Locale;

/** Turns cumulative counters into per-second rates between two stats lines. */
public final class Rates {

    private long[] previous;
    private long previousNanos = System.nanoTime();

    /**
     * Rates since the previous call (or since construction).
     *
     * @param current the counters' current values, in a fixed order
     * @return the per-second rate of each
     */
    public double[] perSecond(long... current) {
        long now = System.nanoTime();
        double seconds = Math.max(1e-9, (now - previousNanos) / 1e9);
        if (previous == null) {
            previous = new long[current.length]; // the counters start at zero with the loop
        }
        double[] rates = new double[current.length];
        for (int i = 0; i < current.length; i++) {
            rates[i] = (current[i] - previous[i]) / seconds;
            previous[i] = current[i];
        }
        previousNanos = now;
        return rates;
    }

    /**
     * @param bytes a byte count or rate
     * @return it in B, KiB, MiB or GiB with one decimal
     */
    public static String bytes(double bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB"};
        int unit = 0;
        while (bytes >= 1024 && unit < units.length - 1) {
            bytes /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, unit == 0 ? "%.0f %s" : "%.1f %s", bytes, units[unit]);
    }
}
