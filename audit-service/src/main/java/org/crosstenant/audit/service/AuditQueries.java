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
import org.jboss.logging.Logger;

/** Read side: tenant-scoped pages, the stream's catch-up reads, and chain verification. */
@ApplicationScoped
public class AuditQueries {

    private static final Logger LOG = Logger.getLogger(AuditQueries.class);

    private static final int VERIFY_BATCH = 1000;

    /** All a tenant learns when the chain breaks at a record that is not (or no longer visibly) its own. */
    static final String GENERIC_REASON = "the audit hash chain does not verify; the operator has the details";

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
     * rewritten chain head shows up as the first sequence that does not verify. The chain is global (all tenants'
     * records), so the answer is cut to what {@code callerTenant} may see: the broken sequence and the precise reason
     * only when the broken record concerns that tenant; otherwise (another tenant's record, or a record that is gone)
     * just {@code ok=false} with a generic reason. The full finding is logged for the operator.
     */
    public Uni<ChainVerification> verify(String callerTenant) {
        return Panache.withSession(() -> verifyFrom(0L, AuditHasher.GENESIS)).map(broken -> {
            if (broken == null) {
                return new ChainVerification(true, null, null, Instant.now());
            }
            LOG.warnf("audit hash chain broken at sequence %d: %s", broken.sequence(), broken.reason());
            if (broken.tenants() != null && List.of(broken.tenants()).contains(callerTenant)) {
                return new ChainVerification(false, broken.sequence(), broken.reason(), Instant.now());
            }
            return new ChainVerification(false, null, GENERIC_REASON, Instant.now());
        });
    }

    /** What verification found, with the tenants of the broken record when it still exists (null when it does not). */
    private record Broken(long sequence, String reason, String[] tenants) {
    }

    private Uni<Broken> verifyFrom(long verifiedUpTo, String expectedPrevious) {
        return records.pageOfChain(verifiedUpTo, VERIFY_BATCH).flatMap(batch -> {
            long last = verifiedUpTo;
            String previous = expectedPrevious;
            for (AuditRecordEntity record : batch) {
                if (record.sequence != last + 1) {
                    return Uni.createFrom().item(new Broken(last + 1, "record " + (last + 1) + " is missing", null));
                }
                if (!Objects.equals(record.previousHash, previous)) {
                    return Uni.createFrom().item(
                            broken(record, "previousHash does not match the record before"));
                }
                if (!AuditHasher.hash(record).equals(record.hash)) {
                    return Uni.createFrom().item(broken(record, "hash does not match the record's content"));
                }
                last = record.sequence;
                previous = record.hash;
            }
            if (batch.size() == VERIFY_BATCH) {
                return verifyFrom(last, previous);
            }
            long lastVerified = last;
            String lastHash = previous;
            AuditRecordEntity newest = batch.isEmpty() ? null : batch.get(batch.size() - 1);
            return heads.read().flatMap(head -> {
                if (head.lastSequence > lastVerified) {
                    return Uni.createFrom().item(
                            new Broken(lastVerified + 1, "records after " + lastVerified + " are missing", null));
                }
                if (head.lastSequence < lastVerified) {
                    return records.findById(head.lastSequence + 1).map(beyond -> beyond == null
                            ? new Broken(head.lastSequence + 1, "records beyond the chain head", null)
                            : broken(beyond, "records beyond the chain head"));
                }
                if (!head.lastHash.equals(lastHash)) {
                    String reason = "chain head hash does not match the newest record";
                    return Uni.createFrom().item(newest != null && newest.sequence == lastVerified
                            ? broken(newest, reason)
                            : new Broken(lastVerified, reason, null));
                }
                return Uni.createFrom().nullItem();
            });
        });
    }

    private static Broken broken(AuditRecordEntity record, String reason) {
        return new Broken(record.sequence, reason, record.tenants);
    }
}
