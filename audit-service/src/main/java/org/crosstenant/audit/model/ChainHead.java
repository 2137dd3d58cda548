package org.crosstenant.audit.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The single row every append locks: last sequence and hash of the chain, size and right edge of the tree. */
@Entity
@Table(name = "chain_head")
public class ChainHead {

    public static final short ID = 1;

    @Id
    public Short id;

    @Column(name = "last_sequence", nullable = false)
    public long lastSequence;

    @Column(name = "last_hash", nullable = false)
    public String lastHash;

    /** Leaves in the Merkle tree: {@link #lastSequence} once every record is in it (V5__merkle_log.sql). */
    @Column(name = "tree_size", nullable = false)
    public long treeSize;

    /** The tree's right edge ({@code MerkleFrontier#encode}) at {@link #treeSize} leaves. */
    @Column(nullable = false)
    public byte[] frontier;
}
