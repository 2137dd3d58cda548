package org.crosstenant.audit.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Who started the audited step (Entra's {@code initiatedBy}): the person's tenant and subject when a person did it, and
 * always the suite component through which it happened. Derived from the stored record (docs/audit.md "Record schema").
 *
 * @param tenant the initiating tenant; null for a step the system took on its own (a decision, an expiry)
 * @param subject the person's subject at its home tenant (or a {@code system:…} subject); null when no person acted
 * @param app the component that produced the event: {@code invitation-service}, {@code policy-service} or
 *        {@code gateway}; null for a record of another source
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({ "tenant", "subject", "app" })
public record InitiatedBy(String tenant, String subject, String app) {
}
