package org.crosstenant.platform.tlog;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The hashes of an RFC 9162 (Certificate Transparency 2.0, section 2.1.1) Merkle tree with SHA-256: a leaf is
 * {@code SHA-256(0x00 || entry)}, an interior node {@code SHA-256(0x01 || left || right)}, the empty tree
 * {@code SHA-256()} (no input). The distinct prefixes keep a leaf from passing for a node (second-preimage
 * resistance). Every hash is {@value #SIZE} bytes.
 */
public final class MerkleHash {

    /** Bytes of every hash (SHA-256). */
    public static final int SIZE = 32;

    private static final byte LEAF_PREFIX = 0x00;
    private static final byte NODE_PREFIX = 0x01;

    private MerkleHash() {
    }

    /**
     * The leaf hash of one log entry.
     *
     * @param entry the entry's bytes exactly as logged (not null; may be empty)
     * @return {@code SHA-256(0x00 || entry)}, {@value #SIZE} bytes
     */
    public static byte[] leaf(byte[] entry) {
        MessageDigest digest = sha256();
        digest.update(LEAF_PREFIX);
        digest.update(entry);
        return digest.digest();
    }

    /**
     * The hash of an interior node.
     *
     * @param left  the left child's hash ({@value #SIZE} bytes)
     * @param right the right child's hash ({@value #SIZE} bytes)
     * @return {@code SHA-256(0x01 || left || right)}
     * @throws IllegalArgumentException when a child is not {@value #SIZE} bytes
     */
    public static byte[] node(byte[] left, byte[] right) {
        if (left.length != SIZE || right.length != SIZE) {
            throw new IllegalArgumentException("a child hash is " + (left.length != SIZE ? left.length : right.length)
                    + " bytes, not " + SIZE);
        }
        MessageDigest digest = sha256();
        digest.update(NODE_PREFIX);
        digest.update(left);
        digest.update(right);
        return digest.digest();
    }

    /** @return the root hash of the empty tree, {@code SHA-256()} of no input */
    public static byte[] emptyRoot() {
        return sha256().digest();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
