package org.crosstenant.platform.tlog.witness;

/**
 * Why the witness does not cosign a submitted checkpoint, with the HTTP status the C2SP tlog-witness protocol gives it.
 * A refusal with a {@link #reason} that is not null concerns a known log whose signature verified: it is counted in
 * {@code crosstenant_witness_refusals_total{origin,reason}}.
 */
public class WitnessRefusal extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String reason;
    private final long latestSize;

    /**
     * @param status     400 malformed, 403 bad log signature, 404 unknown origin, 409 old size mismatch, 413 too
     *                   large, 422 inconsistent
     * @param reason     metric reason ({@code split-view}, {@code inconsistent}, {@code rollback},
     *                   {@code bad-signature}), or null for a request that says nothing about the log
     * @param detail     what is wrong, for the caller (never key material)
     * @param latestSize for 409: the size of the latest cosigned checkpoint; else -1
     */
    public WitnessRefusal(int status, String reason, String detail, long latestSize) {
        super(detail);
        this.status = status;
        this.reason = reason;
        this.latestSize = latestSize;
    }

    /** A refusal that is not a 409 and not counted. */
    public static WitnessRefusal of(int status, String detail) {
        return new WitnessRefusal(status, null, detail, -1);
    }

    /** @return the HTTP status */
    public int status() {
        return status;
    }

    /** @return the metric reason, or null */
    public String reason() {
        return reason;
    }

    /** @return for 409, the witness's latest cosigned size for the origin; else -1 */
    public long latestSize() {
        return latestSize;
    }
}
