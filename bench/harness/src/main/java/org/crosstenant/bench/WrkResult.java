package org.crosstenant.bench;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one {@code wrk --latency} run measured.
 *
 * @param requestsPerSecond wrk's {@code Requests/sec} (all answers, whatever their status)
 * @param p50Millis         median latency in milliseconds (wrk's latency distribution); NaN when nothing completed
 * @param p99Millis         99th percentile latency in milliseconds
 * @param requests          requests completed in the run
 * @param errors            non-2xx/3xx answers plus socket errors (connect, read, write, timeout)
 */
public record WrkResult(double requestsPerSecond, double p50Millis, double p99Millis, long requests, long errors) {

    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern PERCENTILE = Pattern.compile("^\\s*(50|99)(?:\\.0+)?%\\s+([0-9.]+)(us|ms|s|m)\\s*$",
            Pattern.MULTILINE);
    private static final Pattern TOTAL = Pattern.compile("^\\s*(\\d+) requests in", Pattern.MULTILINE);
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");
    private static final Pattern SOCKET = Pattern.compile(
            "Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

    /**
     * Parses the standard output of {@code wrk --latency} (wrk 4.x).
     *
     * @param output wrk's whole standard output
     * @return the figures
     * @throws IllegalArgumentException when the output has no {@code Requests/sec} or no 50%/99% latency line (wrk
     *                                  failed, or was run without {@code --latency})
     */
    public static WrkResult parse(String output) {
        Matcher rate = RATE.matcher(output);
        if (!rate.find()) {
            throw new IllegalArgumentException("no Requests/sec in wrk's output: " + output);
        }
        double p50 = Double.NaN;
        double p99 = Double.NaN;
        Matcher percentile = PERCENTILE.matcher(output);
        while (percentile.find()) {
            double millis = toMillis(Double.parseDouble(percentile.group(2)), percentile.group(3));
            if (percentile.group(1).equals("50")) {
                p50 = millis;
            } else {
                p99 = millis;
            }
        }
        if (Double.isNaN(p50) || Double.isNaN(p99)) {
            throw new IllegalArgumentException("no 50%/99% latency lines (run wrk with --latency): " + output);
        }
        Matcher total = TOTAL.matcher(output);
        long requests = total.find() ? Long.parseLong(total.group(1)) : 0;
        if (requests == 0) {
            // nothing completed: wrk prints 0.00us, which is no latency at all
            p50 = Double.NaN;
            p99 = Double.NaN;
        }
        long errors = 0;
        Matcher non2xx = NON_2XX.matcher(output);
        if (non2xx.find()) {
            errors += Long.parseLong(non2xx.group(1));
        }
        Matcher socket = SOCKET.matcher(output);
        if (socket.find()) {
            for (int group = 1; group <= 4; group++) {
                errors += Long.parseLong(socket.group(group));
            }
        }
        return new WrkResult(Double.parseDouble(rate.group(1)), p50, p99, requests, errors);
    }

    /** wrk prints latencies as e.g. {@code 812.00us}, {@code 1.23ms}, {@code 2.01s}, {@code 1.50m}. */
    static double toMillis(double value, String unit) {
        return switch (unit) {
            case "us" -> value / 1000.0;
            case "ms" -> value;
            case "s" -> value * 1000.0;
            case "m" -> value * 60_000.0;
            default -> throw new IllegalArgumentException("unknown wrk time unit " + unit);
        };
    }
}
