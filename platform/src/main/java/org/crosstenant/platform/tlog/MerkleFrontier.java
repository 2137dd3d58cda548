package org.crosstenant.platform.tlog;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The right edge of an RFC 9162 Merkle tree: for a tree of {@code size} leaves, the hashes of the perfect subtrees
 * that the set bits of {@code size} stand for (one per set bit, highest level first). That is all a log must keep to
 * append and to compute the current root; every perfect subtree an append completes is reported so that the log can
 * store it ({@link PerfectSubtrees}). Not thread-safe.
 */
public final class MerkleFrontier {

    /** A perfect subtree an append completed: {@code 2^level} leaves from leaf {@code index * 2^level}. */
    public record Node(int level, long index, byte[] hash) {
    }

    private long size;
    /** byLevel[l]: the pending perfect subtree of 2^l leaves (bit l of size set), else null. */
    private final byte[][] byLevel = new byte[64][];

    /** An empty tree. */
    public MerkleFrontier() {
    }

    /**
     * @return the frontier of a tree of {@code size} leaves from its {@link #encode() encoding}
     * @throws IllegalArgumentException when the encoding does not hold {@code bitCount(size)} hashes
     */
    public static MerkleFrontier decode(long size, byte[] encoded) {
        if (size < 0 || encoded.length != Long.bitCount(size) * MerkleHash.SIZE) {
            throw new IllegalArgumentException("a frontier of " + size + " leaves is " + Long.bitCount(Math.max(size, 0))
                    * MerkleHash.SIZE + " bytes, not " + encoded.length);
        }
        MerkleFrontier frontier = new MerkleFrontier();
        frontier.size = size;
        int offset = 0;
        for (int level = 63; level >= 0; level--) {
            if ((size >>> level & 1) == 1) {
                frontier.byLevel[level] = Arrays.copyOfRange(encoded, offset, offset + MerkleHash.SIZE);
                offset += MerkleHash.SIZE;
            }
        }
        return frontier;
    }

    /** @return the hashes of the frontier, highest level first, concatenated ({@code 32 * bitCount(size)} bytes) */
    public byte[] encode() {
        byte[] out = new byte[Long.bitCount(size) * MerkleHash.SIZE];
        int offset = 0;
        for (int level = 63; level >= 0; level--) {
            if (byLevel[level] != null) {
                System.arraycopy(byLevel[level], 0, out, offset, MerkleHash.SIZE);
                offset += MerkleHash.SIZE;
            }
        }
        return out;
    }

    /** @return leaves in the tree */
    public long size() {
        return size;
    }

    /**
     * Appends one leaf.
     *
     * @param leafHash  its {@link MerkleHash#leaf} hash (32 bytes)
     * @param completed receives every perfect subtree this append completes, the leaf itself (level 0) first, then
     *                  upwards
     * @throws IllegalArgumentException when the hash is not 32 bytes
     */
    public void append(byte[] leafHash, List<Node> completed) {
        if (leafHash.length != MerkleHash.SIZE) {
            throw new IllegalArgumentException("a leaf hash is " + MerkleHash.SIZE + " bytes, not " + leafHash.length);
        }
        long index = size;
        byte[] carry = leafHash.clone();
        completed.add(new Node(0, index, carry));
        int level = 0;
        while ((index >>> level & 1) == 1) {
            carry = MerkleHash.node(byLevel[level], carry);
            byLevel[level] = null;
            level++;
            completed.add(new Node(level, index >>> level, carry));
        }
        byLevel[level] = carry;
        size++;
    }

    /** @return MTH of all leaves ({@link MerkleHash#emptyRoot()} when empty): the frontier folded from the right */
    public byte[] root() {
        byte[] root = null;
        for (int level = 0; level < 64; level++) {
            if (byLevel[level] != null) {
                root = root == null ? byLevel[level] : MerkleHash.node(byLevel[level], root);
            }
        }
        return root == null ? MerkleHash.emptyRoot() : root.clone();
    }

    /** @return the perfect subtrees of the frontier, highest level first (a copy) */
    public List<Node> nodes() {
        List<Node> nodes = new ArrayList<>();
        for (int level = 63; level >= 0; level--) {
            if (byLevel[level] != null) {
                nodes.add(new Node(level, (size >>> level) - 1, byLevel[level].clone()));
            }
        }
        return nodes;
    }
}
