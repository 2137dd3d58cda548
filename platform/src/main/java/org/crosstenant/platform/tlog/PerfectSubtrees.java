package org.crosstenant.platform.tlog;

/**
 * Where a log keeps its tree: the hash of each perfect subtree, i.e. of {@code 2^level} consecutive leaves starting at
 * leaf {@code index * 2^level}. Such a subtree never changes once its last leaf is appended, so a log can store each
 * as it completes; every root and proof of RFC 9162 section 2.1 is made of these hashes only (the left part of every
 * split is one of them, and the right part splits again the same way), see {@link MerkleProofs}.
 */
@FunctionalInterface
public interface PerfectSubtrees {

    /**
     * @param level the subtree's height: 0 for one leaf (its leaf hash), {@code k} for {@code 2^k} leaves
     * @param index which subtree of that height, counting from 0 at the tree's left edge
     * @return its {@value MerkleHash#SIZE}-byte hash; only asked for subtrees whose leaves are all in the tree
     */
    byte[] hash(int level, long index);
}
