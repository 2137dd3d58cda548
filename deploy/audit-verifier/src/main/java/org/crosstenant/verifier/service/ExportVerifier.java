package org.crosstenant.verifier.service;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import org.crosstenant.platform.tlog.CanonicalJson;
import org.crosstenant.platform.tlog.Checkpoint;
import org.crosstenant.platform.tlog.InvalidNoteException;
import org.crosstenant.platform.tlog.InvalidProofException;
import org.crosstenant.platform.tlog.MerkleHash;
import org.crosstenant.platform.tlog.MerkleProofs;
import org.crosstenant.platform.tlog.NoteKey;
import org.crosstenant.platform.tlog.RangeManifest;
import org.crosstenant.platform.tlog.SignedNote;

/**
 * Verifies an audit export (docs/audit.md "Export", "Offline verification") without trusting the service that made
 * it: the header's checkpoint must be signed by the log's key and cosigned (C2SP tlog-cosignature) by every given
 * witness key; every leaf of the header's range must come exactly once, in leaf order; every line's leaf hash — for the
 * tenant's own records recomputed from the record's canonical bytes — must lead to the checkpoint's root with its
 * RFC 9162 inclusion proof; and, given a checkpoint kept from before, the export's consistency proof must link it to
 * the header's.
 * <p>
 * The export is read as a stream (one line at a time, each at most {@link ExportLines#MAX_LINE} characters), so its
 * size is not limited by memory. Every finding is kept (the first {@link #MAX_FINDINGS}), each naming the line and,
 * when it is about a record, its sequence and recordId.
 */
public final class ExportVerifier {

    /** The export format version this verifier reads. */
    public static final int VERSION = 1;

    /** Findings kept; more are counted only. */
    public static final int MAX_FINDINGS = 100;

    /** Longest inclusion or consistency proof accepted (a tree of 2^63 leaves needs fewer). */
    private static final int MAX_PROOF = 130;

    /** The served record's fields that are not part of its canonical bytes (docs/audit.md). */
    private static final List<String> NOT_IN_ENTRY = List.of("leafIndex", "previousHash", "hash");

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final List<NoteKey> logKeys;
    private final List<NoteKey> witnessKeys;
    private final Checkpoint previous;

    /**
     * @param logKey      the log's checkpoint key (vkey of {@code GET /api/v1/audit/checkpoint/key}, pinned)
     * @param witnessKeys witnesses that must all have cosigned the export's checkpoint (may be empty)
     * @param previous    a checkpoint verified before (already checked against {@code logKey}, see
     *                    {@link #trustedCheckpoint(String, NoteKey)}); null for none
     */
    public ExportVerifier(NoteKey logKey, List<NoteKey> witnessKeys, Checkpoint previous) {
        this(List.of(logKey), witnessKeys, previous);
    }

    /**
     * A verifier that trusts several keys of the log, e.g. its old and new key while it rotates them (the log signs
     * every note with both then): the checkpoint and the manifest must each carry a valid signature of at least one
     * of them, and no signature of one of them may fail (C2SP signed-note; signatures of other keys are ignored).
     *
     * @param logKeys     the log's checkpoint keys, at least one
     * @param witnessKeys witnesses that must all have cosigned the export's checkpoint (may be empty)
     * @param previous    a checkpoint verified before with these keys, or null
     * @throws IllegalArgumentException when no log key is given
     */
    public ExportVerifier(List<NoteKey> logKeys, List<NoteKey> witnessKeys, Checkpoint previous) {
        if (logKeys.isEmpty()) {
            throw new IllegalArgumentException("at least one log key");
        }
        this.logKeys = List.copyOf(logKeys);
        this.witnessKeys = List.copyOf(witnessKeys);
        this.previous = previous;
    }

