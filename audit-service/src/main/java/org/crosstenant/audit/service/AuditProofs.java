package org.crosstenant.audit.service;

import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

import org.crosstenant.audit.model.ConsistencyProof;
import org.crosstenant.audit.model.InclusionProof;
import org.crosstenant.audit.model.StoredCheckpoint;
import org.crosstenant.audit.repository.CheckpointRepository;
import org.crosstenant.audit.repository.MerkleRepository;
import org.crosstenant.audit.repository.MerkleRepository.NodeId;
import org.crosstenant.audit.service.ProofRequestException.Kind;
import org.crosstenant.platform.tlog.MerkleHash;
import org.crosstenant.platform.tlog.MerkleProofs;
import org.crosstenant.platform.tlog.PerfectSubtrees;

/**
 * Inclusion and consistency proofs of the audit Merkle log for signed checkpoint sizes only (a verifier checks them
 * against a root it holds signed). Each proof is made by {@link MerkleProofs} from the stored perfect subtrees: a first,
 * dry pass over placeholder hashes names the O(log n) nodes the proof needs, one query reads them, a second pass
 * makes the proof. The root made from them is compared with the checkpoint's signed root before anything is answered.
 */
@ApplicationScoped
public class AuditProofs {

    private static final byte[] PLACEHOLDER = new byte[MerkleHash.SIZE];
    private static final Base64.Encoder BASE64 = Base64.getEncoder();

    private final Pool pool;
    private final MerkleRepository tree;
    private final CheckpointRepository checkpoints;

    public AuditProofs(Pool pool, MerkleRepository tree, CheckpointRepository checkpoints) {
        this.pool = pool;
        this.tree = tree;
        this.checkpoints = checkpoints;
    }

    /**
     * The inclusion proof of record {@code sequence}.
     *
     * @param tenant   the caller's tenant: the record must concern it
     * @param sequence the record, {@code >= 1}
     * @param treeSize a signed checkpoint's size ({@code <=} the latest), larger than {@code sequence - 1}; null for the
     *                 latest checkpoint
     * @return the proof; fails with {@link ProofRequestException}: NOT_FOUND for no such record or another tenant's,
     *         BAD_PARAMETER ({@code treeSize}) for a size that is no signed checkpoint or does not hold the record,
     *         NOT_YET when no checkpoint (given no treeSize) holds the record yet
     */
    public Uni<InclusionProof> inclusion(String tenant, long sequence, Long treeSize) {
        return tree.tenantsOf(pool, sequence).flatMap(tenants -> {
            if (tenants == null || !List.of(tenants).contains(tenant)) {
                throw new ProofRequestException(Kind.NOT_FOUND, null, "no audit record " + sequence
                        + " of your tenant");
            }
            long leafIndex = sequence - 1;
            return checkpointFor(treeSize).flatMap(checkpoint -> {
                if (leafIndex >= checkpoint.treeSize()) {
                    if (treeSize != null) {
                        throw new ProofRequestException(Kind.BAD_PARAMETER, "treeSize", "record " + sequence
                                + " is not in the tree of " + treeSize + " records: treeSize must be at least "
                                + sequence);
                    }
                    throw new ProofRequestException(Kind.NOT_YET, null, "record " + sequence + " is not in a signed"
                            + " checkpoint yet (latest: " + checkpoint.treeSize() + " records); ask again shortly");
                }
                Recorder wanted = new Recorder();
                wanted.hash(0, leafIndex);
                MerkleProofs.inclusionProof(wanted, leafIndex, checkpoint.treeSize());
                MerkleProofs.root(wanted, checkpoint.treeSize());
                return stored(wanted).map(nodes -> {
                    List<byte[]> path = MerkleProofs.inclusionProof(nodes, leafIndex, checkpoint.treeSize());
                    requireSignedRoot(nodes, checkpoint);
                    return new InclusionProof(leafIndex, checkpoint.treeSize(), BASE64.encodeToString(nodes.hash(0,
                            leafIndex)), BASE64.encodeToString(checkpoint.rootHash()), base64(path));
                });
            });
        });
    }

