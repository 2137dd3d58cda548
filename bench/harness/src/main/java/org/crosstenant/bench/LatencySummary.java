package org.crosstenant.bench;

import org.HdrHistogram.Histogram;

/**
 * Percentiles of one latency histogram, in milliseconds.
 *
 * @param count    recorded values
 * @param p50      median, ms
 * @param p99      99th percentile, ms
 * @param p999     99.9th percentile, ms
 * @param max      largest value, ms
 */
public record LatencySummary(long count, double p50, double p99, double p999, double max) {

    /** Histograms in the harness record microseconds; 1 µs to 1 hour with 3 significant digits. */
    public static Histogram newMicrosHistogram() {
        return new org.HdrHistogram.ConcurrentHistogram(3_600_000_000L, 3);
    }

    /**
     * Summarises a histogram of microsecond values.
     *
     * @param micros values in microseconds
     * @return percentiles in milliseconds; all NaN when the histogram is empty
     */
    public static LatencySummary ofMicros(Histogram micros) {
        if (micros.getTotalCount() == 0) {
            return new LatencySummary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        return new LatencySummary(micros.getTotalCount(),
                micros.getValueAtPercentile(50.0) / 1000.0,
                micros.getValueAtPercentile(99.0) / 1000.0,
                micros.getValueAtPercentile(99.9) / 1000.0,
                micros.getMaxValue() / 1000.0);
    }

    /** Milliseconds with a precision that suits the magnitude ({@code 0.331}, {@code 12.4}, {@code 1530}); "—" for NaN. */
    public static String ms(double millis) {
        if (Double.isNaN(millis)) {
            return "—";
        }
        if (millis < 10) {
            return String.format(java.util.Locale.ROOT, "%.3f", millis);
        }
        if (millis < 1000) {
            return String.format(java.util.Locale.ROOT, "%.1f", millis);
        }
        return String.format(java.util.Locale.ROOT, "%.0f", millis);
    }
}