    /**
     * Reads a checkpoint kept from before.
     *
     * @param note   the signed note as {@code GET /api/v1/audit/checkpoint} served it
     * @param logKey the log's key, which must have signed it
     * @return the checkpoint
     * @throws InvalidNoteException when it is no signed note, the key did not sign it or it is no checkpoint
     */
    public static Checkpoint trustedCheckpoint(String note, NoteKey logKey) {
        return trustedCheckpoint(note, List.of(logKey));
    }

    /**
     * Reads a checkpoint kept from before, signed by any of the log's keys.
     *
     * @param note    the signed note as {@code GET /api/v1/audit/checkpoint} served it
     * @param logKeys the log's keys, of which at least one must have signed it (and none falsely)
     * @return the checkpoint
     * @throws InvalidNoteException when it is no signed note, no key signed it or it is no checkpoint
     */
    public static Checkpoint trustedCheckpoint(String note, List<NoteKey> logKeys) {
        SignedNote signed = SignedNote.parse(note);
        signed.verify(logKeys);
        return Checkpoint.parse(signed.text());
    }

    /**
     * The entry of a record in the tree, from the record as an export line carries it (docs/audit.md "Canonical
     * record bytes", "Export"): the object without {@code leafIndex}, {@code previousHash} and {@code hash}, in
     * canonical JSON. Any other field is hashed too, so a field the leaf does not cover cannot pass unnoticed.
     *
     * @param servedRecord a record object of an export line
     * @return its canonical text; its leaf hash is {@code SHA-256(0x00 || UTF-8(text))}
     * @throws IllegalArgumentException when it is not a JSON object
     */
    public static String entry(JsonNode servedRecord) {
        if (servedRecord == null || !servedRecord.isObject()) {
            throw new IllegalArgumentException("a record is a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> entry = (Map<String, Object>) CanonicalJson.plain(servedRecord);
        NOT_IN_ENTRY.forEach(entry::remove);
        return CanonicalJson.write(entry);
    }

    /** What verification found. */
    public record Report(String tenant, long from, long to, long treeSize, long ownRecords, long otherLeaves,
            List<String> witnesses, Long consistentWith, List<String> findings, long moreFindings) {

        /** @return true when nothing was found wrong */
        public boolean verified() {
            return findings.isEmpty();
        }
    }

    /**
     * Verifies one export.
     *
     * @param export the export's bytes (UTF-8 NDJSON); not closed
     * @return the report; {@link Report#verified()} is false when anything fails, its findings say what
     * @throws IOException when reading fails
     */
    public Report verify(InputStream export) throws IOException {
        Run run = new Run(new ExportLines(export));
        try {
            return run.run();
        } catch (ExportLines.MalformedExportException e) {
            run.fail(e.getMessage());
            return run.report();
        }
    }

    /** One verification's state. */
    private String logKeyNames() {
        return String.join(" or ", logKeys.stream().map(k -> k.name() + " ("
                + java.util.HexFormat.of().toHexDigits(k.keyId()) + ")").distinct().toList());
    }

    private final class Run {
        private final ExportLines lines;
        private final List<String> findings = new ArrayList<>();
        private long moreFindings;
        private String tenant;
        private long from;
        private long to;
        private Checkpoint checkpoint;
        private final List<String> witnesses = new ArrayList<>();
        private Long consistentWith;
        private long own;
        private long others;
        /** the record lines' leaf indexes, in order, as the signed manifest counts them */
        private final RangeManifest.ShownLeaves shown = new RangeManifest.ShownLeaves();
        private boolean trailer;
        /** a leaf line was unreadable, repeated, out of range or missing: the shown count cannot match then */
        private boolean lineProblem;

        Run(ExportLines lines) {
            this.lines = lines;
        }

        Report run() throws IOException {
            String first = lines.next();
            if (first == null) {
                fail("line 1: the export is empty");
                return report();
            }
            if (!header(first)) {
                return report();
            }
            long expected = from - 1; // the next leaf index due
            boolean consistencyChecked = false;
            String line;
            while ((line = lines.next()) != null) {
                String where = "line " + lines.number();
                JsonNode node = json(where, line);
                if (node == null) {
                    lineProblem = true;
                    continue;
                }
                String type = node.path("type").asText("");
                if (trailer) {
                    fail(where + ": a line after the signed manifest (the trailer ends an export)");
                    continue;
                }
                if (type.equals("trailer")) {
                    trailer = true;
                    manifest(where, node, expected);
                    continue;
                }
                if (type.equals("consistency") && lines.number() == 2) {
                    consistencyChecked = consistency(where, node);
                    continue;
                }
                if (!type.equals("record") && !type.equals("leaf")) {
                    fail(where + ": not a record or leaf line (type '" + clip(type) + "')");
                    lineProblem = true;
                    continue;
                }
                Leaf leaf = leaf(where, type, node);
                if (leaf == null) {
                    lineProblem = true;
                    continue;
                }
                if (leaf.index < expected) {
                    fail(where + ": " + leaf.name + " comes again or out of order (leaf " + leaf.index
                            + ", expected leaf " + expected + ")");
                    lineProblem = true;
                    continue;
                }
                if (leaf.index >= to) {
                    fail(where + ": " + leaf.name + " is beyond the export's range (last sequence " + to + ")");
                    lineProblem = true;
                    continue;
                }
                if (leaf.index > expected) {
                    fail(where + ": " + missing(expected, leaf.index - 1) + " missing before " + leaf.name);
                    lineProblem = true;
                }
                expected = leaf.index + 1;
                if (leaf.own) {
                    shown.add(leaf.index);
                }
                try {
                    MerkleProofs.verifyInclusion(leaf.index, checkpoint.size(), leaf.hash, leaf.proof,
                            checkpoint.rootHash());
                    if (leaf.own) {
                        own++;
                    } else {
                        others++;
                    }
                } catch (InvalidProofException e) {
                    fail(where + ": " + leaf.name + " is not in the signed tree at its place (inclusion proof: "
                            + e.getMessage() + "); the record was changed, moved or made up");
                }
            }
            if (expected < to) {
                fail("end of export: " + missing(expected, to - 1) + " missing (the export ends early)");
            }
            if (!trailer) {
                fail("end of export: no signed manifest (trailer line): the export is cut off or not the log's");
            }
            if (previous != null && !consistencyChecked) {
                if (previous.size() == checkpoint.size()) {
                    if (!MessageDigest.isEqual(previous.rootHash(), checkpoint.rootHash())) {
                        fail("checkpoint: the previous checkpoint has the same size but another root (a split view)");
                    } else {
                        consistentWith = previous.size();
                    }
                } else if (previous.size() > checkpoint.size()) {
                    fail("checkpoint: the previous checkpoint (" + previous.size() + " records) is newer than the"
                            + " export's (" + checkpoint.size() + "): export with treeSize >= " + previous.size()
                            + " and since=" + previous.size() + "; if the log offers nothing that new, it rolled back");
                } else {
                    fail("checkpoint: the export has no consistency proof from the previous checkpoint (size "
                            + previous.size() + "); export with since=" + previous.size());
                }
            }
            return report();
        }

        /** Checks the header line; false when nothing else can be checked. */
        private boolean header(String text) {
            JsonNode header = json("line 1", text);
            if (header == null) {
                return false;
            }
            if (!header.path("type").asText("").equals("header") || header.path("version").asInt(-1) != VERSION) {
                fail("line 1: not a version " + VERSION + " export header");
                return false;
            }
            tenant = header.path("tenant").asText(null);
            long treeSize = number(header, "treeSize");
            from = number(header, "from");
            to = number(header, "to");
            if (tenant == null || treeSize < 1 || from < 1 || to < from || to > treeSize
                    || !header.path("checkpoint").isTextual()) {
                fail("line 1: the header needs tenant, checkpoint and 1 <= from <= to <= treeSize");
                return false;
            }
            SignedNote note;
            try {
                note = SignedNote.parse(header.get("checkpoint").asText());
                note.verify(logKeys);
                checkpoint = Checkpoint.parse(note.text());
            } catch (InvalidNoteException | IllegalArgumentException e) {
                fail("checkpoint: not signed by the log key " + logKeyNames() + " (" + e.getMessage() + ")");
                return false;
            }
            if (checkpoint.size() != treeSize) {
                fail("checkpoint: its size " + checkpoint.size() + " is not the header's treeSize " + treeSize);
                return false;
            }
            for (NoteKey witness : witnessKeys) {
                try {
                    note.verify(List.of(witness));
                    witnesses.add(witness.name());
                } catch (InvalidNoteException e) {
                    fail("checkpoint: no valid cosignature of witness " + witness.name() + " (" + e.getMessage()
                            + ")");
                }
            }
            return true;
        }

        /**
         * Checks the trailer: the log's signed manifest must name this export's origin, tenant, range and checkpoint,
         * and exactly the leaves this export shows in full (so none of the tenant's records can be shown as a bare
         * leaf hash, and the range cannot be narrowed, by whoever holds the file).
         */
        private void manifest(String where, JsonNode node, long expected) {
            SignedNote note;
            try {
                note = SignedNote.parse(node.path("manifest").asText(""));
                note.verify(logKeys);
            } catch (InvalidNoteException | IllegalArgumentException e) {
                fail(where + ": the manifest is not signed by the log key " + logKeyNames() + " (" + clip(e.getMessage()) + ")");
                return;
            }
            RangeManifest manifest;
            try {
                manifest = RangeManifest.parse(note.text());
            } catch (IllegalArgumentException e) {
                fail(where + ": the log key signed this trailer, but it is not an export manifest (" + clip(e.getMessage()) + ")");
                return;
            }
            if (!manifest.origin().equals(checkpoint.origin()) || !manifest.subject().equals(tenant)
                    || manifest.from() != from || manifest.to() != to || manifest.treeSize() != checkpoint.size()
                    || !MessageDigest.isEqual(manifest.rootHash(), checkpoint.rootHash())) {
                fail(where + ": the signed manifest is for " + manifest.subject() + ", sequences " + manifest.from()
                        + " to " + manifest.to() + " of the checkpoint of " + manifest.treeSize()
                        + " records, not for this export's header (" + tenant + ", " + from + " to " + to + ", "
                        + checkpoint.size() + ")");
                return;
            }
            if (expected < to || lineProblem) {
                return; // a gap, repeat or bad line is reported already: the shown count cannot match either
            }
            byte[] hash = shown.hash();
            if (manifest.shown() != shown.count() || !MessageDigest.isEqual(manifest.shownHash(), hash)) {
                fail(where + ": the export shows " + shown.count() + " records of " + tenant + " in full, the log"
                        + " signed that it showed " + manifest.shown() + ": a record was hidden as a bare leaf hash"
                        + " or a leaf hash was put in a record's place");
            }
        }

        /** Checks the consistency line against the previous checkpoint; true when it was checked (either way). */
        private boolean consistency(String where, JsonNode node) {
            if (previous == null) {
                return false; // nothing kept to check it against
            }
            long older = number(node, "from");
            long newer = number(node, "to");
            List<byte[]> proof = hashes(where, node.get("proof"));
            if (proof == null) {
                return true;
            }
            if (older != previous.size() || newer != checkpoint.size()) {
                fail(where + ": the consistency proof is from " + older + " to " + newer + ", not from the previous"
                        + " checkpoint (" + previous.size() + ") to the export's (" + checkpoint.size() + ")");
                return true;
            }
            try {
                MerkleProofs.verifyConsistency(older, newer, previous.rootHash(), checkpoint.rootHash(), proof);
                consistentWith = older;
            } catch (InvalidProofException e) {
                fail(where + ": the export's checkpoint is not consistent with the previous one (size " + older
                        + "): " + e.getMessage());
            }
            return true;
        }

        /** A record or leaf line, its leaf hash computed; null (with a finding) when malformed. */
        private Leaf leaf(String where, String type, JsonNode node) {
            long index = number(node, "leafIndex");
            if (index < 0) {
                fail(where + ": no leafIndex");
                return null;
            }
            List<byte[]> proof = hashes(where, node.get("proof"));
            if (proof == null) {
                return null;
            }
            if (type.equals("leaf")) {
                byte[] hash = hash(node.get("leafHash"));
                String name = "leaf " + index + " (sequence " + (index + 1) + ", another tenant's)";
                if (hash == null) {
                    fail(where + ": " + name + " has no 32-byte base64 leafHash");
                    return null;
                }
                return new Leaf(index, hash, proof, false, name);
            }
            JsonNode record = node.get("record");
            if (record == null || !record.isObject()) {
                fail(where + ": a record line without a record");
                return null;
            }
            String name = "record sequence " + clip(record.path("sequence").asText("?")) + " (recordId "
                    + clip(record.path("recordId").asText("?")) + ")";
            if (number(record, "sequence") != index + 1 || number(record, "leafIndex") != index) {
                fail(where + ": " + name + " is not the record of leaf " + index + " (sequence must be "
                        + (index + 1) + ")");
                return null;
            }
            if (!containsTenant(record.get("tenants"))) {
                fail(where + ": " + name + " does not concern tenant " + tenant);
                return null;
            }
            byte[] hash = MerkleHash.leaf(entry(record).getBytes(StandardCharsets.UTF_8));
            return new Leaf(index, hash, proof, true, name);
        }

        private boolean containsTenant(JsonNode tenants) {
            if (tenants != null && tenants.isArray()) {
                for (JsonNode t : tenants) {
                    if (t.isTextual() && t.asText().equals(tenant)) {
                        return true;
                    }
                }
            }
            return false;
        }

        private List<byte[]> hashes(String where, JsonNode array) {
            if (array == null || !array.isArray() || array.size() > MAX_PROOF) {
                fail(where + ": no proof (an array of at most " + MAX_PROOF + " base64 hashes)");
                return null;
            }
            List<byte[]> out = new ArrayList<>();
            for (JsonNode item : array) {
                byte[] hash = hash(item);
                if (hash == null) {
                    fail(where + ": a proof hash is not 32 bytes of base64");
                    return null;
                }
                out.add(hash);
            }
            return out;
        }

        private JsonNode json(String where, String text) {
            try {
                JsonNode node = JSON.readTree(text);
                if (node != null && node.isObject()) {
                    return node;
                }
            } catch (JsonProcessingException e) {
                // reported below
            }
            fail(where + ": not a JSON object");
            return null;
        }

        private void fail(String finding) {
            if (findings.size() < MAX_FINDINGS) {
                findings.add(finding);
            } else {
                moreFindings++;
            }
        }

        private Report report() {
            return new Report(tenant, from, to, checkpoint == null ? 0 : checkpoint.size(), own, others,
                    List.copyOf(witnesses), consistentWith, List.copyOf(findings), moreFindings);
        }
    }

    private record Leaf(long index, byte[] hash, List<byte[]> proof, boolean own, String name) {
    }

    private static String missing(long firstIndex, long lastIndex) {
        return firstIndex == lastIndex
                ? "sequence " + (firstIndex + 1) + " is"
                : "sequences " + (firstIndex + 1) + " to " + (lastIndex + 1) + " are";
    }

    /** A non-negative integer field; -1 when absent or anything else. */
    private static long number(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.canConvertToLong() && value.isIntegralNumber() && value.asLong() >= 0
                ? value.asLong() : -1;
    }

    private static byte[] hash(JsonNode node) {
        if (node == null || !node.isTextual()) {
            return null;
        }
        try {
            byte[] hash = Base64.getDecoder().decode(node.asText());
            return hash.length == MerkleHash.SIZE ? hash : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Hostile text in a finding: at most 80 characters, controls replaced. */
    private static String clip(String text) {
        String shown = text.length() > 80 ? text.substring(0, 80) + "…" : text;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }
}
