package org.crosstenant.audit.model;

import java.util.List;

/** A page of the query API; {@code next} is the {@code after} value for the following page. */
public record PageOfRecords(List<AuditRecord> records, long next) {
}