    /**
     * The consistency proof between two signed checkpoints.
     *
     * @param from the older checkpoint's size, {@code >= 1}
     * @param to   the newer checkpoint's size, {@code >= from}, at most the latest
     * @return the proof; fails with {@link ProofRequestException} BAD_PARAMETER naming {@code from} or {@code to} when
     *         a size is no signed checkpoint or {@code from > to}
     */
    public Uni<ConsistencyProof> consistency(long from, long to) {
        if (from > to) {
            throw new ProofRequestException(Kind.BAD_PARAMETER, "from", "from (" + from + ") must not be larger than"
                    + " to (" + to + ")");
        }
        return checkpoints.bySizes(pool, List.of(from, to)).flatMap(found -> {
            StoredCheckpoint older = found.stream().filter(c -> c.treeSize() == from).findFirst()
                    .orElseThrow(() -> notACheckpoint("from", from));
            StoredCheckpoint newer = found.stream().filter(c -> c.treeSize() == to).findFirst()
                    .orElseThrow(() -> notACheckpoint("to", to));
            Recorder wanted = new Recorder();
            MerkleProofs.consistencyProof(wanted, from, to);
            MerkleProofs.root(wanted, from);
            MerkleProofs.root(wanted, to);
            return stored(wanted).map(nodes -> {
                List<byte[]> proof = MerkleProofs.consistencyProof(nodes, from, to);
                requireSignedRoot(nodes, older);
                requireSignedRoot(nodes, newer);
                return new ConsistencyProof(from, to, base64(proof));
            });
        });
    }

    private Uni<StoredCheckpoint> checkpointFor(Long treeSize) {
        if (treeSize == null) {
            return checkpoints.latest(pool).map(latest -> latest.orElseThrow(() -> new ProofRequestException(
                    Kind.NOT_YET, null, "no checkpoint is signed yet; ask again shortly")));
        }
        return checkpoints.bySizes(pool, List.of(treeSize)).map(found -> found.stream().findFirst()
                .orElseThrow(() -> notACheckpoint("treeSize", treeSize)));
    }

    private static ProofRequestException notACheckpoint(String field, long size) {
        return new ProofRequestException(Kind.BAD_PARAMETER, field, field + " " + size + " is not the size of a"
                + " signed checkpoint (GET /api/v1/audit/checkpoint names the latest)");
    }

    /**
     * @param wanted the subtrees a computation asked for
     * @return those subtrees as stored, read with one query; asking the result for any other subtree, or a subtree
     *         that is not stored, throws {@link IllegalStateException}
     */
    Uni<PerfectSubtrees> stored(Recorder wanted) {
        return tree.nodes(pool, wanted.ids).map(found -> (level, index) -> {
            byte[] hash = found.get(new NodeId(level, index));
            if (hash == null) {
                throw new IllegalStateException("Merkle node " + level + "/" + index + " is not stored");
            }
            return hash;
        });
    }

    /** The tree as stored must have the root that was signed; anything else is corruption, never a proof. */
    static void requireSignedRoot(PerfectSubtrees nodes, StoredCheckpoint checkpoint) {
        if (!java.security.MessageDigest.isEqual(MerkleProofs.root(nodes, checkpoint.treeSize()),
                checkpoint.rootHash())) {
            throw new IllegalStateException("the stored Merkle tree of " + checkpoint.treeSize()
                    + " records does not have the root of its signed checkpoint");
        }
    }

    static List<String> base64(List<byte[]> hashes) {
        return hashes.stream().map(BASE64::encodeToString).toList();
    }

    /** Notes which subtrees a proof asks for; its hashes are placeholders. */
    static final class Recorder implements PerfectSubtrees {
        final Set<NodeId> ids = new LinkedHashSet<>();

        @Override
        public byte[] hash(int level, long index) {
            ids.add(new NodeId(level, index));
            return PLACEHOLDER;
        }
    }
}
