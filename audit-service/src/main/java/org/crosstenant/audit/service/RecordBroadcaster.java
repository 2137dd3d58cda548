package org.crosstenant.audit.service;

import java.util.List;

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

    private final BroadcastProcessor<List<AuditRecord>> processor = BroadcastProcessor.create();

    /** @param records the records of one committed transaction (one signal per transaction, not per record) */
    public void committed(List<AuditRecord> records) {
        processor.onNext(records);
    }

    /** Hot stream of committed transactions' records: only those committed after subscription. */
    public Multi<List<AuditRecord>> appended() {
        return processor;
    }
}
