package org.crosstenant.audit.rest;

/** A tenant asked for {@code GET /api/v1/audit/verify} again before its interval passed: 429 with Retry-After. */
public class VerifyTooOftenException extends RuntimeException {

    private final long retryAfterSeconds;

    /** @param retryAfterSeconds when the tenant may ask again, whole seconds from now (at least 1) */
    public VerifyTooOftenException(long retryAfterSeconds) {
        super("a verification of the audit log may be started once per interval per tenant; ask again in "
                + retryAfterSeconds + " s");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** @return whole seconds until the next verification may start, at least 1 */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
