package org.crosstenant.witness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.crosstenant.platform.tlog.MerkleHash;
import org.crosstenant.platform.tlog.MerkleProofs;
import org.crosstenant.platform.tlog.NoteKey;
import org.crosstenant.platform.tlog.NoteSigner;
import org.crosstenant.platform.tlog.SignedNote;
import org.crosstenant.platform.tlog.witness.AddCheckpointRequest;
import org.crosstenant.platform.tlog.witness.StateStore;
import org.crosstenant.platform.tlog.witness.Witness;
import org.crosstenant.platform.tlog.witness.WitnessRefusal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The witness's rules (C2SP tlog-witness add-checkpoint) on its classes, state in a temporary directory. Only evidence
 * against the log (a checkpoint verified with its key that is a split view) reaches the refusal
 * listener and logs an ALERT; what anyone can send (bad signatures, replays, malformed bodies) does neither.
 */
class WitnessTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path state;

    private final List<String> refusals = new ArrayList<>();
    /** Each WARNING or worse record, or one that says ALERT, of the Witness's logger. */
    private final List<String> alerts = new ArrayList<>();
    private final Logger witnessLog = Logger.getLogger(Witness.class.getName());
    private final Handler alertHandler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            String message = String.valueOf(record.getMessage());
            if (record.getLevel().intValue() >= Level.WARNING.intValue() || message.contains("ALERT")) {
                synchronized (alerts) {
                    alerts.add(message);
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Witness witness;
    private final TestLog log = new TestLog();

    @BeforeEach
    void start() {
        witness = witness();
        witnessLog.addHandler(alertHandler);
    }

    @AfterEach
    void stop() {
        witnessLog.removeHandler(alertHandler);
    }

    private Witness witness() {
        return new Witness(TestLog.WITNESS_KEY, Map.of(TestLog.ORIGIN, TestLog.LOG_KEY.verifierKey()),
                new StateStore(state), CLOCK, (origin, reason) -> refusals.add(origin + " " + reason));
    }

    private String add(String body) {
        return witness.addCheckpoint(AddCheckpointRequest.parse(body.getBytes(StandardCharsets.UTF_8)));
    }

    private WitnessRefusal refused(String body) {
        try {
            add(body);
        } catch (WitnessRefusal refusal) {
            return refusal;
        }
        throw new AssertionError("the witness cosigned: " + body);
    }

    /** The cosignature lines, appended to the checkpoint, verify with the witness's vkey (tlog-cosignature v1). */
    private void assertCosigned(String lines) {
        SignedNote cosigned = SignedNote.parse(log.checkpoint().format() + lines);
        NoteKey vkey = NoteKey.parse(TestLog.WITNESS_KEY.verifierKey().vkey());
        assertThat(cosigned.verify(List.of(vkey))).containsExactly(vkey);
        SignedNote.NoteSignature cosignature = cosigned.signatures().get(1);
        assertThat(java.nio.ByteBuffer.wrap(cosignature.signature(), 0, 8).getLong())
                .isEqualTo(CLOCK.instant().getEpochSecond());
    }

    @Test
    void cosignsAGrowingLogCheckpointByCheckpoint() {
        assertCosigned(add(log.grow(1).body(0)));
        long old = 1;
        for (int grow : new int[] {1, 5, 8, 100}) {
            log.grow(grow);
            assertCosigned(add(log.body(old)));
            old = log.tree.size();
        }
        assertCosigned(add(log.body(old))); // the same checkpoint again: same size, same root, empty proof
        assertThat(witness.latest(StateStore.originHash(TestLog.ORIGIN)).orElseThrow().text())
                .isEqualTo(log.checkpoint().text());
        assertThat(refusals).isEmpty();
    }

    @Test
    void answersItsLatestSizeWhenOldIsNotIt() {
        add(log.grow(4).body(0));
        log.grow(3);
        WitnessRefusal refusal = refused(log.body(2));
        assertThat(refusal.status()).isEqualTo(409);
        assertThat(refusal.latestSize()).isEqualTo(4);
        assertThat(refused(TestLog.body(0, List.of(), log.checkpoint())).latestSize()).isEqualTo(4);
        assertThat(refusals).isEmpty();
    }

    @Test
    void refusesASplitViewOfTheSizeItCosigned() {
        add(log.grow(6).body(0));
        byte[] otherRoot = MerkleHash.leaf("another history".getBytes(StandardCharsets.UTF_8));
        WitnessRefusal refusal = refused(TestLog.body(6, List.of(), log.checkpoint(6, otherRoot)));
        assertThat(refusal.status()).isEqualTo(422);
        assertThat(refusal.reason()).isEqualTo("split-view");
        assertThat(refusal.alarm()).isTrue();
        assertThat(refusals).containsExactly(TestLog.ORIGIN + " split-view");
        assertThat(alerts).hasSize(1).allMatch(m -> m.contains("ALERT"));
    }

    @Test
    void refusesALargerCheckpointThatIsNotConsistentWithoutAnAlarmAnyoneCouldRaise() {
        add(log.grow(6).body(0));
        TestLog fork = new TestLog(); // the same key, another history of 6 leaves, grown to 9
        fork.tree.append(MerkleHash.leaf("forged".getBytes(StandardCharsets.UTF_8)));
        fork.grow(8);
        WitnessRefusal refusal = refused(TestLog.body(6, MerkleProofs.consistencyProof(fork.tree, 6, 9),
                fork.checkpoint()));
        assertThat(refusal.status()).isEqualTo(422);
        assertThat(refusal.reason()).isEqualTo("inconsistent");
        log.grow(3); // a genuine newer checkpoint with a tampered proof, again and again: what anyone could send
        List<byte[]> proof = new ArrayList<>(MerkleProofs.consistencyProof(log.tree, 6, 9));
        proof.set(0, MerkleHash.leaf(new byte[] {1}));
        for (int i = 0; i < 20; i++) {
            WitnessRefusal again = refused(TestLog.body(6, proof, log.checkpoint()));
            assertThat(again.status()).isEqualTo(422);
            assertThat(again.alarm()).isFalse();
        }
        // refused, never cosigned, but a failing proof from the caller is no evidence against the log
        assertThat(refusal.alarm()).isFalse();
        assertThat(refusals).isEmpty();
        assertThat(alerts).isEmpty();
        assertCosigned(add(log.body(6))); // the true extension still cosigns
    }

    @Test
    void answersARolledBackOrReplayedCheckpointWithItsSizeWithoutAlarm() {
        add(log.grow(9).body(0));
        TestLog older = new TestLog().grow(5);
        WitnessRefusal refusal = refused(older.body(0));
        assertThat(refusal.status()).isEqualTo(409);
        assertThat(refusal.latestSize()).isEqualTo(9);
        assertThat(refusal.reason()).isEqualTo("rollback");
        assertThat(refusal.alarm()).isFalse();
        // told its size, the client cannot ask for a smaller checkpoint: the old size is larger than the checkpoint's
        assertThat(refused(TestLog.body(9, List.of(), older.checkpoint())).status()).isEqualTo(400);
        // a genuinely signed old checkpoint is public: anyone can replay it, so it is no evidence against the log
        String replay = TestLog.body(0, List.of(), log.checkpoint(5, older.tree.root()));
        for (int i = 0; i < 50; i++) {
            assertThat(refused(replay).status()).isEqualTo(409);
        }
        assertThat(refusals).isEmpty();
        assertThat(alerts).isEmpty();
    }

    @Test
    void refusesACheckpointNotSignedByTheLogsKey() {
        NoteSigner impostor = NoteSigner.generate(TestLog.ORIGIN, NoteKey.ED25519);
        TestLog forged = new TestLog(TestLog.ORIGIN, impostor).grow(3);
        assertThat(refused(forged.body(0)).status()).isEqualTo(403);
        // the log's key name and ID with a signature that does not verify
        SignedNote real = log.grow(3).checkpoint();
        SignedNote.NoteSignature signature = real.signatures().get(0);
        byte[] bad = signature.signature();
        bad[0] ^= 1;
        SignedNote tampered = new SignedNote(real.text(), List.of(new SignedNote.NoteSignature(signature.keyName(),
                signature.keyId(), bad)));
        WitnessRefusal refusal = refused(TestLog.body(0, List.of(), tampered));
        assertThat(refusal.status()).isEqualTo(403);
        assertThat(refusal.reason()).isEqualTo("bad-signature");
        assertThat(refusal.alarm()).isFalse();
        assertThat(refusals).isEmpty();
        assertThat(alerts).isEmpty();
    }

    @Test
    void unsignedSpamNeverAlarmsEvenWhenItLooksLikeASplitViewOrARollback() {
        add(log.grow(6).body(0));
        String root = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        String unsigned = "old 0\n\n" + TestLog.ORIGIN + "\n5\n" + root + "\n\n\u2014 x "
                + java.util.Base64.getEncoder().encodeToString(new byte[68]) + "\n";
        NoteSigner impostor = NoteSigner.generate(TestLog.ORIGIN, NoteKey.ED25519);
        byte[] otherRoot = MerkleHash.leaf("another history".getBytes(StandardCharsets.UTF_8));
        String forgedSplitView = TestLog.body(6, List.of(), new TestLog(TestLog.ORIGIN, impostor).checkpoint(6,
                otherRoot));
        TestLog fork = new TestLog(TestLog.ORIGIN, impostor).grow(9);
        String forgedFork = TestLog.body(6, MerkleProofs.consistencyProof(fork.tree, 6, 9), fork.checkpoint());
        for (int i = 0; i < 50; i++) {
            for (String body : List.of(unsigned, forgedSplitView, forgedFork)) {
                WitnessRefusal refusal = refused(body);
                assertThat(refusal.status()).as(body).isEqualTo(403);
                assertThat(refusal.alarm()).isFalse();
            }
        }
        assertThat(refusals).isEmpty();
        assertThat(alerts).isEmpty();
        assertCosigned(add(log.body(6))); // the state is untouched
    }

    @Test
    void answers404ForAnOriginItDoesNotWitness() {
        NoteSigner other = NoteSigner.generate("other.example/log", NoteKey.ED25519);
        WitnessRefusal refusal = refused(new TestLog("other.example/log", other).grow(2).body(0));
        assertThat(refusal.status()).isEqualTo(404);
        assertThat(refusal.reason()).isEqualTo("unknown-origin");
        assertThat(refusals).isEmpty();
        assertThat(alerts).isEmpty();
    }

    @Test
    void refusesMalformedBodies() {
        String good = log.grow(3).body(0);
        String note = log.checkpoint().format();
        for (String body : List.of("", "old 0", "old 00\n\n" + note, "old -1\n\n" + note, "old 1 \n\n" + note,
                "OLD 0\n\n" + note, "old 99999999999999999999\n\n" + note, "old 0\nnot base64!\n\n" + note,
                "old 0\nAAAA\n\n" + note, "old 0\n" + note, "old 0\n\nnot a note\n", good.replace("\n\n—", "\n—"),
                "old 4\n\n" + note, "old 0\n\n" + note.replace("\n", "\r\n"))) {
            assertThat(refused(body).status()).as(body).isEqualTo(400);
        }
        StringBuilder tooLong = new StringBuilder("old 1\n");
        for (int i = 0; i < 64; i++) {
            tooLong.append(java.util.Base64.getEncoder().encodeToString(new byte[32])).append('\n');
        }
        assertThat(refused(tooLong.append('\n').append(note).toString()).status()).isEqualTo(400);
        byte[] notUtf8 = good.getBytes(StandardCharsets.UTF_8);
        notUtf8[2] = (byte) 0xC3;
        assertThatThrownBy(() -> AddCheckpointRequest.parse(notUtf8)).isInstanceOf(WitnessRefusal.class)
                .hasMessageContaining("UTF-8");
        assertThat(refusals).isEmpty();
        assertThat(alerts).isEmpty();
    }

    @Test
    void refusesAProofFromZeroAndAnEmptyTreeWithAnotherRoot() {
        log.grow(2);
        assertThat(refused(TestLog.body(0, List.of(MerkleHash.emptyRoot()), log.checkpoint())).status())
                .isEqualTo(422);
        assertThat(refused(TestLog.body(0, List.of(), log.checkpoint(0, log.tree.root()))).status()).isEqualTo(422);
        add(TestLog.body(0, List.of(), log.checkpoint(0, MerkleHash.emptyRoot())));
    }

    @Test
    void keepsItsStateAcrossARestart() throws Exception {
        add(log.grow(7).body(0));
        witness = witness(); // a new instance over the same directory, as after a restart
        assertThat(refused(log.grow(2).body(0)).latestSize()).isEqualTo(7);
        byte[] otherRoot = MerkleHash.leaf("x".getBytes(StandardCharsets.UTF_8));
        assertThat(refused(TestLog.body(7, List.of(), log.checkpoint(7, otherRoot))).reason()).isEqualTo("split-view");
        assertCosigned(add(log.body(7)));
        try (var files = Files.list(state)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .containsExactly(StateStore.originHash(TestLog.ORIGIN) + ".note"); // no temporary file left
        }
    }

    @Test
    void aDamagedStateIsNeverReadAsEmpty() throws Exception {
        add(log.grow(3).body(0));
        Files.writeString(state.resolve(StateStore.originHash(TestLog.ORIGIN) + ".note"), "garbage");
        assertThatThrownBy(() -> add(log.grow(1).body(0))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("damaged");
    }
}
