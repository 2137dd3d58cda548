package org.crosstenant.bench;

import java.util.List;

/** Small statistics over the rounds of a bench. */
public final class Stats {

    private Stats() {
    }

    /**
     * The median of the values that are not NaN (the mean of the two middle ones for an even count).
     *
     * @param values one figure per round
     * @return the median, or NaN when no value is a number
     */
    public static double median(List<Double> values) {
        double[] sorted = values.stream().filter(value -> value != null && !value.isNaN())
                .mapToDouble(Double::doubleValue).sorted().toArray();
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2.0;
    }

    /** {@code numerator / denominator}, NaN when either is NaN or the denominator is 0. */
    public static double ratio(double numerator, double denominator) {
        return denominator == 0 || Double.isNaN(numerator) || Double.isNaN(denominator) ? Double.NaN
                : numerator / denominator;
    }

    /** A ratio as {@code 0.021×}; "—" for NaN. */
    public static String times(double ratio) {
        return Double.isNaN(ratio) ? "—" : String.format(java.util.Locale.ROOT, ratio < 0.1 ? "%.3f×" : "%.2f×", ratio);
    }

    /** A count or rate without decimals, "—" for NaN. */
    public static String whole(double value) {
        return Double.isNaN(value) ? "—" : String.format(java.util.Locale.ROOT, "%.0f", value);
    }
}
