package org.crosstenant.audit.service;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

import org.crosstenant.audit.config.VerifyConfig;
import org.crosstenant.audit.model.AuditRecordEntity;
import org.crosstenant.audit.model.ChainVerification;
import org.crosstenant.audit.repository.VerifyRepository;
import org.crosstenant.audit.repository.VerifyRepository.Beyond;
import org.crosstenant.audit.repository.VerifyRepository.Snapshot;
import org.crosstenant.audit.rest.VerifyTooOftenException;
import org.crosstenant.platform.tlog.MerkleFrontier;
import org.jboss.logging.Logger;

/**
 * {@code GET /api/v1/audit/verify}: checks the whole log against one fixed chain head (docs/audit.md "Verifying the
 * whole log").
 * <ul>
 * <li><b>One snapshot.</b> The head (sequence and hash), the tree size and the latest checkpoint are read in one
 * statement; records 1..head are checked. Sequences are assigned under the head lock and committed in order, so every
 * record up to that head is committed, and records appended while the verification runs are simply not part of it
 * (never a false "missing").</li>
 * <li><b>Off the event loop.</b> The work (hashing every record) runs on a worker thread, paging through the records
 * {@code crosstenant.audit.verify.page-size} at a time.</li>
 * <li><b>Bounded.</b> One verification runs at a time; callers arriving meanwhile join it and get its answer. Each
 * tenant may start one per {@code crosstenant.audit.verify.min-interval}, beyond that 429.</li>
 * <li><b>What is checked</b>, per record: no gap, {@code previousHash} = the hash of the record before, and for a
 * record not pruned its chain hash and its Merkle leaf hash recomputed from its content; for every record of the
 * tree its stored leaf exists, and the root over the stored leaves up to the latest signed checkpoint equals that
 * checkpoint's root. Finally the head's hash is the last record's, and no record lies beyond the head.</li>
 * </ul>
 */
@ApplicationScoped
public class ChainVerifier {

    private static final Logger LOG = Logger.getLogger(ChainVerifier.class);

    /** All a tenant learns when the log breaks at a record that is not (or no longer visibly) its own. */
    static final String GENERIC_REASON = "the audit hash chain does not verify; the operator has the details";

    private final VerifyRepository repository;
    private final VerifyConfig config;
    private final VerifyGate gate;
    private final AtomicReference<CompletableFuture<Finding>> running = new AtomicReference<>();

    public ChainVerifier(VerifyRepository repository, VerifyConfig config) {
        this.repository = repository;
        this.config = config;
        this.gate = new VerifyGate(config.minInterval(), Clock.systemUTC());
    }

    /**
     * Verifies the log (or joins the verification that runs) and cuts the answer to what {@code callerTenant} may
     * see: the broken sequence and the precise reason only when the broken record concerns that tenant.
     *
     * @throws VerifyTooOftenException when the tenant would start a new verification within its interval
     */
    public Uni<ChainVerification> verify(String callerTenant) {
        return Uni.createFrom().completionStage(() -> shared(callerTenant))
                .map(finding -> finding.forTenant(callerTenant));
    }

    private CompletableFuture<Finding> shared(String tenant) {
        while (true) {
            CompletableFuture<Finding> current = running.get();
            if (current != null) {
                return current;
            }
            gate.admit(tenant).ifPresent(wait -> {
                throw new VerifyTooOftenException(Math.max(1, (wait.toMillis() + 999) / 1000));
            });
            CompletableFuture<Finding> mine = new CompletableFuture<>();
            if (running.compareAndSet(null, mine)) {
                Infrastructure.getDefaultWorkerPool().execute(() -> {
                    Finding finding;
                    try {
                        finding = run();
                    } catch (RuntimeException e) {
                        running.compareAndSet(mine, null);
                        mine.completeExceptionally(e);
                        return;
                    }
                    running.compareAndSet(mine, null);
                    mine.complete(finding);
                });
                return mine;
            }
        }
    }

    /** What one verification found; {@code broken} null when all is well. */
    private record Finding(Broken broken, Snapshot snapshot, Instant at) {

