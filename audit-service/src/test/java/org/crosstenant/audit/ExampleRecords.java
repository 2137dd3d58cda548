package org.crosstenant.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.crosstenant.audit.messaging.AuditEventTranslator;
import org.crosstenant.audit.model.AuditDraft;
import org.crosstenant.audit.model.AuditRecord;
import org.crosstenant.audit.model.AuditRecordEntity;
import org.crosstenant.audit.service.AuditRecordMapper;
import org.crosstenant.platform.model.StrictJsonInput;

/** Records as the append path makes them, from the producers' example events (ProducerContractTest's files). */
final class ExampleRecords {

    static final AuditEventTranslator TRANSLATOR = new AuditEventTranslator(StrictJsonInput.apply(new ObjectMapper()));

    /** An example file and the record made from it. */
    record Example(Path file, String type, AuditRecord record) {
        @Override
        public String toString() {
            return file.getFileName().toString();
        }
    }

    private ExampleRecords() {
    }

    /** One record per producer example file. */
    static List<Example> all() {
        try {
            return ProducerContractTest.examples().map(file -> {
                String type = ProducerContractTest.typeOf(file);
                try {
                    return new Example(file, type, record(type, Files.readString(file)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The record the append path makes of one event (sequence 7, fixed hashes). */
    static AuditRecord record(String type, String payload) {
        AuditDraft draft = TRANSLATOR.translate(type, payload);
        AuditRecordEntity e = new AuditRecordEntity();
        e.sequence = 7L;
        e.recordId = UUID.nameUUIDFromBytes(payload.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        e.tenants = draft.tenants().toArray(String[]::new);
        e.action = draft.action();
        e.outcome = draft.outcome();
        e.resourceTenant = draft.resourceTenant();
        e.homeTenant = draft.homeTenant();
        e.application = draft.application();
        e.invitationId = draft.invitationId();
        e.sourceEventId = UUID.nameUUIDFromBytes((type + payload).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        e.sourceType = type;
        e.occurredAt = draft.occurredAt();
        e.recordedAt = Instant.parse("2026-12-01T10:00:00Z");
        e.previousHash = "p";
        e.hash = "h";
        return AuditRecordMapper.record(e, draft.tenants(), draft.actor(), draft.details());
    }
}
