package org.crosstenant.platform.tlog;

import java.util.ArrayList;
import java.util.List;

/**
 * A Merkle tree held in memory, for verifiers and tests: it keeps every perfect subtree's hash as it completes (about
 * two hashes per leaf), so an append costs O(1) amortised and a root or proof O(log n) hash operations
 * ({@link MerkleProofs}). Not thread-safe.
 */
public final class InMemoryMerkleTree implements PerfectSubtrees {

    /** levels.get(l).get(i): the hash of the i-th perfect subtree of 2^l leaves. */
    private final List<List<byte[]>> levels = new ArrayList<>();

    /**
     * Appends one leaf.
     *
     * @param leafHash its {@link MerkleHash#leaf} hash ({@value MerkleHash#SIZE} bytes)
     * @return the leaf's index
     * @throws IllegalArgumentException when the hash is not {@value MerkleHash#SIZE} bytes
     */
    public long append(byte[] leafHash) {
        if (leafHash.length != MerkleHash.SIZE) {
            throw new IllegalArgumentException("a leaf hash is " + MerkleHash.SIZE + " bytes, not " + leafHash.length);
        }
        long index = size();
        byte[] carry = leafHash.clone();
        for (int level = 0; ; level++) {
            if (levels.size() == level) {
                levels.add(new ArrayList<>());
            }
            List<byte[]> row = levels.get(level);
            row.add(carry);
            if (row.size() % 2 == 1) {
                return index;
            }
            // this append completed a subtree one level up
            carry = MerkleHash.node(row.get(row.size() - 2), carry);
        }
    }

    /** @return leaves appended so far */
    public long size() {
        return levels.isEmpty() ? 0 : levels.get(0).size();
    }

    @Override
    public byte[] hash(int level, long index) {
        return levels.get(level).get(Math.toIntExact(index)).clone();
    }

    /** @return MTH of every leaf so far ({@link MerkleProofs#root}) */
    public byte[] root() {
        return MerkleProofs.root(this, size());
    }
}
