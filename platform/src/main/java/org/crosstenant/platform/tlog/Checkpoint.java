package org.crosstenant.platform.tlog;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A transparency log checkpoint's note text (C2SP tlog-checkpoint v1.0.0): the log's origin, its tree size and the
 * RFC 9162 root hash at that size, one per line, then optional extension lines; each line ends in a newline. Signed
 * and cosigned as a {@link SignedNote}.
 *
 * @param origin     the log's identity, e.g. {@code crosstenant.example/audit}: not empty, no control character
 * @param size       leaves in the tree, {@code >= 0}
 * @param rootHash   the tree's {@value MerkleHash#SIZE}-byte root hash ({@link MerkleProofs#root})
 * @param extensions extension lines (not recommended by the spec; empty here), each non-empty
 */
public record Checkpoint(String origin, long size, byte[] rootHash, List<String> extensions) {

    /**
     * @throws InvalidNoteException for an empty origin, a negative size, a root that is not 32 bytes, a line holding a
     *                              newline or an empty extension
     */
    public Checkpoint {
        if (origin == null || origin.isEmpty() || origin.indexOf('\n') >= 0) {
            throw new InvalidNoteException("a checkpoint's origin is one non-empty line");
        }
        if (size < 0) {
            throw new InvalidNoteException("a checkpoint's tree size is not negative");
        }
        if (rootHash == null || rootHash.length != MerkleHash.SIZE) {
            throw new InvalidNoteException("a checkpoint's root hash is " + MerkleHash.SIZE + " bytes");
        }
        rootHash = rootHash.clone();
        extensions = List.copyOf(extensions);
        for (String extension : extensions) {
            if (extension.isEmpty() || extension.indexOf('\n') >= 0) {
                throw new InvalidNoteException("a checkpoint's extension lines are non-empty single lines");
            }
        }
    }

    /** A checkpoint without extension lines. */
    public Checkpoint(String origin, long size, byte[] rootHash) {
        this(origin, size, rootHash, List.of());
    }

    @Override
    public byte[] rootHash() {
        return rootHash.clone();
    }

    /** @return the note text: origin, size (decimal), base64 root, extensions, each line ending in a newline */
    public String text() {
        StringBuilder text = new StringBuilder(origin).append('\n').append(size).append('\n')
                .append(Base64.getEncoder().encodeToString(rootHash)).append('\n');
        extensions.forEach(e -> text.append(e).append('\n'));
        return text.toString();
    }

    /**
     * Reads a checkpoint's note text strictly: a size in decimal without leading zeros (at most
     * {@link Long#MAX_VALUE}), a root in canonical standard base64 of 32 bytes.
     *
     * @param text a {@link SignedNote#text()}
     * @throws InvalidNoteException naming the line that is wrong
     */
    public static Checkpoint parse(String text) {
        if (!text.endsWith("\n")) {
            throw new InvalidNoteException("a checkpoint's text ends in a newline");
        }
        String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
        if (lines.length < 3) {
            throw new InvalidNoteException("a checkpoint has an origin, a tree size and a root hash line");
        }
        String size = lines[1];
        if (!size.matches("0|[1-9][0-9]{0,18}")) {
            throw new InvalidNoteException("a checkpoint's tree size is a decimal number without leading zeros");
        }
        long treeSize;
        try {
            treeSize = Long.parseLong(size);
        } catch (NumberFormatException e) {
            throw new InvalidNoteException("a checkpoint's tree size is at most " + Long.MAX_VALUE);
        }
        byte[] root;
        try {
            root = Base64.getDecoder().decode(lines[2]);
        } catch (IllegalArgumentException e) {
            throw new InvalidNoteException("a checkpoint's root hash is base64");
        }
        if (root.length != MerkleHash.SIZE || !Base64.getEncoder().encodeToString(root).equals(lines[2])) {
            throw new InvalidNoteException("a checkpoint's root hash is the canonical base64 of 32 bytes");
        }
        List<String> extensions = new ArrayList<>(List.of(lines).subList(3, lines.length));
        return new Checkpoint(lines[0], treeSize, root, extensions);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Checkpoint c && c.origin.equals(origin) && c.size == size
                && java.util.Arrays.equals(c.rootHash, rootHash) && c.extensions.equals(extensions);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * origin.hashCode() + Long.hashCode(size)) + java.util.Arrays.hashCode(rootHash);
    }
}
