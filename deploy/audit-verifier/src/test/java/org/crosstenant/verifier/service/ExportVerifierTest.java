package org.crosstenant.verifier.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.crosstenant.platform.tlog.Checkpoint;
import org.crosstenant.platform.tlog.NoteKey;
import org.crosstenant.platform.tlog.SignedNote;
import org.crosstenant.platform.tlog.RangeManifest;
import org.crosstenant.platform.tlog.NoteSigner;
import org.crosstenant.verifier.service.ExportVerifier.Report;
import org.junit.jupiter.api.Test;

/**
 * The verifier on exports made in memory ({@link Exports}): a valid one passes; each kind of tampering — a changed,
 * removed, reordered or inserted record, a forged checkpoint, a missing cosignature, an inconsistent previous
 * checkpoint — fails with a finding that names what is wrong.
 */
class ExportVerifierTest {

    private final Exports log = new Exports(37);

    private Report verify(List<String> lines, Checkpoint previous, NoteKey... witnesses) throws IOException {
        ExportVerifier verifier = new ExportVerifier(log.log.verifierKey(), List.of(witnesses), previous);
        return verifier.verify(new ByteArrayInputStream(Exports.ndjson(lines)));
    }

    private Report verify(List<String> lines) throws IOException {
        return verify(lines, null, log.witness.verifierKey());
    }

    private String recordId(long sequence) {
        return log.recordId(sequence);
    }

    @Test
    void aValidExportVerifies() throws IOException {
        Report report = verify(log.lines(null));
        assertThat(report.findings()).isEmpty();
        assertThat(report.verified()).isTrue();
        assertThat(report.ownRecords()).isEqualTo(25);
        assertThat(report.otherLeaves()).isEqualTo(12);
        assertThat(report.witnesses()).containsExactly("witness.fabrikam.example");
        // a part of the log, proved against the same checkpoint
        Report part = verify(log.lines(5, 20, log.note(), null));
        assertThat(part.findings()).isEmpty();
        assertThat(part.ownRecords() + part.otherLeaves()).isEqualTo(16);
    }

    @Test
    void aChangedRecordFailsAndIsNamed() throws IOException {
        List<String> lines = log.lines(null);
        ObjectNode line = (ObjectNode) Exports.JSON.readTree(lines.get(8)); // sequence 8, contoso's
        ((ObjectNode) line.get("record")).put("outcome", "denied");
        lines.set(8, line.toString());
        Report report = verify(lines);
        assertThat(report.verified()).isFalse();
        assertThat(report.findings()).singleElement().asString()
                .contains("line 9", "record sequence 8", "recordId " + recordId(8), "not in the signed tree");
    }

    @Test
    void aChangedNestedValueOrOtherTenantsLeafHashFails() throws IOException {
        List<String> lines = log.lines(null);
        ObjectNode line = (ObjectNode) Exports.JSON.readTree(lines.get(2));
        ((ObjectNode) line.get("record").get("details").get("a")).put("a", 8);
        lines.set(2, line.toString());
        ObjectNode leaf = (ObjectNode) Exports.JSON.readTree(lines.get(3)); // sequence 3: another tenant's leaf
        leaf.put("leafHash", java.util.Base64.getEncoder().encodeToString(new byte[32]));
        lines.set(3, leaf.toString());
        assertThat(verify(lines).findings()).hasSize(2).anySatisfy(f -> assertThat(f).contains("record sequence 2"))
                .anySatisfy(f -> assertThat(f).contains("leaf 2 (sequence 3"));
    }

    @Test
    void aRemovedRecordFailsAndIsNamed() throws IOException {
        List<String> lines = log.lines(null);
        lines.remove(10); // sequence 10
        assertThat(verify(lines).findings()).singleElement().asString()
                .contains("sequence 10 is missing before record sequence 11");
        // the last one removed: the export ends early
        List<String> truncated = log.lines(null);
        truncated.remove(truncated.size() - 2); // the line before the trailer
        assertThat(verify(truncated).findings()).singleElement().asString()
                .contains("sequence 37 is missing", "ends early");
    }

    @Test
    void reorderedRecordsFailAndAreNamed() throws IOException {
        List<String> lines = log.lines(null);
        Collections.swap(lines, 4, 5); // sequences 4 and 5
        List<String> findings = verify(lines).findings();
        assertThat(findings).isNotEmpty();
        assertThat(String.join("\n", findings)).contains("sequence 4 is missing before record sequence 5",
                "record sequence 4 (recordId " + recordId(4) + ") comes again or out of order");
    }

