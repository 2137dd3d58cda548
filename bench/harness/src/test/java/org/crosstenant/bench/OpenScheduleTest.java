package org.crosstenant.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class OpenScheduleTest {

    @Test
    void sendsRateTimesDurationRequests() {
        assertEquals(15_000, new OpenSchedule(500, 30).count());
        assertEquals(1_500, new OpenSchedule(50, 30).count());
        assertEquals(1, new OpenSchedule(0.5, 1).count());
    }

    @Test
    void requestsAreEvenlySpacedFromTheStart() {
        OpenSchedule schedule = new OpenSchedule(200, 30);
        assertEquals(0, schedule.offsetNanos(0));
        assertEquals(5_000_000, schedule.offsetNanos(1)); // 1/200 s
        assertEquals(29_995_000_000L, schedule.offsetNanos(schedule.count() - 1));
    }

    @Test
    void spacingDoesNotDriftWithNonIntegralIntervals() {
        OpenSchedule schedule = new OpenSchedule(3, 10); // 333.33 ms apart
        assertEquals(30, schedule.count());
        assertEquals(3_000_000_000L, schedule.offsetNanos(9));
        assertEquals(9_666_666_667L, schedule.offsetNanos(29));
    }

    @Test
    void refusesNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new OpenSchedule(0, 30));
        assertThrows(IllegalArgumentException.class, () -> new OpenSchedule(50, -1));
        assertThrows(IndexOutOfBoundsException.class, () -> new OpenSchedule(50, 1).offsetNanos(50));
    }
}
