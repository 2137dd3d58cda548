package org.crosstenant.audit.model;

import java.time.Instant;

/**
 * A signed checkpoint as stored.
 *
 * @param treeSize leaves the checkpoint covers
 * @param rootHash the tree's RFC 9162 root at that size (32 bytes)
 * @param note     the C2SP signed note (checkpoint text, blank line, signature lines), UTF-8 text
 * @param signedAt when it was signed
 */
public record StoredCheckpoint(long treeSize, byte[] rootHash, String note, Instant signedAt) {
}
