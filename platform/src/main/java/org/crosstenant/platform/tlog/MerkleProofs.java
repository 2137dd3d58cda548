package org.crosstenant.platform.tlog;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Roots, inclusion proofs and consistency proofs of an RFC 9162 Merkle tree (section 2.1), made from a log's
 * {@link PerfectSubtrees} and checked by anyone who holds only hashes.
 * <p>
 * Making them follows the definitions of section 2.1.1 (MTH), 2.1.3.1 (PATH) and 2.1.4.1 (SUBPROOF): a range of
 * {@code n > 1} leaves splits at {@code k}, the largest power of two below {@code n}; the left part is then a perfect
 * subtree aligned on its size, so every hash needed is one stored perfect subtree or a combination of them. Sizes and
 * indexes here are leaf counts, {@code long}, at most {@link Long#MAX_VALUE}.
 * <p>
 * Checking follows the verification algorithms of sections 2.1.3.2 and 2.1.4.2, with sizes and indexes read as
 * unsigned 64-bit numbers (a proof may come from anywhere); besides what the RFC checks, every proof element, leaf
 * hash and root must be {@value MerkleHash#SIZE} bytes, and a consistency proof from the empty tree is refused (it
 * proves nothing). Failures throw {@link InvalidProofException} naming the failed check.
 */
public final class MerkleProofs {

    private MerkleProofs() {
    }

    // ---------------------------------------------------------------- making

    /**
     * The root hash of the tree's first {@code size} leaves, RFC 9162 MTH(D[size]).
     *
     * @param tree the log's perfect subtrees, covering at least {@code size} leaves
     * @param size leaves, {@code >= 0}; 0 gives {@link MerkleHash#emptyRoot()}
     * @return the {@value MerkleHash#SIZE}-byte root
     * @throws IllegalArgumentException for a negative size
     */
    public static byte[] root(PerfectSubtrees tree, long size) {
        if (size < 0) {
            throw new IllegalArgumentException("tree size " + size + " is negative");
        }
        return size == 0 ? MerkleHash.emptyRoot() : rangeHash(tree, 0, size);
    }

    /**
     * The inclusion proof of leaf {@code index} in the tree of {@code size} leaves, RFC 9162 PATH(index, D[size]):
     * sibling hashes from the leaf upwards.
     *
     * @param tree  the log's perfect subtrees, covering at least {@code size} leaves
     * @param index the leaf, {@code 0 <= index < size}
     * @param size  the tree size the proof is for
     * @return the proof's hashes, in order (empty for a one-leaf tree)
     * @throws IllegalArgumentException when {@code index} is not a leaf of that tree
     */
    public static List<byte[]> inclusionProof(PerfectSubtrees tree, long index, long size) {
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException("leaf " + index + " is not in a tree of " + size + " leaves");
        }
        List<byte[]> proof = new ArrayList<>();
        path(tree, index, 0, size, proof);
        return proof;
    }

    /**
     * The consistency proof between the trees of {@code size1} and {@code size2} leaves, RFC 9162
     * SUBPROOF(size1, D[size2], true): empty when the sizes are equal.
     *
     * @param tree  the log's perfect subtrees, covering at least {@code size2} leaves
     * @param size1 the older tree's size, {@code 0 < size1 <= size2}
     * @param size2 the newer tree's size
     * @return the proof's hashes, in order
     * @throws IllegalArgumentException when the sizes are not {@code 0 < size1 <= size2}
     */
    public static List<byte[]> consistencyProof(PerfectSubtrees tree, long size1, long size2) {
        if (size1 <= 0 || size1 > size2) {
            throw new IllegalArgumentException("no consistency proof from " + size1 + " to " + size2
                    + " leaves: the sizes must be 0 < size1 <= size2");
        }
        List<byte[]> proof = new ArrayList<>();
        subproof(tree, size1, 0, size2, true, proof);
        return proof;
    }

    /** PATH(m, D[start:start+n]), appended to {@code out} (RFC 9162 2.1.3.1; deepest sibling first). */
    private static void path(PerfectSubtrees tree, long m, long start, long n, List<byte[]> out) {
        if (n == 1) {
            return;
        }
        long k = largestPowerOfTwoBelow(n);
        if (m < k) {
            path(tree, m, start, k, out);
            out.add(rangeHash(tree, start + k, n - k));
        } else {
            path(tree, m - k, start + k, n - k, out);
            out.add(rangeHash(tree, start, k));
        }
    }

    /** SUBPROOF(m, D[start:start+n], complete), appended to {@code out} (RFC 9162 2.1.4.1). */
    private static void subproof(PerfectSubtrees tree, long m, long start, long n, boolean complete,
            List<byte[]> out) {
        if (m == n) {
            if (!complete) {
                out.add(rangeHash(tree, start, n));
            }
            return;
        }
        long k = largestPowerOfTwoBelow(n);
        if (m <= k) {
            subproof(tree, m, start, k, complete, out);
            out.add(rangeHash(tree, start + k, n - k));
        } else {
            subproof(tree, m - k, start + k, n - k, false, out);
            out.add(rangeHash(tree, start, k));
        }
    }

    /** MTH of the {@code n >= 1} leaves from {@code start}: one perfect subtree when aligned, else split. */
    private static byte[] rangeHash(PerfectSubtrees tree, long start, long n) {
        if (Long.bitCount(n) == 1 && start % n == 0) {
            return tree.hash(Long.numberOfTrailingZeros(n), start / n);
        }
        long k = largestPowerOfTwoBelow(n);
        return MerkleHash.node(rangeHash(tree, start, k), rangeHash(tree, start + k, n - k));
    }

    /** The largest power of two strictly below {@code n} ({@code n >= 2}): RFC 9162's split point k. */
    static long largestPowerOfTwoBelow(long n) {
        return Long.highestOneBit(n - 1);
    }

    // ---------------------------------------------------------------- checking

    /**
     * Checks that {@code leafHash} is leaf {@code leafIndex} of the tree of {@code treeSize} leaves whose root is
     * {@code root} (RFC 9162 2.1.3.2).
     *
     * @param leafIndex the leaf's index, unsigned
     * @param treeSize  the tree's size, unsigned
     * @param leafHash  {@link MerkleHash#leaf} of the entry
     * @param proof     the inclusion proof, leaf upwards (null is read as empty)
     * @param root      the root of that tree, e.g. from a signed checkpoint
     * @throws InvalidProofException naming the failed check
     */
    public static void verifyInclusion(long leafIndex, long treeSize, byte[] leafHash, List<byte[]> proof,
            byte[] root) {
        if (Long.compareUnsigned(leafIndex, treeSize) >= 0) {
            throw new InvalidProofException("leaf index " + Long.toUnsignedString(leafIndex)
                    + " is not below the tree size " + Long.toUnsignedString(treeSize));
        }
        requireHash("the leaf hash", leafHash);
        requireHash("the root", root);
        List<byte[]> path = proof == null ? List.of() : proof;
        for (int i = 0; i < path.size(); i++) {
            requireHash("proof element " + i, path.get(i));
        }
        long fn = leafIndex;
        long sn = treeSize - 1;
        byte[] r = leafHash;
        for (byte[] p : path) {
            if (sn == 0) {
                throw new InvalidProofException("the proof has more hashes than a tree of "
                        + Long.toUnsignedString(treeSize) + " leaves needs");
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = MerkleHash.node(p, r);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>>= 1;
                    sn >>>= 1;
                }
            } else {
                r = MerkleHash.node(r, p);
            }
            fn >>>= 1;
            sn >>>= 1;
        }
        if (sn != 0) {
            throw new InvalidProofException("the proof has fewer hashes than a tree of "
                    + Long.toUnsignedString(treeSize) + " leaves needs");
        }
        if (!MessageDigest.isEqual(r, root)) {
            throw new InvalidProofException("the proof does not lead to the root: leaf "
                    + Long.toUnsignedString(leafIndex) + " is not in that tree");
        }
    }

    /**
     * Checks that the tree of {@code size2} leaves with root {@code root2} extends the tree of {@code size1} leaves
     * with root {@code root1}, i.e. the log only grew (RFC 9162 2.1.4.2). Equal sizes need an empty proof and equal
     * roots.
     *
     * @param size1 the older tree's size, unsigned, {@code > 0}
     * @param size2 the newer tree's size, unsigned, {@code >= size1}
     * @param root1 the older root
     * @param root2 the newer root
     * @param proof the consistency proof (null is read as empty)
     * @throws InvalidProofException naming the failed check
     */
    public static void verifyConsistency(long size1, long size2, byte[] root1, byte[] root2, List<byte[]> proof) {
        List<byte[]> given = proof == null ? List.of() : proof;
        if (Long.compareUnsigned(size2, size1) < 0) {
            throw new InvalidProofException("the newer tree (" + Long.toUnsignedString(size2)
                    + " leaves) is smaller than the older one (" + Long.toUnsignedString(size1) + ")");
        }
        if (size1 == 0) {
            throw new InvalidProofException("a consistency proof from the empty tree proves nothing");
        }
        if (size1 == size2) {
            if (!given.isEmpty()) {
                throw new InvalidProofException("trees of equal size need an empty consistency proof");
            }
            if (!MessageDigest.isEqual(root1, root2)) {
                throw new InvalidProofException("two trees of " + Long.toUnsignedString(size1)
                        + " leaves with different roots: a split view");
            }
            return;
        }
        if (given.isEmpty()) {
            throw new InvalidProofException("the consistency proof is empty");
        }
        requireHash("the older root", root1);
        requireHash("the newer root", root2);
        for (int i = 0; i < given.size(); i++) {
            requireHash("proof element " + i, given.get(i));
        }
        List<byte[]> path = new ArrayList<>(given.size() + 1);
        if (Long.bitCount(size1) == 1) {
            path.add(root1);
        }
        path.addAll(given);
        long fn = size1 - 1;
        long sn = size2 - 1;
        while ((fn & 1) == 1) {
            fn >>>= 1;
            sn >>>= 1;
        }
        byte[] fr = path.get(0);
        byte[] sr = path.get(0);
        for (byte[] c : path.subList(1, path.size())) {
            if (sn == 0) {
                throw new InvalidProofException("the proof has more hashes than these sizes need");
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = MerkleHash.node(c, fr);
                sr = MerkleHash.node(c, sr);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>>= 1;
                    sn >>>= 1;
                }
            } else {
                sr = MerkleHash.node(sr, c);
            }
            fn >>>= 1;
            sn >>>= 1;
        }
        if (sn != 0) {
            throw new InvalidProofException("the proof has fewer hashes than these sizes need");
        }
        if (!MessageDigest.isEqual(fr, root1)) {
            throw new InvalidProofException("the proof does not lead to the older root");
        }
        if (!MessageDigest.isEqual(sr, root2)) {
            throw new InvalidProofException("the proof does not lead to the newer root: the log did not only grow");
        }
    }

    private static void requireHash(String what, byte[] hash) {
        if (hash == null || hash.length != MerkleHash.SIZE) {
            throw new InvalidProofException(what + " is " + (hash == null ? "missing" : hash.length + " bytes")
                    + ", not a " + MerkleHash.SIZE + "-byte SHA-256 hash");
        }
    }
}
