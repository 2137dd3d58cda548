package org.crosstenant.audit.model;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Result of verifying the whole log up to a fixed chain head (docs/audit.md "Verifying the whole log").
 *
 * @param ok                  true when nothing up to {@code verifiedUpTo} is broken
 * @param firstBrokenSequence the first broken record, only when it concerns the caller's tenant (else null)
 * @param reason              why it is broken (generic when the record is not the caller's), null when ok
 * @param verifiedAt          when the verification finished
 * @param verifiedUpTo        the chain head it checked against: records appended later are not part of it
 * @param checkpointTreeSize  size of the latest signed checkpoint whose root was recomputed from the stored leaves,
 *                            null when there was none
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ChainVerification(boolean ok, Long firstBrokenSequence, String reason, Instant verifiedAt,
        long verifiedUpTo, Long checkpointTreeSize) {
}