        ChainVerification forTenant(String tenant) {
            Long checkpoint = snapshot.checkpointSize() == 0 ? null : snapshot.checkpointSize();
            if (broken == null) {
                return new ChainVerification(true, null, null, at, snapshot.lastSequence(), checkpoint);
            }
            if (broken.tenants() != null && List.of(broken.tenants()).contains(tenant)) {
                return new ChainVerification(false, broken.sequence(), broken.reason(), at, snapshot.lastSequence(),
                        checkpoint);
            }
            return new ChainVerification(false, null, GENERIC_REASON, at, snapshot.lastSequence(), checkpoint);
        }
    }

    /** Where it broke, with the tenants of the broken record when it still exists (null when it does not). */
    private record Broken(long sequence, String reason, String[] tenants) {

        static Broken at(AuditRecordEntity record, String reason) {
            return new Broken(record.sequence, reason, record.tenants);
        }
    }

    /** Blocking: runs on a worker thread. */
    private Finding run() {
        Snapshot snapshot = repository.snapshot();
        Broken broken = check(snapshot);
        Finding finding = new Finding(broken, snapshot, Instant.now());
        if (broken != null) {
            LOG.warnf("audit log broken at sequence %d: %s", broken.sequence(), broken.reason());
        }
        return finding;
    }

    private Broken check(Snapshot snapshot) {
        long last = 0;
        String previous = AuditHasher.GENESIS;
        MerkleFrontier frontier = new MerkleFrontier();
        List<MerkleFrontier.Node> scratch = new ArrayList<>();
        while (last < snapshot.lastSequence()) {
            long upTo = Math.min(last + config.pageSize(), snapshot.lastSequence());
            List<AuditRecordEntity> page = repository.records(last, upTo);
            Map<Long, byte[]> leaves = repository.leaves(last, Math.min(upTo, snapshot.treeSize()));
            for (AuditRecordEntity record : page) {
                if (record.sequence != last + 1) {
                    return new Broken(last + 1, "record " + (last + 1) + " is missing", null);
                }
                if (!Objects.equals(record.previousHash, previous)) {
                    return Broken.at(record, "previousHash does not match the record before");
                }
                byte[] storedLeaf = leaves.get(record.sequence - 1);
                if (record.sequence <= snapshot.treeSize() && storedLeaf == null) {
                    return Broken.at(record, "the record's leaf is missing from the Merkle tree");
                }
                if (record.prunedAt == null) {
                    Broken content = checkContent(record, storedLeaf);
                    if (content != null) {
                        return content;
                    }
                }
                if (storedLeaf != null && frontier.size() < snapshot.checkpointSize()) {
                    frontier.append(storedLeaf, scratch);
                    scratch.clear();
                    if (frontier.size() == snapshot.checkpointSize()
                            && !Arrays.equals(frontier.root(), snapshot.checkpointRoot())) {
                        return Broken.at(record, "the Merkle tree's root does not match the latest signed checkpoint");
                    }
                }
                last = record.sequence;
                previous = record.hash;
            }
            if (last < upTo) {
                return new Broken(last + 1, "record " + (last + 1) + " is missing", null);
            }
        }
        if (!snapshot.lastHash().equals(previous)) {
            String reason = "chain head hash does not match the newest record";
            List<AuditRecordEntity> newest = last == 0 ? List.of() : repository.records(last - 1, last);
            return newest.isEmpty() ? new Broken(last, reason, null) : Broken.at(newest.get(0), reason);
        }
        Beyond beyond = repository.beyondHead();
        if (beyond.firstBeyond() != null) {
            return Broken.at(beyond.firstBeyond(), "records beyond the chain head");
        }
        return null;
    }

    private static Broken checkContent(AuditRecordEntity record, byte[] storedLeaf) {
        String canonical;
        try {
            canonical = AuditHasher.canonical(record);
        } catch (IllegalStateException e) {
            return Broken.at(record, "the record's stored JSON is not JSON");
        }
        if (!AuditHasher.chainHash(record.previousHash, canonical).equals(record.hash)) {
            return Broken.at(record, "hash does not match the record's content");
        }
        if (storedLeaf != null && !Arrays.equals(AuditHasher.leafHash(canonical), storedLeaf)) {
            return Broken.at(record, "the Merkle leaf hash does not match the record's content");
        }
        return null;
    }
}
