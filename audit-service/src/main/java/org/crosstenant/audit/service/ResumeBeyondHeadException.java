package org.crosstenant.audit.service;

/**
 * A feed was asked to resume after a sequence the log has not reached: the client holds a position this log never
 * gave (another deployment's log, a restored database, a forged id). Resuming there would skip every record up to it
 * silently, so {@link AuditStream#follow} refuses; the REST layer answers 400 problem+json naming the parameter.
 */
public class ResumeBeyondHeadException extends RuntimeException {

    /**
     * @param after the sequence asked for
     * @param head  the log's last sequence when it was checked
     */
    public ResumeBeyondHeadException(long after, long head) {
        super("sequence " + after + " is after the log's last record (" + head + "): this log never gave that id");
    }
}
