package org.crosstenant.witness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.crosstenant.platform.tlog.Checkpoint;
import org.crosstenant.platform.tlog.MerkleProofs;
import org.crosstenant.platform.tlog.NoteKey;
import org.crosstenant.platform.tlog.NoteSigner;
import org.crosstenant.platform.tlog.SignedNote;
import org.crosstenant.platform.tlog.witness.AddCheckpointRequest;
import org.crosstenant.platform.tlog.witness.StateStore;
import org.crosstenant.platform.tlog.witness.Witness;
import org.crosstenant.platform.tlog.witness.WitnessRefusal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log rotates its key (docs/operations.md): for a while it signs every checkpoint with the old and the new key.
 * A witness that knows only one of them, or both, keeps cosigning; a checkpoint that no key it knows signed is
 * refused, and so is one whose signature by a known key fails, even when another known key's verifies.
 */
class WitnessKeyRotationTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
    private static final NoteSigner OLD = TestLog.LOG_KEY;
    private static final NoteSigner NEW = NoteSigner.fromSeed(TestLog.ORIGIN, NoteKey.ED25519, seed(7));

    @TempDir
    Path state;

    private final TestLog log = new TestLog();

    private Witness witness(String dir, NoteSigner... trusted) {
        return Witness.withKeySets(TestLog.WITNESS_KEY,
                Map.of(TestLog.ORIGIN, java.util.Arrays.stream(trusted).map(NoteSigner::verifierKey).toList()),
                new StateStore(state.resolve(dir)), CLOCK, (origin, reason) -> {
                });
    }

    /** The current checkpoint signed by each of {@code signers}, in order. */
    private SignedNote signedBy(NoteSigner... signers) {
        String text = new Checkpoint(TestLog.ORIGIN, log.tree.size(), log.tree.root()).text();
        return new SignedNote(text, java.util.Arrays.stream(signers).map(s -> s.sign(text)).toList());
    }

    private String body(long old, SignedNote note) {
        return TestLog.body(old, old == 0 ? List.of() : MerkleProofs.consistencyProof(log.tree, old, log.tree.size()),
                note);
    }

    private static String add(Witness witness, String body) {
        return witness.addCheckpoint(AddCheckpointRequest.parse(body.getBytes(StandardCharsets.UTF_8)));
    }

    private static WitnessRefusal refused(Witness witness, String body) {
        try {
            add(witness, body);
        } catch (WitnessRefusal refusal) {
            return refusal;
        }
        throw new AssertionError("the witness cosigned: " + body);
    }

    @Test
    void aCheckpointSignedByOldAndNewIsCosignedByAWitnessThatKnowsOnlyOneOfThemOrBoth() {
        log.grow(3);
        SignedNote both = signedBy(OLD, NEW);
        for (Witness witness : List.of(witness("old", OLD), witness("new", NEW), witness("both", OLD, NEW))) {
            String cosignature = add(witness, body(0, both));
            NoteKey witnessKey = TestLog.WITNESS_KEY.verifierKey();
            assertThat(SignedNote.parse(both.format() + cosignature).verify(List.of(witnessKey)))
                    .containsExactly(witnessKey);
        }
    }

    @Test
    void aWitnessWithBothKeysFollowsTheLogThroughTheWholeRotation() {
        Witness witness = witness("both", OLD, NEW);
        log.grow(2);
        add(witness, body(0, signedBy(OLD))); // before: the old key alone
        log.grow(3);
        add(witness, body(2, signedBy(OLD, NEW))); // during: both
        log.grow(4);
        add(witness, body(5, signedBy(NEW))); // after: the new key alone
        assertThat(Checkpoint.parse(witness.latest(StateStore.originHash(TestLog.ORIGIN)).orElseThrow().text())
                .size()).isEqualTo(9);
    }

    @Test
    void aCheckpointWithoutASignatureOfAKnownKeyIsRefused() {
        log.grow(3);
        WitnessRefusal refusal = refused(witness("old", OLD), body(0, signedBy(NEW)));
        assertThat(refusal.status()).isEqualTo(403);
        assertThat(refusal.reason()).isEqualTo(Witness.BAD_SIGNATURE);
        NoteSigner stranger = NoteSigner.generate(TestLog.ORIGIN, NoteKey.ED25519);
        assertThat(refused(witness("both", OLD, NEW), body(0, signedBy(stranger))).status()).isEqualTo(403);
    }

    @Test
    void aFailingSignatureOfAKnownKeyIsRefusedEvenBesideAValidOne() {
        log.grow(3);
        SignedNote both = signedBy(OLD, NEW);
        SignedNote.NoteSignature newSignature = both.signatures().get(1);
        byte[] bad = newSignature.signature();
        bad[5] ^= 1;
        SignedNote tampered = new SignedNote(both.text(), List.of(both.signatures().get(0),
                new SignedNote.NoteSignature(newSignature.keyName(), newSignature.keyId(), bad)));
        assertThat(refused(witness("both", OLD, NEW), body(0, tampered)).status()).isEqualTo(403);
        // a witness that does not know the new key ignores its line, as the signed-note spec says
        add(witness("old", OLD), body(0, tampered));
    }

    private static byte[] seed(int value) {
        byte[] seed = new byte[32];
        java.util.Arrays.fill(seed, (byte) value);
        return seed;
    }
}