    @Test
    void anInsertedRecordFailsAndIsNamed() throws IOException {
        // a copy of an existing line
        List<String> doubled = log.lines(null);
        doubled.add(7, doubled.get(7));
        assertThat(verify(doubled).findings()).singleElement().asString()
                .contains("line 9", "record sequence 7", "comes again or out of order");
        // a made-up record at the place of a real one, with the real one's proof
        List<String> madeUp = log.lines(null);
        ObjectNode line = (ObjectNode) Exports.JSON.readTree(madeUp.get(13)); // sequence 13
        ObjectNode record = Exports.record(13, List.of("contoso", "fabrikam"));
        record.put("action", "access.granted");
        line.set("record", record);
        madeUp.set(13, line.toString());
        assertThat(verify(madeUp).findings()).singleElement().asString()
                .contains("record sequence 13", "not in the signed tree");
        // a made-up record appended after the range
        List<String> appended = log.lines(1, 36, log.note(), null);
        appended.add(appended.size() - 1, log.line(37));
        assertThat(verify(appended).findings()).singleElement().asString()
                .contains("record sequence 37", "beyond the export's range");
    }

    @Test
    void aForgedCheckpointFails() throws IOException {
        // signed by another key of the same name
        NoteSigner forger = NoteSigner.generate(Exports.ORIGIN, NoteKey.ED25519);
        String text = new Checkpoint(Exports.ORIGIN, 37, log.tree.root()).text();
        String forged = org.crosstenant.platform.tlog.SignedNote.sign(text, forger).format();
        assertThat(verify(log.lines(1, 37, forged, null)).findings()).singleElement().asString()
                .contains("checkpoint: not signed by the log key");
        // the root changed, the signature kept
        String note = log.note();
        String otherRoot = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        String changedRoot = note.replace(java.util.Base64.getEncoder().encodeToString(log.tree.root()), otherRoot);
        assertThat(verify(log.lines(1, 37, changedRoot, null)).findings()).singleElement().asString()
                .contains("checkpoint: not signed by the log key");
        // the size changed, the signature kept (and the header's treeSize with it)
        String changedSize = note.replace("\n37\n", "\n36\n");
        List<String> lines = log.lines(1, 36, changedSize, null);
        lines.set(0, lines.get(0).replace("\"treeSize\":37", "\"treeSize\":36"));
        assertThat(verify(lines).findings()).singleElement().asString()
                .contains("checkpoint: not signed by the log key");
    }

    @Test
    void aMissingCosignatureFails() throws IOException {
        List<String> lines = log.lines(1, 37, log.note(37, false), null);
        assertThat(verify(lines).findings()).singleElement().asString()
                .contains("no valid cosignature of witness witness.fabrikam.example");
        // a witness that never cosigned: required means required
        NoteKey stranger = NoteSigner.generate("witness.northwind.example", NoteKey.COSIGNATURE).verifierKey();
        assertThat(verify(log.lines(null), null, log.witness.verifierKey(), stranger).findings()).singleElement()
                .asString().contains("witness.northwind.example");
    }

    @Test
    void consistencyWithAPreviousCheckpointIsProvedOrFails() throws IOException {
        Checkpoint kept = ExportVerifier.trustedCheckpoint(log.note(20, false), log.log.verifierKey());
        Report report = verify(log.lines(20L), kept, log.witness.verifierKey());
        assertThat(report.findings()).isEmpty();
        assertThat(report.consistentWith()).isEqualTo(20L);

        // a checkpoint of another history (a split view), signed by the same log key
        org.crosstenant.platform.tlog.InMemoryMerkleTree other = new org.crosstenant.platform.tlog.InMemoryMerkleTree();
        for (int i = 0; i < 20; i++) {
            other.append(i == 11 ? new byte[32] : log.tree.hash(0, i)); // one record different
        }
        Checkpoint forked = new Checkpoint(Exports.ORIGIN, 20, other.root());
        assertThat(verify(log.lines(20L), forked, log.witness.verifierKey()).findings()).singleElement().asString()
                .contains("not consistent with the previous one (size 20)");

        // no consistency line at all
        assertThat(verify(log.lines(null), kept, log.witness.verifierKey()).findings()).singleElement().asString()
                .contains("no consistency proof from the previous checkpoint (size 20)");
        // a proof from another size
        assertThat(verify(log.lines(19L), kept, log.witness.verifierKey()).findings()).singleElement().asString()
                .contains("not from the previous checkpoint (20)");
    }

    @Test
    void garbageLinesAreFindingsNotCrashes() throws IOException {
        List<String> lines = new ArrayList<>(log.lines(null));
        lines.set(3, "{\"type\":\"leaf\",\"leafIndex\":2,\"leafIndex\":3}");
        lines.set(5, "not json");
        List<String> findings = verify(lines).findings();
        assertThat(findings).anySatisfy(f -> assertThat(f).startsWith("line 4: not a JSON object"))
                .anySatisfy(f -> assertThat(f).startsWith("line 6: not a JSON object"));
        ExportVerifier verifier = new ExportVerifier(log.log.verifierKey(), List.of(), null);
        byte[] notUtf8 = { '{', (byte) 0xC3, '}', '\n' };
        assertThat(verifier.verify(new ByteArrayInputStream(notUtf8)).findings()).singleElement().asString()
                .contains("line 1 is not UTF-8");
        assertThat(verifier.verify(new ByteArrayInputStream(new byte[0])).findings()).singleElement().asString()
                .contains("empty");
    }

