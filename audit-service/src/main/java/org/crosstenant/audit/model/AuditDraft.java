package org.crosstenant.audit.model;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/** What an incoming event says, normalised, before it gets its place (sequence, hashes) in the chain. */
public record AuditDraft(
        List<String> tenants,
        String action,
        String outcome,
        JsonNode actor,
        String resourceTenant,
        String homeTenant,
        String application,
        String invitationId,
        Instant occurredAt,
        JsonNode details) {
}
