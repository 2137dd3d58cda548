package org.crosstenant.audit.service;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;

import org.crosstenant.audit.model.AuditRecord;
import org.crosstenant.audit.model.PageOfRecords;
import org.crosstenant.audit.repository.AuditRecordRepository;
import org.crosstenant.audit.repository.AuditRecordRepository.Filter;
import org.crosstenant.audit.repository.ChainHeadRepository;

/** Read side: tenant-scoped pages and the stream's catch-up reads (verification: {@link ChainVerifier}). */
@ApplicationScoped
public class AuditQueries {

    private final AuditRecordRepository records;
    private final ChainHeadRepository heads;
    private final AuditRecordMapper mapper;

    public AuditQueries(AuditRecordRepository records, ChainHeadRepository heads, AuditRecordMapper mapper) {
        this.records = records;
        this.heads = heads;
        this.mapper = mapper;
    }

    public Uni<PageOfRecords> page(String tenant, long after, int limit, Filter filter) {
        return records.pageForTenant(tenant, after, limit, filter).map(page -> {
            List<AuditRecord> list = page.stream().map(mapper::toRecord).toList();
            long next = list.isEmpty() ? after : list.get(list.size() - 1).sequence();
            return new PageOfRecords(list, next);
        });
    }

    /** The sequence of the newest record (0 when empty): where a stream without a replay point starts. */
    public Uni<Long> headSequence() {
        return heads.read().map(head -> head.lastSequence);
    }
}
