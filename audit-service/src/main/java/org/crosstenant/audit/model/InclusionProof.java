package org.crosstenant.audit.model;

import java.util.List;

/**
 * RFC 9162 inclusion proof of one record, as {@code GET /api/v1/audit/records/{sequence}/proof} answers it; hashes
 * are standard base64 of 32 bytes.
 *
 * @param leafIndex the record's leaf ({@code sequence - 1})
 * @param treeSize  the size of the signed checkpoint the proof is for
 * @param leafHash  {@code SHA-256(0x00 || canonical record bytes)}
 * @param rootHash  that checkpoint's root
 * @param proof     the audit path, from the leaf upwards
 */
public record InclusionProof(long leafIndex, long treeSize, String leafHash, String rootHash, List<String> proof) {
}
