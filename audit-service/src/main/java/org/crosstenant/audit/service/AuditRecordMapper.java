package org.crosstenant.audit.service;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.crosstenant.audit.model.AuditRecord;
import org.crosstenant.audit.model.AuditRecordEntity;

/** Entity ⇄ the public record shape (API, SSE, audit.records, export), with the derived record schema fields. */
@ApplicationScoped
public class AuditRecordMapper {

    private final ObjectMapper mapper;

    public AuditRecordMapper(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The public shape of a stored row (its JSON columns parsed once). */
    public AuditRecord toRecord(AuditRecordEntity e) {
        return record(e, List.of(e.tenants), json(e.actor), json(e.details));
    }

    /**
     * The public shape of a row whose JSON columns are at hand already parsed (the append path), with the record
     * schema's fields derived from the stored ones ({@link RecordSchema#derive}): the one place a record is built.
     *
     * @param e the row as stored (sequence, ids, hashes, columns)
     * @param tenants the row's tenants
     * @param actor the row's actor, parsed (null when none)
     * @param details the row's details, parsed
     * @return the record as the API, the SSE stream, audit.records and the export show it
     */
    public static AuditRecord record(AuditRecordEntity e, List<String> tenants, JsonNode actor, JsonNode details) {
        RecordSchema.Derived d = RecordSchema.derive(e.action, e.outcome, actor, e.resourceTenant, e.homeTenant,
                e.application, e.invitationId, e.sourceType, details);
        return new AuditRecord(e.sequence, e.sequence - 1, e.recordId, tenants, e.action, e.outcome, actor,
                e.resourceTenant, e.homeTenant, e.application, e.invitationId, e.sourceEventId, e.sourceType,
                e.occurredAt, e.recordedAt, details, e.previousHash, e.hash, e.prunedAt != null, d.activity(), d.category(),
                d.initiatedBy(), d.targets(), d.result(), d.resultReason(), d.correlationId(),
                d.crossTenantAccessType());
    }

    public String toJson(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    private JsonNode json(String text) {
        if (text == null) {
            return null;
        }
        try {
            return mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON is not JSON", e);
        }
    }
}
