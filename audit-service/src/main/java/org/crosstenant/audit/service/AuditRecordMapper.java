package org.crosstenant.audit.service;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.crosstenant.audit.model.AuditRecord;
import org.crosstenant.audit.model.AuditRecordEntity;

/** Entity ⇄ the public record shape (API, SSE, audit.records). */
@ApplicationScoped
public class AuditRecordMapper {

    private final ObjectMapper mapper;

    public AuditRecordMapper(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public AuditRecord toRecord(AuditRecordEntity e) {
        return new AuditRecord(e.sequence, e.sequence - 1, e.recordId, List.of(e.tenants), e.action, e.outcome, json(e.actor),
                e.resourceTenant, e.homeTenant, e.application, e.invitationId, e.sourceEventId, e.sourceType,
                e.occurredAt, e.recordedAt, json(e.details), e.previousHash, e.hash,
                e.prunedAt != null);
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
