package org.crosstenant.audit.service;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;

import org.crosstenant.audit.model.AuditRecord;

/**
 * In-process fan-out of records right after their transaction committed. SSE subscribers use it as a wake-up
 * signal and read what they send from the database, so ordering and gaps never depend on who committed first.
 */
@ApplicationScoped
public class RecordBroadcaster {

    private final BroadcastProcessor<AuditRecord> processor = BroadcastProcessor.create();

    public void committed(AuditRecord record) {
        processor.onNext(record);
    }

    /** Hot stream: only records committed after subscription. */
    public Multi<AuditRecord> appended() {
        return processor;
    }
}
