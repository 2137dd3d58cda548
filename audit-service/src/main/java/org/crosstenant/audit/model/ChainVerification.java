package org.crosstenant.audit.model;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Result of recomputing the whole hash chain. */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ChainVerification(boolean ok, Long firstBrokenSequence, String reason, Instant verifiedAt) {
}
