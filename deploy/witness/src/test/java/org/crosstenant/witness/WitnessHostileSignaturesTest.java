package org.crosstenant.witness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
 * Hostile signature lines: anyone can replay the log's public checkpoint with its signature line repeated. The
 * witness must cosign it once (or refuse it with a status), never fail with an unmapped exception (a 500), and never
 * keep the repeated lines in its state.
 */
class WitnessHostileSignaturesTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
    private static final NoteSigner NEW = NoteSigner.fromSeed(TestLog.ORIGIN, NoteKey.ED25519, seed(7));

    @TempDir
    Path state;

    private final TestLog log = new TestLog();

    private Witness witness() {
        return Witness.withKeySets(TestLog.WITNESS_KEY,
                Map.of(TestLog.ORIGIN, List.of(TestLog.LOG_KEY.verifierKey(), NEW.verifierKey())),
                new StateStore(state), CLOCK, (origin, reason) -> {
                });
    }

    private static SignedNote repeated(SignedNote note, int times) {
        List<SignedNote.NoteSignature> lines = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            lines.add(note.signatures().get(i % note.signatures().size()));
        }
        return new SignedNote(note.text(), lines);
    }

    @Test
    void sixtyFourCopiesOfTheLogsSignatureAreAnsweredNotThrown() {
        log.grow(3);
        Witness witness = witness();
        Throwable thrown = catchThrowable(() -> witness.addCheckpoint(AddCheckpointRequest.parse(
                TestLog.body(0, List.of(), repeated(log.checkpoint(), SignedNote.MAX_SIGNATURES))
                        .getBytes(StandardCharsets.UTF_8))));
        assertThat(thrown).as("a hostile note must get a refusal or a cosignature, not %s", thrown)
                .satisfiesAnyOf(t -> assertThat(t).isNull(), t -> assertThat(t).isInstanceOf(WitnessRefusal.class));
    }

    @Test
    void theKeptCheckpointCarriesEachLogSignatureOnce() {
        log.grow(3);
        Witness witness = witness();
        witness.addCheckpoint(AddCheckpointRequest.parse(TestLog.body(0, List.of(), repeated(log.checkpoint(), 40))
                .getBytes(StandardCharsets.UTF_8)));
        SignedNote kept = witness.latest(StateStore.originHash(TestLog.ORIGIN)).orElseThrow();
        assertThat(kept.signatures()).hasSize(2); // the log's once, the witness's cosignature
    }

    private static byte[] seed(int value) {
        byte[] seed = new byte[32];
        java.util.Arrays.fill(seed, (byte) value);
        return seed;
    }
}
