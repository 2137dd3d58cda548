package org.crosstenant.audit.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The single row every append locks: last sequence and hash of the chain. */
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
}
