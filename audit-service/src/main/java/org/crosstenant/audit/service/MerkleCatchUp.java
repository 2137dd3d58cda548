package org.crosstenant.audit.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;

import org.crosstenant.audit.model.AuditRecordEntity;
import org.crosstenant.audit.model.ChainHead;
import org.crosstenant.audit.repository.AppendRepository;
import org.crosstenant.audit.repository.PublishRepository;
import org.crosstenant.platform.tlog.MerkleFrontier;
import org.jboss.logging.Logger;

/**
 * Brings records that are not in the Merkle tree yet into it, oldest first: the records appended before
 * V5__merkle_log.sql (the tree starts empty there, {@code chain_head.tree_size} 0). At start-up this runs in
 * transactions of at most {@value #STEP} records under the chain-head lock; an append that finds the tree behind
 * (a start-up catch-up still running on this or another instance) extends it first, in its own transaction, so a
 * leaf index is always {@code sequence - 1}. Leaves are made from the stored rows ({@link AuditHasher#canonical}).
 */
@ApplicationScoped
public class MerkleCatchUp {

    private static final Logger LOG = Logger.getLogger(MerkleCatchUp.class);

    /** Records read per round trip. */
    static final int PAGE = 1000;
    /** Records per start-up transaction (the head lock is held that long). */
    static final int STEP = 20_000;

    private final AppendRepository appends;
    private final PublishRepository records;

    public MerkleCatchUp(AppendRepository appends, PublishRepository records) {
        this.appends = appends;
        this.records = records;
    }

    void onStart(@Observes StartupEvent event, Pool pool) {
        long added = run(pool).await().atMost(Duration.ofMinutes(30));
        if (added > 0) {
            LOG.infof("brought %d audit records written before the Merkle log into the tree", added);
        }
    }

    /**
     * Catches the tree up with the chain, one transaction per {@value #STEP} records.
     *
     * @param pool the audit database
     * @return how many leaves were added (0 when the tree was complete)
     */
    public Uni<Long> run(Pool pool) {
        return run(pool, STEP);
    }

    /**
     * Catches the tree up with the chain, one transaction per {@code step} records.
     *
     * @param pool the audit database
     * @param step most records per transaction, {@code >= 1}
     * @return how many leaves were added (0 when the tree was complete)
     */
    public Uni<Long> run(Pool pool, long step) {
        return pool.withTransaction(connection -> appends.lockHead(connection)
                        .flatMap(head -> extend(connection, head, step)
                                .map(tree -> new long[] { tree.size() - head.treeSize, head.lastSequence - tree.size() })))
                .flatMap(done -> done[1] > 0
                        ? run(pool, step).map(more -> done[0] + more)
                        : Uni.createFrom().item(done[0]));
    }

    /**
     * Extends the tree of a locked head with the records it misses, at most {@code limit}, storing their nodes and
     * the new right edge in the caller's transaction.
     *
     * @param connection the transaction holding the chain-head lock
     * @param head       the locked head
     * @param limit      most records to add
     * @return the tree after them (of {@code head.lastSequence} leaves when {@code limit} sufficed)
     * @throws IllegalStateException (failed Uni) when a record is missing: the chain is broken
     */
    public Uni<MerkleFrontier> extend(SqlConnection connection, ChainHead head, long limit) {
        MerkleFrontier tree = MerkleFrontier.decode(head.treeSize, head.frontier);
        long target = head.lastSequence - head.treeSize <= limit ? head.lastSequence : head.treeSize + limit;
        if (tree.size() >= target) {
            return Uni.createFrom().item(tree);
        }
        return page(connection, tree, target).call(grown -> appends.moveTree(connection, grown));
    }

    private Uni<MerkleFrontier> page(SqlConnection connection, MerkleFrontier tree, long target) {
        int limit = (int) Math.min(PAGE, target - tree.size());
        return records.recordsAfter(connection, tree.size(), limit).flatMap(rows -> {
            List<MerkleFrontier.Node> nodes = new ArrayList<>(rows.size() * 2 + 64);
            for (AuditRecordEntity row : rows) {
                if (row.sequence != tree.size() + 1) {
                    throw new IllegalStateException("audit record " + (tree.size() + 1)
                            + " is missing: the tree cannot be extended past it");
                }
                tree.append(AuditHasher.leafHash(AuditHasher.canonical(row)), nodes);
            }
            if (rows.size() < limit) {
                throw new IllegalStateException("audit record " + (tree.size() + 1)
                        + " is missing: the tree cannot be extended past it");
            }
            return appends.insertNodes(connection, nodes).replaceWith(tree);
        }).flatMap(grown -> grown.size() < target ? page(connection, grown, target) : Uni.createFrom().item(grown));
    }
}
