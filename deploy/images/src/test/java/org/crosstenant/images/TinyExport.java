package org.crosstenant.images;

import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.crosstenant.platform.tlog.Checkpoint;
import org.crosstenant.platform.tlog.InMemoryMerkleTree;
import org.crosstenant.platform.tlog.MerkleHash;
import org.crosstenant.platform.tlog.MerkleProofs;
import org.crosstenant.platform.tlog.NoteKey;
import org.crosstenant.platform.tlog.NoteSigner;
import org.crosstenant.platform.tlog.RangeManifest;
import org.crosstenant.platform.tlog.SignedNote;
import org.crosstenant.verifier.service.ExportVerifier;

/**
 * The smallest export the audit verifier accepts (docs/audit.md "Export"): a log of one record of tenant contoso, its
 * checkpoint signed by a fresh log key, and the NDJSON lines header, record (empty inclusion proof: a tree of one leaf)
 * and trailer (the signed range manifest). Enough to see that the verifier's image runs a verification, not to test
 * the verifier (its own tests do).
 */
final class TinyExport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ORIGIN = "crosstenant.example/audit";
    private static final String TENANT = "contoso";

    private final NoteSigner log = NoteSigner.generate(ORIGIN, NoteKey.ED25519);

    /** @return the log's verifier key text (what {@code --log-key} names) */
    String logVkey() {
        return log.verifierKey().vkey();
    }

    /**
     * @param action the record's action; the leaf hash is always that of {@code "policy.decided"}, so any other action
     *               gives an export whose record does not match its checkpoint (the verifier must refuse it)
     * @return the export as NDJSON text
     */
    String ndjson(String action) {
        ObjectNode record = record("policy.decided");
        InMemoryMerkleTree tree = new InMemoryMerkleTree();
        tree.append(MerkleHash.leaf(ExportVerifier.entry(record).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        byte[] root = MerkleProofs.root(tree, 1);
        String checkpoint = SignedNote.sign(new Checkpoint(ORIGIN, 1, root).text(), log).format();
        RangeManifest.ShownLeaves shown = new RangeManifest.ShownLeaves();
        shown.add(0);
        RangeManifest manifest = new RangeManifest(ORIGIN, TENANT, 1, 1, 1, root, shown.count(), shown.hash());
        List<ObjectNode> lines = List.of(
                JSON.createObjectNode().put("type", "header").put("version", 1).put("tenant", TENANT)
                        .put("from", 1).put("to", 1).put("treeSize", 1).put("checkpoint", checkpoint),
                recordLine(record(action)),
                JSON.createObjectNode().put("type", "trailer")
                        .put("manifest", SignedNote.sign(manifest.text(), log).format()));
        StringBuilder out = new StringBuilder();
        lines.forEach(line -> out.append(line).append('\n'));
        return out.toString();
    }

    private static ObjectNode recordLine(ObjectNode record) {
        ObjectNode line = JSON.createObjectNode().put("type", "record").put("leafIndex", 0);
        line.set("record", record);
        line.putArray("proof");
        return line;
    }

    private static ObjectNode record(String action) {
        ObjectNode record = JSON.createObjectNode().put("sequence", 1).put("leafIndex", 0)
                .put("recordId", "00000000-0000-4000-8000-000000000001");
        record.putArray("tenants").add(TENANT).add("fabrikam");
        record.put("action", action).put("outcome", "allowed").put("resourceTenant", TENANT)
                .put("homeTenant", "fabrikam").put("occurredAt", "2026-03-01T10:00:00Z")
                .put("recordedAt", "2026-03-01T10:00:01Z");
        return record;
    }
}
