package org.crosstenant.audit.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;

import org.crosstenant.audit.model.AuditRecordEntity;
import org.crosstenant.platform.tlog.CanonicalJson;
import org.crosstenant.platform.tlog.MerkleHash;

/**
 * The tamper evidence of the log: {@code hash = hex(SHA-256(UTF-8(previousHash + canonical(record))))}.
 * <p>
 * {@code canonical(record)} is a JSON object without whitespace whose keys are sorted by code point, at every
 * nesting level: {@code action, actor, application, details, homeTenant, invitationId, occurredAt, outcome,
 * recordId, recordedAt, resourceTenant, sequence, sourceEventId, sourceType, tenants}. Absent values are
 * {@code null}; {@code sequence} is a JSON number; times are ISO-8601 UTC ({@link java.time.Instant#toString()},
 * microsecond precision as stored); {@code tenants} keeps its stored order; {@code actor} and {@code details} are
 * the stored JSON with their object keys sorted. {@code previousHash} and {@code hash} are not part of it.
 * The first record's previousHash is 64 zeros.
 * <p>
 * The same canonical form, without any chain link, is the record's entry in the Merkle tree (issue #9,
 * docs/audit.md): {@code leafHash = SHA-256(0x00 || UTF-8(canonical(record)))}, see {@link #leafHash(String)}.
 * <p>
 * The domain-free part (sorted keys, no whitespace, the time format) is platform {@link CanonicalJson}, which the
 * offline verifier uses too; this class only knows which fields a record has.
 */
public final class AuditHasher {

    public static final String GENESIS = "0".repeat(64);

    private AuditHasher() {
    }

    /**
     * @param record a stored record (its {@code actor} and {@code details} are parsed from their JSON text)
     * @return the lower-case hex SHA-256 of {@code previousHash + canonical(record)}
     * @throws IllegalStateException when actor or details is not JSON
     */
    public static String hash(AuditRecordEntity record) {
        return sha256(record.previousHash + canonical(record, json(record.actor), json(record.details)));
    }

    /**
     * The same hash for a record being appended, from the JSON it was built from, without parsing its text again.
     *
     * @param actor   the JSON tree whose text is {@code record.actor} (null when absent)
     * @param details the JSON tree whose text is {@code record.details}
     * @return equal to {@link #hash(AuditRecordEntity)} of the stored record
     */
    public static String hash(AuditRecordEntity record, JsonNode actor, JsonNode details) {
        return sha256(record.previousHash + canonical(record, tree(actor), tree(details)));
    }

    /**
     * @param r a stored record (its {@code actor} and {@code details} are parsed from their JSON text)
     * @return its canonical JSON text (see the class comment)
     * @throws IllegalStateException when actor or details is not JSON
     */
    public static String canonical(AuditRecordEntity r) {
        return canonical(r, json(r.actor), json(r.details));
    }

    /**
     * The canonical form of a record being appended, from the JSON trees it was built from (no second parse).
     *
     * @param actor   the JSON tree whose text is {@code r.actor} (null when absent)
     * @param details the JSON tree whose text is {@code r.details}
     * @return equal to {@link #canonical(AuditRecordEntity)} of the stored record
     */
    public static String canonical(AuditRecordEntity r, JsonNode actor, JsonNode details) {
        return canonical(r, tree(actor), tree(details));
    }

    /**
     * The chain link of a record from its canonical form.
     *
     * @param previousHash the hash of the record before (64 hex digits; {@link #GENESIS} for the first)
     * @param canonical    {@link #canonical(AuditRecordEntity)} of the record
     * @return {@code hex(SHA-256(UTF-8(previousHash + canonical)))}, lower case
     */
    public static String chainHash(String previousHash, String canonical) {
        return sha256(previousHash + canonical);
    }

    /**
     * The record's RFC 9162 leaf hash (docs/audit.md, "Canonical record bytes").
     *
     * @param canonical {@link #canonical(AuditRecordEntity)} of the record
     * @return {@code SHA-256(0x00 || UTF-8(canonical))}, 32 bytes
     */
    public static byte[] leafHash(String canonical) {
        return MerkleHash.leaf(canonical.getBytes(StandardCharsets.UTF_8));
    }

    private static String canonical(AuditRecordEntity r, Object actor, Object details) {
        try {
            return CanonicalJson.write(fields(r, actor, details));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("cannot serialise an audit record", e);
        }
    }

    /**
     * The record's entry in the tree as plain values (maps, lists, strings, numbers, null), keys sorted: what the
     * export serves as a record line's {@code record} (with {@code leafIndex} and the chain hashes beside it), so that
     * everything an export shows of a record is covered by its leaf hash.
     *
     * @param r a stored record whose body is not pruned
     * @return its canonical fields; {@code CanonicalJson.write} of it is {@link #canonical(AuditRecordEntity)}
     * @throws IllegalStateException when actor or details is not JSON
     */
    public static Map<String, Object> entry(AuditRecordEntity r) {
        return fields(r, json(r.actor), json(r.details));
    }

    private static Map<String, Object> fields(AuditRecordEntity r, Object actor, Object details) {
        Map<String, Object> fields = new TreeMap<>();
        fields.put("action", r.action);
        fields.put("actor", actor);
        fields.put("application", r.application);
        fields.put("details", details);
        fields.put("homeTenant", r.homeTenant);
        fields.put("invitationId", r.invitationId);
        fields.put("occurredAt", CanonicalJson.instant(r.occurredAt));
        fields.put("outcome", r.outcome);
        fields.put("recordId", r.recordId == null ? null : r.recordId.toString());
        fields.put("recordedAt", CanonicalJson.instant(r.recordedAt));
        fields.put("resourceTenant", r.resourceTenant);
        fields.put("sequence", r.sequence);
        fields.put("sourceEventId", r.sourceEventId == null ? null : r.sourceEventId.toString());
        fields.put("sourceType", r.sourceType);
        fields.put("tenants", r.tenants == null ? null : Arrays.asList(r.tenants));
        return fields;
    }

    /** A tree as the plain Maps/Lists/numbers that parsing its text would give (Jackson's own conversion). */
    private static Object tree(JsonNode node) {
        try {
            return CanonicalJson.plain(node);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("cannot convert a JSON tree", e);
        }
    }

    private static Object json(String text) {
        try {
            // plain Maps/Lists so that the canonical form sorts every level
            return CanonicalJson.plain(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("stored JSON is not JSON", e);
        }
    }

    static String sha256(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