    @Test
    void theSignedManifestCatchesAHiddenRecordANarrowedRangeAndACutOffExport() throws IOException {
        // one of contoso's records turned into a bare leaf line: its hash and proof are genuine, so only the signed
        // manifest (which leaves the export shows in full) can tell
        List<String> hidden = log.lines(null);
        ObjectNode record = (ObjectNode) Exports.JSON.readTree(hidden.get(7)); // sequence 7, contoso's
        assertThat(record.get("type").asText()).isEqualTo("record");
        ObjectNode leaf = Exports.JSON.createObjectNode().put("type", "leaf").put("leafIndex", 6)
                .put("leafHash", java.util.Base64.getEncoder().encodeToString(log.tree.hash(0, 6)));
        leaf.set("proof", record.get("proof"));
        hidden.set(7, leaf.toString());
        assertThat(verify(hidden).findings()).singleElement().asString()
                .contains("shows 24 records of contoso in full", "signed that it showed 25");
        // and still named when another, unrelated finding comes first (a witness that did not cosign)
        NoteKey absentWitness = NoteSigner.generate("witness.absent.example", NoteKey.COSIGNATURE).verifierKey();
        assertThat(verify(hidden, null, absentWitness).findings()).hasSize(2)
                .anySatisfy(f -> assertThat(f).contains("signed that it showed 25"));

        // the header narrowed to a later range and the leaves before it dropped
        List<String> narrowed = log.lines(null);
        ObjectNode header = (ObjectNode) Exports.JSON.readTree(narrowed.get(0));
        header.put("from", 31);
        narrowed.set(0, header.toString());
        narrowed.subList(1, 31).clear();
        assertThat(verify(narrowed).findings()).singleElement().asString()
                .contains("signed manifest is for contoso, sequences 1 to 37", "31 to 37");

        // no trailer: cut off after the last leaf
        List<String> cut = log.lines(null);
        cut.remove(cut.size() - 1);
        assertThat(verify(cut).findings()).singleElement().asString().contains("no signed manifest");

        // a manifest signed by someone else
        List<String> forged = log.lines(null);
        RangeManifest.ShownLeaves none = new RangeManifest.ShownLeaves();
        String text = new RangeManifest(Exports.ORIGIN, Exports.TENANT, 1, 37, 37, log.tree.root(), 0, none.hash()).text();
        forged.set(forged.size() - 1, Exports.JSON.createObjectNode().put("type", "trailer").put("manifest",
                SignedNote.sign(text, NoteSigner.generate(Exports.ORIGIN, NoteKey.ED25519)).format()).toString());
        assertThat(verify(forged).findings()).singleElement().asString().contains("manifest is not signed by the log key");
    }

    /**
     * While the log rotates its key, audit-service signs each checkpoint and manifest with the old and the new key: a
     * verifier that pinned either (or both) verifies the export; one that pinned neither does not.
     */
    @Test
    void anExportSignedByTheOldAndTheNewLogKeyVerifiesWithEitherKeyAndNotWithAnother() throws IOException {
        NoteSigner next = NoteSigner.generate(Exports.ORIGIN, NoteKey.ED25519);
        log.coSigners.add(next);
        List<String> lines = log.lines(null);
        for (List<NoteKey> pinned : List.of(List.of(log.logKey()), List.of(next.verifierKey()),
                List.of(log.logKey(), next.verifierKey()))) {
            Report report = new ExportVerifier(pinned, List.of(log.witnessKey()), null)
                    .verify(new ByteArrayInputStream(Exports.ndjson(lines)));
            assertThat(report.findings()).as("pinned " + pinned).isEmpty();
        }
        NoteKey stranger = NoteSigner.generate(Exports.ORIGIN, NoteKey.ED25519).verifierKey();
        Report refused = new ExportVerifier(List.of(stranger), List.of(), null)
                .verify(new ByteArrayInputStream(Exports.ndjson(lines)));
        assertThat(refused.verified()).isFalse();
        // after a rotation the verifier may still pin a key the log no longer signs with: the other one suffices
        Report retired = new ExportVerifier(List.of(stranger, next.verifierKey()), List.of(), null)
                .verify(new ByteArrayInputStream(Exports.ndjson(lines)));
        assertThat(retired.findings()).isEmpty();
        assertThat(refused.findings()).anySatisfy(f -> assertThat(f).contains("checkpoint: not signed by the log key"));
    }
}
