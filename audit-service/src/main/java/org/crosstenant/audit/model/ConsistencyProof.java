package org.crosstenant.audit.model;

import java.util.List;

/**
 * RFC 9162 consistency proof between two signed checkpoints, as {@code GET /api/v1/audit/consistency} answers it.
 *
 * @param from  the older checkpoint's tree size
 * @param to    the newer checkpoint's tree size
 * @param proof the proof's hashes, standard base64 of 32 bytes each (empty when the sizes are equal)
 */
public record ConsistencyProof(long from, long to, List<String> proof) {
}
