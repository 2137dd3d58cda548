package org.crosstenant.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void medianOfOddAndEvenCounts() {
        assertEquals(3.0, Stats.median(List.of(5.0, 1.0, 3.0)), 1e-12);
        assertEquals(2.5, Stats.median(List.of(4.0, 1.0, 3.0, 2.0)), 1e-12);
    }

    @Test
    void medianSkipsMissingFigures() {
        assertEquals(2.0, Stats.median(Arrays.asList(Double.NaN, 2.0, null)), 1e-12);
        assertTrue(Double.isNaN(Stats.median(List.of(Double.NaN))));
    }

    @Test
    void ratioOfNothingIsNoNumber() {
        assertEquals(0.5, Stats.ratio(1, 2), 1e-12);
        assertTrue(Double.isNaN(Stats.ratio(1, 0)));
        assertEquals("0.021×", Stats.times(0.0213));
        assertEquals("1.05×", Stats.times(1.049));
    }

    @Test
    void histogramSummaryInMilliseconds() {
        Histogram micros = LatencySummary.newMicrosHistogram();
        for (int i = 1; i <= 1000; i++) {
            micros.recordValue(i * 1000L); // 1 ms .. 1000 ms
        }
        LatencySummary summary = LatencySummary.ofMicros(micros);
        assertEquals(1000, summary.count());
        assertEquals(500.0, summary.p50(), 1.0);
        assertEquals(990.0, summary.p99(), 1.0);
        assertEquals(999.0, summary.p999(), 1.0);
        assertEquals(1000.0, summary.max(), 1.0);
    }

    @Test
    void emptyHistogramHasNoPercentiles() {
        LatencySummary summary = LatencySummary.ofMicros(LatencySummary.newMicrosHistogram());
        assertEquals(0, summary.count());
        assertTrue(Double.isNaN(summary.p99()));
        assertEquals("—", LatencySummary.ms(summary.p99()));
    }

    @Test
    void millisecondsPrintedByMagnitude() {
        assertEquals("0.331", LatencySummary.ms(0.3314));
        assertEquals("12.4", LatencySummary.ms(12.44));
        assertEquals("1530", LatencySummary.ms(1530.2));
    }
}
