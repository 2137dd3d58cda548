package org.crosstenant.audit.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.ConfigUtils;

import org.crosstenant.audit.config.CheckpointConfig;
import org.crosstenant.platform.tlog.Checkpoint;
import org.crosstenant.platform.tlog.NoteKey;
import org.crosstenant.platform.tlog.NoteSigner;
import org.crosstenant.platform.tlog.RangeManifest;
import org.crosstenant.platform.tlog.SignedNote;
import org.jboss.logging.Logger;

/**
 * The log's checkpoint key: from {@code crosstenant.audit.checkpoint.signing-key}, or, outside the prod profile when
 * that is absent, generated at start (logged as ephemeral). Signs C2SP tlog-checkpoints as C2SP signed notes. The
 * keys of {@code crosstenant.audit.checkpoint.additional-signing-keys} co-sign every note after it (one signature
 * line each, C2SP signed-note), which is how the log's key is rotated without a checkpoint that a verifier pinning
 * either key cannot verify (docs/operations.md).
 */
@Startup // a missing key fails the start in prod, and the ephemeral key is logged at start
@ApplicationScoped
public class CheckpointSigner {

    private static final Logger LOG = Logger.getLogger(CheckpointSigner.class);

    private final NoteSigner signer;
    private final List<NoteSigner> signers;
    private final String origin;

    public CheckpointSigner(CheckpointConfig config) {
        this.origin = config.origin();
        this.signer = signer(config.signingKey(), origin, ConfigUtils.getProfiles().contains("prod"));
        this.signers = signers(signer, config.additionalSigningKeys().orElse(List.of()), origin);
        if (signers.size() > 1) {
            LOG.infof("checkpoints are signed by %s and co-signed by %s", signer.verifierKey().vkey(),
                    signers.subList(1, signers.size()).stream().map(s -> s.verifierKey().vkey()).toList());
        }
    }

    /**
     * Every key that signs a note, in signature order.
     *
     * @param primary    the signing key ({@link #signer})
     * @param additional the co-signing keys' text forms
     * @param origin     the log's origin (a key named otherwise is logged)
     * @return the primary key, then each additional key once (one equal to an earlier key is left out)
     * @throws IllegalArgumentException for a malformed key or a cosignature (type 0x04) key
     */
    static List<NoteSigner> signers(NoteSigner primary, List<String> additional, String origin) {
        List<NoteSigner> all = new ArrayList<>(List.of(primary));
        for (String text : additional) {
            NoteSigner more = NoteSigner.parse(text.trim());
            if (more.verifierKey().type() != NoteKey.ED25519) {
                throw new IllegalArgumentException("crosstenant.audit.checkpoint.additional-signing-keys must be"
                        + " Ed25519 signed-note keys (type 0x01), not cosignature keys");
            }
            if (!more.verifierKey().name().equals(origin)) {
                LOG.warnf("the additional checkpoint signing key is named %s, the log's origin is %s: verifiers"
                        + " look for a key named as the origin", more.verifierKey().name(), origin);
            }
            if (all.stream().noneMatch(s -> s.verifierKey().equals(more.verifierKey()))) {
                all.add(more);
            }
        }
        return List.copyOf(all);
    }

    /**
     * The signer from configuration.
     *
     * @param signingKey the configured key (signed-note private key text form), if any
     * @param origin     the log's origin, the name of a generated key
     * @param prod       whether the prod profile is active: then a key is required
     * @return the configured key, or a generated (ephemeral) one outside prod
     * @throws IllegalStateException    in prod without a key
     * @throws IllegalArgumentException for a malformed key or a cosignature (type 0x04) key
     */
    static NoteSigner signer(Optional<String> signingKey, String origin, boolean prod) {
        if (signingKey.isPresent()) {
            NoteSigner configured = NoteSigner.parse(signingKey.get().trim());
            if (configured.verifierKey().type() != NoteKey.ED25519) {
                throw new IllegalArgumentException("crosstenant.audit.checkpoint.signing-key must be an Ed25519"
                        + " signed-note key (type 0x01), not a cosignature key");
            }
            if (!configured.verifierKey().name().equals(origin)) {
                // allowed (the note names its key), but witnesses and tools expect a log's key to be named as its origin
                LOG.warnf("the checkpoint signing key is named %s, the log's origin is %s: verifiers look for a key"
                        + " named as the origin", configured.verifierKey().name(), origin);
            }
            return configured;
        }
        if (prod) {
            throw new IllegalStateException("crosstenant.audit.checkpoint.signing-key is required in production:"
                    + " checkpoints must stay verifiable across restarts (docs/audit.md)");
        }
        NoteSigner generated = NoteSigner.generate(origin, NoteKey.ED25519);
        LOG.warnf("no crosstenant.audit.checkpoint.signing-key: signing checkpoints with an EPHEMERAL key %s,"
                + " generated at start; its checkpoints cannot be verified after a restart", generated.verifierKey().vkey());
        return generated;
    }

    /**
     * @return the current key ({@code signing-key}): its signature is on every checkpoint this instance signs; what
     *         {@code GET /api/v1/audit/checkpoint/key} answers
     */
    public NoteKey verifierKey() {
        return signer.verifierKey();
    }

    /** @return every key whose signature is on each note: the current key, then the additional ones */
    public List<NoteKey> verifierKeys() {
        return signers.stream().map(NoteSigner::verifierKey).toList();
    }

    /**
     * @param size     leaves in the tree, {@code > 0}
     * @param rootHash its RFC 9162 root, 32 bytes
     * @return the signed note of the checkpoint {@code origin / size / base64(root)}, in its text form, with one
     *         signature per key of {@link #verifierKeys()}
     */
    public String sign(long size, byte[] rootHash) {
        return sign(new Checkpoint(origin, size, rootHash).text());
    }

    private String sign(String text) {
        return new SignedNote(text, signers.stream().map(s -> s.sign(text)).toList()).format();
    }

    /** @return the log's origin, the first line of its checkpoints */
    public String origin() {
        return origin;
    }

    /**
     * Signs an export's manifest with the log's key (docs/audit.md "Export").
     *
     * @param manifest what the export shows
     * @return the signed note, in its text form, signed by every key of {@link #verifierKeys()}
     */
    public String sign(RangeManifest manifest) {
        return sign(manifest.text());
    }
}
