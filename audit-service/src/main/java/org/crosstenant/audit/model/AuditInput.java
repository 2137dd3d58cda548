package org.crosstenant.audit.model;

/** One consumed event that passed every check, with what it says: ready to get its place in the chain. */
public record AuditInput(IncomingEvent event, AuditDraft draft) {
}
