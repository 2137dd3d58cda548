package org.crosstenant.audit.model;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The lines of an audit export ({@code GET /api/v1/audit/export}, format {@code ndjson}; docs/audit.md "Export"): one
 * JSON object per line, its kind in {@code type}. Hashes are base64 (standard alphabet, padded), 32 bytes each.
 */
public sealed interface ExportLine permits ExportLine.Header, ExportLine.Consistency, ExportLine.Record,
        ExportLine.Leaf, ExportLine.Trailer {

    /** The export format's version, in the header. */
    int VERSION = 1;

    /** @return the line's kind: {@code header}, {@code consistency}, {@code record} or {@code leaf} */
    String type();

    /**
     * The first line: what the export is proved against.
     *
     * @param tenant     the caller's tenant, whose records are in full
     * @param from       the first sequence of the export (leaf {@code from - 1}), {@code >= 1}
     * @param to         the last sequence (leaf {@code to - 1}), {@code from <= to <= treeSize}
     * @param treeSize   the size of the checkpoint every proof is against
     * @param checkpoint that checkpoint as {@code GET /api/v1/audit/checkpoint} serves it (signed note text with its
     *                   signature lines)
     */
    @JsonPropertyOrder({ "type", "version", "tenant", "from", "to", "treeSize", "checkpoint" })
    record Header(String type, int version, String tenant, long from, long to, long treeSize, String checkpoint)
            implements ExportLine {
        public Header(String tenant, long from, long to, long treeSize, String checkpoint) {
            this("header", VERSION, tenant, from, to, treeSize, checkpoint);
        }
    }

    /**
     * Present when asked with {@code since}: the RFC 9162 consistency proof from the older signed checkpoint's size to
     * the header's.
     */
    @JsonPropertyOrder({ "type", "from", "to", "proof" })
    record Consistency(String type, long from, long to, List<String> proof) implements ExportLine {
        public Consistency(long from, long to, List<String> proof) {
            this("consistency", from, to, proof);
        }
    }

    /**
     * A record of the caller's tenant and its inclusion proof. {@code record} holds exactly the fields of its entry in
     * the tree (docs/audit.md "Canonical record bytes") plus {@code leafIndex}, {@code previousHash} and {@code hash}:
     * nothing the leaf hash does not cover (the derived record-schema fields are recomputed from these, see
     * "Record schema").
     */
    @JsonPropertyOrder({ "type", "leafIndex", "record", "proof" })
    record Record(String type, long leafIndex, Map<String, Object> record, List<String> proof) implements ExportLine {
        public Record(long leafIndex, Map<String, Object> record, List<String> proof) {
            this("record", leafIndex, record, proof);
        }
    }

    /** Another tenant's record: only its leaf hash (which reveals nothing of it) and its inclusion proof. */
    @JsonPropertyOrder({ "type", "leafIndex", "leafHash", "proof" })
    record Leaf(String type, long leafIndex, String leafHash, List<String> proof) implements ExportLine {
        public Leaf(long leafIndex, String leafHash, List<String> proof) {
            this("leaf", leafIndex, leafHash, proof);
        }
    }

    /**
     * The last line: the export's manifest (platform {@code RangeManifest}: origin, tenant, range, checkpoint, the
     * count and digest of the record lines' leaf indexes) signed with the log's key. Without it an export is cut off.
     */
    @JsonPropertyOrder({ "type", "manifest" })
    record Trailer(String type, String manifest) implements ExportLine {
        public Trailer(String manifest) {
            this("trailer", manifest);
        }
    }
}
