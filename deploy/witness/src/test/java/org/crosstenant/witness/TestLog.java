package org.crosstenant.witness;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import org.crosstenant.platform.tlog.Checkpoint;
import org.crosstenant.platform.tlog.InMemoryMerkleTree;
import org.crosstenant.platform.tlog.MerkleHash;
import org.crosstenant.platform.tlog.MerkleProofs;
import org.crosstenant.platform.tlog.NoteKey;
import org.crosstenant.platform.tlog.NoteSigner;
import org.crosstenant.platform.tlog.SignedNote;

/** A log for the tests: an in-memory tree, the log's key, and add-checkpoint bodies made from them. */
public final class TestLog {

    public static final String ORIGIN = "crosstenant.example/audit";
    /** Fixed keys, so that a Quarkus test profile and the test agree. */
    public static final NoteSigner LOG_KEY = NoteSigner.fromSeed(ORIGIN, NoteKey.ED25519, seed(1));
    public static final NoteSigner WITNESS_KEY = NoteSigner.fromSeed("contoso.example/witness", NoteKey.COSIGNATURE,
            seed(2));

    public final InMemoryMerkleTree tree = new InMemoryMerkleTree();
    private final String origin;
    private final NoteSigner key;

    public TestLog() {
        this(ORIGIN, LOG_KEY);
    }

    public TestLog(String origin, NoteSigner key) {
        this.origin = origin;
        this.key = key;
    }

    /** Appends {@code count} leaves ("leaf-<index>"). */
    public TestLog grow(int count) {
        for (int i = 0; i < count; i++) {
            tree.append(MerkleHash.leaf(("leaf-" + tree.size()).getBytes(StandardCharsets.UTF_8)));
        }
        return this;
    }

    /** The signed checkpoint of the current tree. */
    public SignedNote checkpoint() {
        return checkpoint(tree.size(), tree.root());
    }

    /** A checkpoint of any size and root, signed with this log's key (a split view when the root is not the tree's). */
    public SignedNote checkpoint(long size, byte[] root) {
        return SignedNote.sign(new Checkpoint(origin, size, root).text(), key);
    }

    /** The body that submits the current checkpoint with the consistency proof from {@code old}. */
    public String body(long old) {
        return body(old, old == 0 ? List.of() : MerkleProofs.consistencyProof(tree, old, tree.size()), checkpoint());
    }

    /** Any body. */
    public static String body(long old, List<byte[]> proof, SignedNote note) {
        StringBuilder body = new StringBuilder("old ").append(old).append('\n');
        proof.forEach(hash -> body.append(Base64.getEncoder().encodeToString(hash)).append('\n'));
        return body.append('\n').append(note.format()).toString();
    }

    private static byte[] seed(int value) {
        byte[] seed = new byte[32];
        java.util.Arrays.fill(seed, (byte) value);
        return seed;
    }
}
