package org.crosstenant.audit.service;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

import org.crosstenant.audit.messaging.CheckpointRelay;
import org.crosstenant.audit.model.StoredCheckpoint;
import org.crosstenant.audit.repository.CheckpointRepository;
import org.crosstenant.audit.repository.MerkleRepository;
import org.jboss.logging.Logger;

/**
 * Signs a checkpoint of the Merkle log every {@code crosstenant.audit.checkpoint.interval} when the tree grew since the
 * latest one: its size and root come from the committed right edge ({@code chain_head}), so signing reads two rows
 * and takes no lock; the signed note is stored (one per size; another instance that signed the same size first wins,
 * its root being the same) and handed to {@link CheckpointRelay} for audit.checkpoints and to {@link Witnesses} for
 * cosigning.
 */
@ApplicationScoped
public class Checkpoints {

    private static final Logger LOG = Logger.getLogger(Checkpoints.class);

    private final Pool pool;
    private final MerkleRepository tree;
    private final CheckpointRepository checkpoints;
    private final CheckpointSigner signer;
    private final CheckpointRelay relay;
    private final Witnesses witnesses;

    public Checkpoints(Pool pool, MerkleRepository tree, CheckpointRepository checkpoints, CheckpointSigner signer,
            CheckpointRelay relay, Witnesses witnesses) {
        this.witnesses = witnesses;
        this.pool = pool;
        this.tree = tree;
        this.checkpoints = checkpoints;
        this.signer = signer;
        this.relay = relay;
    }

    @Scheduled(every = "${crosstenant.audit.checkpoint.interval:1s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> tick() {
        return signIfGrown().onFailure().recoverWithItem(failure -> {
            LOG.warnf("could not sign an audit checkpoint (the next tick retries): %s", failure.toString());
            return Optional.empty();
        }).replaceWithVoid();
    }

    /**
     * Signs and stores a checkpoint of the current tree if it is larger than the latest signed one.
     *
     * @return the checkpoint signed by this call; empty when the tree did not grow (or is empty), or when another
     *         instance stored that size first
     */
    public Uni<Optional<StoredCheckpoint>> signIfGrown() {
        return Uni.combine().all().unis(tree.tree(pool), checkpoints.latest(pool)).asTuple().flatMap(both -> {
            long size = both.getItem1().size();
            long signed = both.getItem2().map(StoredCheckpoint::treeSize).orElse(0L);
            if (size <= signed) {
                return Uni.createFrom().item(Optional.<StoredCheckpoint>empty());
            }
            byte[] root = both.getItem1().root();
            StoredCheckpoint checkpoint = new StoredCheckpoint(size, root, signer.sign(size, root),
                    Instant.now().truncatedTo(ChronoUnit.MICROS));
            return checkpoints.insert(pool, checkpoint).map(stored -> {
                if (!stored) {
                    return Optional.<StoredCheckpoint>empty();
                }
                LOG.debugf("signed audit checkpoint of %d records", size);
                relay.trigger();
                witnesses.trigger();
                return Optional.of(checkpoint);
            });
        });
    }

    /** @return the latest signed checkpoint, empty when none was signed yet */
    public Uni<Optional<StoredCheckpoint>> latest() {
        return checkpoints.latest(pool);
    }
}
