package org.crosstenant.platform.tlog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * {@link MerkleFrontier} against {@link InMemoryMerkleTree}: same root after every append, the completed subtrees it
 * reports are exactly the tree's perfect subtrees (so a log storing them can make every proof), and the encoding
 * survives a round trip at every size.
 */
class MerkleFrontierTest {

    @Test
    void rootsAndCompletedSubtreesMatchTheInMemoryTreeUpTo300Leaves() {
        InMemoryMerkleTree reference = new InMemoryMerkleTree();
        MerkleFrontier frontier = new MerkleFrontier();
        Map<String, byte[]> stored = new HashMap<>();
        assertArrayEquals(MerkleHash.emptyRoot(), frontier.root());
        for (int i = 0; i < 300; i++) {
            byte[] leaf = MerkleHash.leaf(("entry " + i).getBytes(StandardCharsets.UTF_8));
            reference.append(leaf);
            List<MerkleFrontier.Node> completed = new ArrayList<>();
            // each append goes through the encoding, as the log's does (the frontier lives in a database row)
            MerkleFrontier restored = MerkleFrontier.decode(frontier.size(), frontier.encode());
            restored.append(leaf, completed);
            frontier = restored;
            assertEquals(1 + Integer.numberOfTrailingZeros(~i), completed.size(), "subtrees completed by leaf " + i);
            for (MerkleFrontier.Node node : completed) {
                assertArrayEquals(reference.hash(node.level(), node.index()), node.hash());
                stored.put(node.level() + "/" + node.index(), node.hash());
            }
            assertEquals(i + 1, frontier.size());
            assertArrayEquals(reference.root(), frontier.root(), "root of " + (i + 1) + " leaves");
            // the stored subtrees alone make the same root
            assertArrayEquals(reference.root(), MerkleProofs.root((l, x) -> stored.get(l + "/" + x), i + 1));
            for (MerkleFrontier.Node node : frontier.nodes()) {
                assertArrayEquals(stored.get(node.level() + "/" + node.index()), node.hash());
            }
        }
    }

    @Test
    void aBadEncodingIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> MerkleFrontier.decode(3, new byte[32]));
        assertThrows(IllegalArgumentException.class, () -> MerkleFrontier.decode(-1, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> new MerkleFrontier().append(new byte[31], new ArrayList<>()));
    }
}
