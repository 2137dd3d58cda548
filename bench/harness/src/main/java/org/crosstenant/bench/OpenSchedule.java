package org.crosstenant.bench;

/**
 * The open model's send schedule: request {@code i} is due at {@code start + i / rate}, whatever happened to the
 * requests before it, so a slow answer never delays the next send (no coordinated omission). Latency is measured from
 * this intended time, not from when the request actually left, so a sender that fell behind is charged to the system.
 *
 * @param rate     requests per second (positive)
 * @param duration seconds of sending (positive)
 */
public record OpenSchedule(double rate, double duration) {

    public OpenSchedule {
        if (!(rate > 0) || !(duration > 0)) {
            throw new IllegalArgumentException("rate and duration must be positive");
        }
    }

    /** How many requests the schedule sends: {@code floor(rate × duration)}, at least 1. */
    public long count() {
        return Math.max(1, (long) Math.floor(rate * duration + 1e-9));
    }

    /**
     * The intended send time of request {@code index}, in nanoseconds after the start.
     *
     * @param index 0-based request number, below {@link #count()}
     * @return nanoseconds from the schedule's start
     */
    public long offsetNanos(long index) {
        if (index < 0 || index >= count()) {
            throw new IndexOutOfBoundsException("request " + index + " of " + count());
        }
        return Math.round(index * 1e9 / rate);
    }
}
