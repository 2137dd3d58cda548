package org.crosstenant.audit.service;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

import org.crosstenant.audit.model.AuditRecord;
import org.crosstenant.audit.model.AuditRecordEntity;
import org.crosstenant.audit.model.ChainVerification;
import org.crosstenant.audit.model.PageOfRecords;
import org.crosstenant.audit.repository.AuditRecordRepository;
import org.crosstenant.audit.repository.AuditRecordRepository.Filter;
import org.crosstenant.audit.repository.ChainHeadRepository;

/** Read side: tenant-scoped pages, the stream's catch-up reads, and chain verification. */
@ApplicationScoped
public class AuditQueries {

    private static final int VERIFY_BATCH = 1000;

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

    /**
     * Recomputes every hash from the stored rows, oldest first: a changed field, a removed or inserted row, or a
     * rewritten chain head shows up as the first sequence that does not verify.
     */
    public Uni<ChainVerification> verify() {
        return Panache.withSession(() -> verifyFrom(0L, AuditHasher.GENESIS))
                .map(broken -> broken != null ? broken : new ChainVerification(true, null, null, Instant.now()));
    }

    private Uni<ChainVerification> verifyFrom(long verifiedUpTo, String expectedPrevious) {
        return records.pageOfChain(verifiedUpTo, VERIFY_BATCH).flatMap(batch -> {
            long last = verifiedUpTo;
            String previous = expectedPrevious;
            for (AuditRecordEntity record : batch) {
                if (record.sequence != last + 1) {
                    return Uni.createFrom().item(broken(last + 1, "record " + (last + 1) + " is missing"));
                }
                if (!Objects.equals(record.previousHash, previous)) {
                    return Uni.createFrom().item(broken(record.sequence, "previousHash does not match the record before"));
                }
                if (!AuditHasher.hash(record).equals(record.hash)) {
                    return Uni.createFrom().item(broken(record.sequence, "hash does not match the record's content"));
                }
                last = record.sequence;
                previous = record.hash;
            }
            if (batch.size() == VERIFY_BATCH) {
                return verifyFrom(last, previous);
            }
            long lastVerified = last;
            String lastHash = previous;
            return heads.read().map(head -> {
                if (head.lastSequence > lastVerified) {
                    return broken(lastVerified + 1, "records after " + lastVerified + " are missing");
                }
                if (head.lastSequence < lastVerified) {
                    return broken(head.lastSequence + 1, "records beyond the chain head");
                }
                if (!head.lastHash.equals(lastHash)) {
                    return broken(lastVerified, "chain head hash does not match the newest record");
                }
                return null;
            });
        });
    }

    private static ChainVerification broken(long sequence, String reason) {
        return new ChainVerification(false, sequence, reason, Instant.now());
    }
}
