package org.crosstenant.platform.tlog.witness;

/**
 * Why the witness does not cosign a submitted checkpoint, with the HTTP status the C2SP tlog-witness protocol gives it
 * and a short {@link #reason} for metrics and problem answers.
 * <p>
 * Only an {@link #alarm()} is evidence against the log: a checkpoint that verified with the log's key and is a split
 * view ({@value Witness#SPLIT_VIEW}) or not consistent with the one cosigned ({@value Witness#INCONSISTENT}). The
 * witness logs those as {@code ALERT} and counts them in {@code crosstenant_witness_refusals_total{origin,reason}}.
 * Every other refusal (malformed, unknown origin, no valid log signature, a replayed older checkpoint, a stale
 * {@code old} size) is a rejected request: anyone can cause one, so it never alerts and is counted apart
 * ({@code crosstenant_witness_rejected_requests_total{reason}} in the app).
 */
public class WitnessRefusal extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String reason;
    private final boolean alarm;
    private final long latestSize;

    /**
     * @param status     400 malformed, 403 bad log signature, 404 unknown origin, 409 old size mismatch, 413 too
     *                   large, 422 invalid or inconsistent
     * @param reason     metric reason, never null (see {@link #of} for the rejections' defaults)
     * @param alarm      true only for evidence against the log (a verified split view or inconsistent checkpoint)
     * @param detail     what is wrong, for the caller (never key material)
     * @param latestSize for 409: the size of the latest cosigned checkpoint; else -1
     */
    public WitnessRefusal(int status, String reason, boolean alarm, String detail, long latestSize) {
        super(detail);
        if (reason == null) {
            throw new IllegalArgumentException("a refusal has a reason");
        }
        this.status = status;
        this.reason = reason;
        this.alarm = alarm;
        this.latestSize = latestSize;
    }

    /**
     * A rejected request (not an alarm, not a 409) whose reason follows from its status: 400 {@code malformed},
     * 403 {@code bad-signature}, 404 {@code unknown-origin}, 413 {@code too-large}, 422 {@code invalid}, else
     * {@code other}.
     *
     * @param status the HTTP status
     * @param detail what is wrong, for the caller
     * @return the refusal
     */
    public static WitnessRefusal of(int status, String detail) {
        String reason = switch (status) {
            case 400 -> "malformed";
            case 403 -> "bad-signature";
            case 404 -> "unknown-origin";
            case 413 -> "too-large";
            case 422 -> "invalid";
            default -> "other";
        };
        return new WitnessRefusal(status, reason, false, detail, -1);
    }

    /**
     * A rejected request that says nothing against the log.
     *
     * @param status     the HTTP status
     * @param reason     the metric reason
     * @param detail     what is wrong, for the caller
     * @param latestSize for 409: the latest cosigned size; else -1
     * @return the refusal
     */
    public static WitnessRefusal rejected(int status, String reason, String detail, long latestSize) {
        return new WitnessRefusal(status, reason, false, detail, latestSize);
    }

    /**
     * Evidence against the log: a checkpoint signed by its key that contradicts what the witness cosigned.
     *
     * @param status the HTTP status (422)
     * @param reason {@value Witness#SPLIT_VIEW} or {@value Witness#INCONSISTENT}
     * @param detail what is wrong, for the caller
     * @return the refusal
     */
    public static WitnessRefusal alarm(int status, String reason, String detail) {
        return new WitnessRefusal(status, reason, true, detail, -1);
    }

    /** @return the HTTP status */
    public int status() {
        return status;
    }

    /** @return the metric reason, never null */
    public String reason() {
        return reason;
    }

    /** @return whether this refusal is evidence against the log (alerted and counted as a refusal) */
    public boolean alarm() {
        return alarm;
    }

    /** @return for 409, the witness's latest cosigned size for the origin; else -1 */
    public long latestSize() {
        return latestSize;
    }
}
