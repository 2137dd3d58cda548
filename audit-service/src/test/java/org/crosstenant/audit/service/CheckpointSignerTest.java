package org.crosstenant.audit.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;

import org.crosstenant.platform.tlog.Checkpoint;
import org.crosstenant.platform.tlog.MerkleHash;
import org.crosstenant.platform.tlog.NoteKey;
import org.crosstenant.platform.tlog.NoteSigner;
import org.crosstenant.platform.tlog.SignedNote;
import org.junit.jupiter.api.Test;

/** Where the checkpoint key comes from: configuration, an ephemeral key outside prod, never nothing in prod. */
class CheckpointSignerTest {

    private static final String ORIGIN = "collab.contoso.example/audit";

    @Test
    void aConfiguredKeyIsUsedAndItsCheckpointsVerifyWithItsPublicKey() {
        NoteSigner configured = NoteSigner.generate(ORIGIN, NoteKey.ED25519);
        NoteSigner signer = CheckpointSigner.signer(Optional.of(configured.skey() + "\n"), ORIGIN, true);
        assertThat(signer.verifierKey()).isEqualTo(configured.verifierKey());
        byte[] root = MerkleHash.leaf(new byte[] { 1 });
        SignedNote note = SignedNote.sign(new Checkpoint(ORIGIN, 7, root).text(), signer);
        assertThat(SignedNote.parse(note.format()).verify(List.of(configured.verifierKey())))
                .containsExactly(configured.verifierKey());
    }

    @Test
    void prodRefusesToStartWithoutAKeyAndOtherProfilesGenerateOne() {
        assertThatThrownBy(() -> CheckpointSigner.signer(Optional.empty(), ORIGIN, true))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("signing-key is required");
        NoteSigner one = CheckpointSigner.signer(Optional.empty(), ORIGIN, false);
        NoteSigner two = CheckpointSigner.signer(Optional.empty(), ORIGIN, false);
        assertThat(one.verifierKey().name()).isEqualTo(ORIGIN);
        assertThat(one.verifierKey()).as("ephemeral: a new key at every start").isNotEqualTo(two.verifierKey());
    }

    @Test
    void aCosignatureKeyOrGarbageIsRefused() {
        String cosigner = NoteSigner.generate(ORIGIN, NoteKey.COSIGNATURE).skey();
        assertThatThrownBy(() -> CheckpointSigner.signer(Optional.of(cosigner), ORIGIN, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cosignature");
        assertThatThrownBy(() -> CheckpointSigner.signer(Optional.of("PRIVATE+KEY+x+00000000+AAAA"), ORIGIN, true))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * A key rotation: the current and the next key both sign every note, so a verifier or witness that pinned either
     * one verifies it, and one that pinned neither does not.
     */
    @Test
    void withAnAdditionalKeyEveryNoteVerifiesForAVerifierThatKnowsOnlyOneOfTheKeys() {
        NoteSigner current = NoteSigner.generate(ORIGIN, NoteKey.ED25519);
        NoteSigner next = NoteSigner.generate(ORIGIN, NoteKey.ED25519);
        List<NoteSigner> signers = CheckpointSigner.signers(current, List.of(next.skey(), " " + current.skey()),
                ORIGIN);
        assertThat(signers).extracting(NoteSigner::verifierKey)
                .as("the current key first, each key once").containsExactly(current.verifierKey(), next.verifierKey());

        String text = new Checkpoint(ORIGIN, 7, MerkleHash.leaf(new byte[] { 1 })).text();
        SignedNote note = SignedNote.parse(new SignedNote(text, signers.stream().map(s -> s.sign(text)).toList())
                .format());
        assertThat(note.signatures()).hasSize(2);
        assertThat(note.verify(List.of(current.verifierKey()))).containsExactly(current.verifierKey());
        assertThat(note.verify(List.of(next.verifierKey()))).containsExactly(next.verifierKey());
        NoteKey stranger = NoteSigner.generate(ORIGIN, NoteKey.ED25519).verifierKey();
        assertThatThrownBy(() -> note.verify(List.of(stranger))).hasMessageContaining("no signature of a trusted key");
    }

    @Test
    void anAdditionalCosignatureKeyOrGarbageIsRefused() {
        NoteSigner current = NoteSigner.generate(ORIGIN, NoteKey.ED25519);
        String cosigner = NoteSigner.generate(ORIGIN, NoteKey.COSIGNATURE).skey();
        assertThatThrownBy(() -> CheckpointSigner.signers(current, List.of(cosigner), ORIGIN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("additional-signing-keys");
        assertThatThrownBy(() -> CheckpointSigner.signers(current, List.of("PRIVATE+KEY+x+00000000+AAAA"), ORIGIN))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
