package org.crosstenant.audit.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Signed checkpoints of the audit Merkle log (docs/audit.md; env vars CROSSTENANT_AUDIT_CHECKPOINT_INTERVAL, ...; see
 * docs/config/audit-service.md).
 */
@ConfigMapping(prefix = "crosstenant.audit.checkpoint")
public interface CheckpointConfig {

    /** How often the signer looks whether the tree grew; it signs a checkpoint only then. */
    @WithDefault("1s")
    Duration interval();

    /** The log's identity, first line of every checkpoint (C2SP tlog-checkpoint "origin"): a schema-less URL. */
    @WithDefault("crosstenant.example/audit")
    String origin();

    /**
     * The Ed25519 signing key in the signed-note private-key text form
     * {@code PRIVATE+KEY+<name>+<key ID>+<base64(0x01 || seed)>} (a secret). Required in the prod profile; elsewhere,
     * when absent, an ephemeral key is generated at start (its checkpoints verify only until the next restart).
     */
    Optional<String> signingKey();

    /**
     * More Ed25519 signing keys, in the same text form (secrets), that co-sign every checkpoint and export manifest
     * after {@link #signingKey()}: the next key before a rotation, so that witnesses and verifiers can move to it
     * while every note still carries the current key's signature (C2SP signed-note: verifiers ignore signatures of
     * keys they do not know; docs/operations.md). Absent: one signature per note.
     */
    Optional<List<String>> additionalSigningKeys();
}
