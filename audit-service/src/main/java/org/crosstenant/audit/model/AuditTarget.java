package org.crosstenant.audit.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One resource an audited step acted on (Entra's {@code targetResources}). Derived from the stored record
 * (docs/audit.md "Record schema").
 *
 * @param type {@code Invitation}, {@code User}, {@code Application} or {@code CrossTenantAccessSettings}
 * @param id the resource's id: the invitation id, the user's email (else subject), the application id, or the
 *        settings' aggregate {@code <tenant>/default} / {@code <tenant>/partners/<partner>}
 * @param tenant the tenant the resource belongs to
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({ "type", "id", "tenant" })
public record AuditTarget(String type, String id, String tenant) {
}
