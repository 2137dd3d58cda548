package org.crosstenant.platform.tlog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * {@link MerkleProofs} and {@link InMemoryMerkleTree} against RFC 9162's definitions, written here the plain
 * recursive way (MTH over the entries), for every tree up to {@value #MAX} leaves: roots agree, every proof made
 * verifies, and every proof bent (a bit, another leaf or index, a hash more or less, swapped sizes, another root)
 * is refused. (A proof for size n may also fit size n + 1 with the same root: hashes alone cannot tell; the signed
 * checkpoint binds the size to its root.)
 */
class MerkleProofsTest {

    static final int MAX = 40;

    @Test
    void theEmptyTreeAndOneLeafAreAsTheRfcDefinesThem() {
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                HexFormat.of().formatHex(new InMemoryMerkleTree().root()));
        // RFC 6962 test leaf 0 is the empty entry: SHA-256(0x00)
        assertEquals("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                HexFormat.of().formatHex(MerkleHash.leaf(new byte[0])));
        InMemoryMerkleTree one = new InMemoryMerkleTree();
        one.append(MerkleHash.leaf(new byte[0]));
        assertArrayEquals(MerkleHash.leaf(new byte[0]), one.root());
    }

    @Test
    void rootsAgreeWithTheRecursiveDefinition() {
        List<byte[]> entries = entries(65);
        InMemoryMerkleTree tree = new InMemoryMerkleTree();
        for (int n = 0; n <= entries.size(); n++) {
            assertArrayEquals(mth(entries.subList(0, n)), tree.root(), "size " + n);
            assertArrayEquals(mth(entries.subList(0, n)), MerkleProofs.root(tree, n), "size " + n);
            if (n < entries.size()) {
                assertEquals(n, tree.append(MerkleHash.leaf(entries.get(n))));
            }
        }
    }

    @Test
    void everyInclusionProofVerifiesAndEveryBentOneIsRefused() {
        List<byte[]> entries = entries(MAX);
        InMemoryMerkleTree tree = treeOf(entries);
        for (int size = 1; size <= MAX; size++) {
            byte[] root = MerkleProofs.root(tree, size);
            for (int index = 0; index < size; index++) {
                byte[] leaf = MerkleHash.leaf(entries.get(index));
                List<byte[]> proof = MerkleProofs.inclusionProof(tree, index, size);
                MerkleProofs.verifyInclusion(index, size, leaf, proof, root);
                String at = index + " of " + size;
                long i0 = index;
                long s0 = size;
                for (int i = 0; i < proof.size(); i++) {
                    List<byte[]> bent = flipBit(proof, i);
                    assertThrows(InvalidProofException.class,
                            () -> MerkleProofs.verifyInclusion(i0, s0, leaf, bent, root), at);
                }
                if (size > 1) {
                    int other = (index + 1) % size;
                    assertThrows(InvalidProofException.class, () -> MerkleProofs.verifyInclusion(other, s0,
                            leaf, proof, root), at + " as leaf " + other);
                }
                List<byte[]> longer = new ArrayList<>(proof);
                longer.add(root);
                assertThrows(InvalidProofException.class,
                        () -> MerkleProofs.verifyInclusion(i0, s0, leaf, longer, root), at);
                if (!proof.isEmpty()) {
                    List<byte[]> shorter = proof.subList(0, proof.size() - 1);
                    assertThrows(InvalidProofException.class,
                            () -> MerkleProofs.verifyInclusion(i0, s0, leaf, shorter, root), at);
                }
                assertThrows(InvalidProofException.class, () -> MerkleProofs.verifyInclusion(i0, s0,
                        MerkleHash.leaf("not logged".getBytes(StandardCharsets.UTF_8)), proof, root), at);
            }
        }
    }

    @Test
    void everyConsistencyProofVerifiesAndEveryBentOneIsRefused() {
        InMemoryMerkleTree tree = treeOf(entries(MAX));
        for (int size2 = 1; size2 <= MAX; size2++) {
            byte[] root2 = MerkleProofs.root(tree, size2);
            for (int size1 = 1; size1 <= size2; size1++) {
                byte[] root1 = MerkleProofs.root(tree, size1);
                List<byte[]> proof = MerkleProofs.consistencyProof(tree, size1, size2);
                MerkleProofs.verifyConsistency(size1, size2, root1, root2, proof);
                long s1 = size1;
                long s2 = size2;
                for (int i = 0; i < proof.size(); i++) {
                    List<byte[]> bent = flipBit(proof, i);
                    assertThrows(InvalidProofException.class,
                            () -> MerkleProofs.verifyConsistency(s1, s2, root1, root2, bent), s1 + "→" + s2);
                }
                // another history of the same size: the newer root does not extend the older one
                byte[] forged = root2.clone();
                forged[0] ^= 1;
                assertThrows(InvalidProofException.class,
                        () -> MerkleProofs.verifyConsistency(s1, s2, root1, forged, proof), s1 + "→" + s2);
                if (size1 < size2) {
                    assertThrows(InvalidProofException.class,
                            () -> MerkleProofs.verifyConsistency(s2, s1, root2, root1, proof), s2 + "→" + s1);
                }
            }
        }
    }

    @Test
    void impossibleSizesAndHashesAreRefusedWithAReason() {
        byte[] hash = MerkleHash.leaf(new byte[0]);
        InvalidProofException huge = assertThrows(InvalidProofException.class,
                () -> MerkleProofs.verifyInclusion(-1L, 5, hash, List.of(), hash));
        assertTrue(huge.getMessage().contains("18446744073709551615"), huge.getMessage());
        assertThrows(InvalidProofException.class, () -> MerkleProofs.verifyInclusion(0, 0, hash, List.of(), hash));
        assertThrows(InvalidProofException.class,
                () -> MerkleProofs.verifyInclusion(0, 1, new byte[0], List.of(), new byte[0]));
        assertThrows(InvalidProofException.class, () -> MerkleProofs.verifyConsistency(0, 0, hash, hash, List.of()));
        InvalidProofException split = assertThrows(InvalidProofException.class,
                () -> MerkleProofs.verifyConsistency(3, 3, hash, MerkleHash.leaf(new byte[1]), List.of()));
        assertTrue(split.getMessage().contains("split view"), split.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MerkleProofs.inclusionProof(treeOf(entries(2)), 2, 2));
        assertThrows(IllegalArgumentException.class, () -> MerkleProofs.consistencyProof(treeOf(entries(2)), 0, 2));
        assertThrows(IllegalArgumentException.class, () -> new InMemoryMerkleTree().append(new byte[31]));
    }

    /** Distinct entries of varied lengths, the first one empty (as RFC 6962's test leaves). */
    static List<byte[]> entries(int count) {
        List<byte[]> entries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            entries.add(i == 0 ? new byte[0] : ("entry " + i).repeat(i % 3 + 1).getBytes(StandardCharsets.UTF_8));
        }
        return entries;
    }

    static InMemoryMerkleTree treeOf(List<byte[]> entries) {
        InMemoryMerkleTree tree = new InMemoryMerkleTree();
        entries.forEach(e -> tree.append(MerkleHash.leaf(e)));
        return tree;
    }

    /** RFC 9162 2.1.1 MTH, as written there: the reference the tree is held to. */
    static byte[] mth(List<byte[]> entries) {
        int n = entries.size();
        if (n == 0) {
            return MerkleHash.emptyRoot();
        }
        if (n == 1) {
            return MerkleHash.leaf(entries.get(0));
        }
        int k = Integer.highestOneBit(n - 1);
        return MerkleHash.node(mth(entries.subList(0, k)), mth(entries.subList(k, n)));
    }

    private static List<byte[]> flipBit(List<byte[]> proof, int element) {
        List<byte[]> bent = new ArrayList<>();
        for (byte[] hash : proof) {
            bent.add(hash.clone());
        }
        bent.get(element)[7] ^= 0x10;
        return bent;
    }
}
