package org.crosstenant.audit.model;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * An audit record as the query API, the SSE stream and the audit.records topic show it.
 * Absent values are written as null so that consumers always see the same field names. {@code leafIndex} is the
 * record's leaf in the Merkle tree ({@code sequence - 1}), what its inclusion proof is asked by (docs/audit.md).
 * <p>
 * The fields after {@code hash} follow Entra's directory audit and sign-in logs (issue #9, "Record schema" in
 * docs/audit.md). They are not stored: {@code RecordSchema} derives them deterministically from the stored fields
 * (action, outcome, actor, tenants, application, invitation id, source type, details), so the leaf hash covers them
 * and an offline verifier can recompute them. Build a record with {@code AuditRecordMapper.record}.
 * {@code pruned} is true once retention cleared the body: {@code actor, details, outcome, application, invitationId}
 * are then null; the leaf hash is still in the tree (the proof endpoint answers it as {@code leafHash}).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({ "sequence", "leafIndex", "recordId", "tenants", "action", "outcome", "actor", "resourceTenant", "homeTenant",
        "application", "invitationId", "sourceEventId", "sourceType", "occurredAt", "recordedAt", "details",
        "previousHash", "hash", "pruned", "activity", "category", "initiatedBy", "targets", "result", "resultReason",
        "correlationId", "crossTenantAccessType" })
public record AuditRecord(
        long sequence,
        long leafIndex,
        UUID recordId,
        List<String> tenants,
        String action,
        String outcome,
        JsonNode actor,
        String resourceTenant,
        String homeTenant,
        String application,
        String invitationId,
        UUID sourceEventId,
        String sourceType,
        Instant occurredAt,
        Instant recordedAt,
        JsonNode details,
        String previousHash,
        String hash,
        boolean pruned,
        String activity,
        String category,
        InitiatedBy initiatedBy,
        List<AuditTarget> targets,
        String result,
        String resultReason,
        String correlationId,
        String crossTenantAccessType) {

    public boolean concerns(String tenant) {
        return tenants.contains(tenant);
    }
}
