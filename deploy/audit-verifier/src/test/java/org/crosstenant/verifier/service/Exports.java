package org.crosstenant.verifier.service;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.crosstenant.platform.tlog.Checkpoint;
import org.crosstenant.platform.tlog.InMemoryMerkleTree;
import org.crosstenant.platform.tlog.MerkleHash;
import org.crosstenant.platform.tlog.MerkleProofs;
import org.crosstenant.platform.tlog.NoteKey;
import org.crosstenant.platform.tlog.NoteSigner;
import org.crosstenant.platform.tlog.RangeManifest;
import org.crosstenant.platform.tlog.SignedNote;

/**
 * Exports as audit-service writes them (docs/audit.md "Export"), made in memory: a log of records of several tenants
 * in an {@link InMemoryMerkleTree}, a checkpoint signed by a log key and cosigned by a witness, and the NDJSON lines for
 * one tenant.
 */
public final class Exports {

    static final String ORIGIN = "crosstenant.example/audit";
    static final String TENANT = "contoso";
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder BASE64 = Base64.getEncoder();

    final NoteSigner log = NoteSigner.generate(ORIGIN, NoteKey.ED25519);
    final NoteSigner witness = NoteSigner.generate("witness.fabrikam.example", NoteKey.COSIGNATURE);
    /** More log keys that co-sign every checkpoint and manifest after {@link #log} (a key rotation). */
    final List<NoteSigner> coSigners = new ArrayList<>();
    final List<ObjectNode> records = new ArrayList<>();
    final InMemoryMerkleTree tree = new InMemoryMerkleTree();

    /** A log of {@code size} records: every third concerns another pair of tenants, the rest contoso. */
    public Exports(int size) {
        for (int i = 1; i <= size; i++) {
            ObjectNode record = record(i, i % 3 == 0 ? List.of("northwind", "fabrikam") : List.of(TENANT, "fabrikam"));
            records.add(record);
            tree.append(leafHash(record));
        }
    }

    /**
     * Adds a log key that co-signs every checkpoint and manifest from now on (a key rotation).
     *
     * @param key an Ed25519 note key named as the origin
     * @return this
     */
    public Exports coSignedBy(NoteSigner key) {
        coSigners.add(key);
        return this;
    }

    /** @return the log's checkpoint key */
    public NoteKey logKey() {
        return log.verifierKey();
    }

    /** @return the witness's cosignature key */
    public NoteKey witnessKey() {
        return witness.verifierKey();
    }

    /** @return the recordId of record {@code sequence} */
    public String recordId(long sequence) {
        return records.get((int) sequence - 1).get("recordId").asText();
    }

    /** A record in the served form (AuditRecord of audit-service), including the fields not in its entry. */
    static ObjectNode record(long sequence, List<String> tenants) {
        ObjectNode r = JSON.createObjectNode();
        r.put("sequence", sequence);
        r.put("leafIndex", sequence - 1);
        r.put("recordId", UUID.nameUUIDFromBytes(("r" + sequence).getBytes(StandardCharsets.UTF_8)).toString());
        ArrayNode t = r.putArray("tenants");
        tenants.forEach(t::add);
        r.put("action", "policy.decided");
        r.put("outcome", "allowed");
        r.set("actor", JSON.valueToTree(Map.of("tenant", tenants.get(1), "subject", "erin", "email", "é@x.example")));
        r.put("resourceTenant", tenants.get(0));
        r.put("homeTenant", tenants.get(1));
        r.putNull("application");
        r.put("invitationId", "inv-" + sequence);
        r.put("sourceEventId", UUID.nameUUIDFromBytes(("e" + sequence).getBytes(StandardCharsets.UTF_8)).toString());
        r.put("sourceType", "org.crosstenant.policy.decided");
        r.put("occurredAt", "2026-03-01T10:00:00.12345" + (sequence % 10) + "Z");
        r.put("recordedAt", "2026-03-01T10:00:01Z");
        r.set("details", JSON.valueToTree(Map.of("z", List.of(3, 1.5, "x"), "a", Map.of("b", true, "a", 7))));
        r.put("previousHash", "0".repeat(64));
        r.put("hash", "f".repeat(64));
        return r;
    }

    static byte[] leafHash(ObjectNode served) {
        return MerkleHash.leaf(ExportVerifier.entry(served).getBytes(StandardCharsets.UTF_8));
    }

    /** The checkpoint of the whole log, signed by the log and cosigned by the witness. */
    String note() {
        return note(tree.size(), true);
    }

    public String note(long size, boolean cosigned) {
        String text = new Checkpoint(ORIGIN, size, MerkleProofs.root(tree, size)).text();
        SignedNote note = coSign(SignedNote.sign(text, log));
        if (cosigned) {
            note = note.with(List.of(witness.cosign(text, 1_780_000_000L)));
        }
        return note.format();
    }

    /** The export of the whole log for contoso against {@link #note()}, with a consistency line from {@code since}. */
    public List<String> lines(Long since) {
        return lines(1, tree.size(), note(), since);
    }

    List<String> lines(long from, long to, String note, Long since) {
        long size = tree.size();
        List<String> lines = new ArrayList<>();
        ObjectNode header = JSON.createObjectNode().put("type", "header").put("version", 1).put("tenant", TENANT)
                .put("from", from).put("to", to).put("treeSize", size).put("checkpoint", note);
        lines.add(header.toString());
        if (since != null) {
            ObjectNode consistency = JSON.createObjectNode().put("type", "consistency").put("from", since)
                    .put("to", size);
            consistency.set("proof", hashes(MerkleProofs.consistencyProof(tree, since, size)));
            lines.add(consistency.toString());
        }
        RangeManifest.ShownLeaves shown = new RangeManifest.ShownLeaves();
        for (long sequence = from; sequence <= to; sequence++) {
            lines.add(line(sequence));
            if (concernsTenant(sequence)) {
                shown.add(sequence - 1);
            }
        }
        lines.add(trailer(new RangeManifest(ORIGIN, TENANT, from, to, size, MerkleProofs.root(tree, size), shown.count(),
                shown.hash())));
        return lines;
    }

    /** The last line: the manifest signed with the log's key, as audit-service writes it. */
    String trailer(RangeManifest manifest) {
        return JSON.createObjectNode().put("type", "trailer")
                .put("manifest", coSign(SignedNote.sign(manifest.text(), log)).format()).toString();
    }

    private SignedNote coSign(SignedNote note) {
        return note.with(coSigners.stream().map(key -> key.sign(note.text())).toList());
    }

    boolean concernsTenant(long sequence) {
        return records.get((int) sequence - 1).get("tenants").toString().contains("\"" + TENANT + "\"");
    }

    String line(long sequence) {
        long index = sequence - 1;
        ObjectNode record = records.get((int) index);
        ObjectNode line = JSON.createObjectNode();
        if (concernsTenant(sequence)) {
            line.put("type", "record").put("leafIndex", index).set("record", record);
        } else {
            line.put("type", "leaf").put("leafIndex", index).put("leafHash",
                    BASE64.encodeToString(tree.hash(0, index)));
        }
        line.set("proof", hashes(MerkleProofs.inclusionProof(tree, index, tree.size())));
        return line.toString();
    }

    private static ArrayNode hashes(List<byte[]> hashes) {
        ArrayNode array = JSON.createArrayNode();
        hashes.forEach(h -> array.add(BASE64.encodeToString(h)));
        return array;
    }

    static byte[] ndjson(List<String> lines) {
        return (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
