package org.crosstenant.platform.tlog;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an export of a range of a Merkle log shows in full, as a statement the log signs (a signed-note text): the
 * log's origin, whose export it is ({@code subject}), the range of entries (1-based, both included), the checkpoint
 * every proof is against, and how many and which leaves are shown in full — the count and a SHA-256 over their leaf
 * indexes, each as 8 bytes big-endian, in order. The other leaves of the range are shown as leaf hashes only.
 * <p>
 * Why: a reader can prove every line of an export against the signed root, but not that a leaf shown as a bare hash
 * is not one it should have seen in full, nor that the range is the one asked for. With the log's signature over
 * this manifest, whoever holds the file cannot hide a shown leaf or narrow the range, and the log cannot do so
 * without signing a false statement. The text cannot be read as a C2SP checkpoint (its second line is not a number).
 * <pre>
 * crosstenant export manifest v1
 * origin &lt;origin&gt;
 * subject &lt;subject&gt;
 * range &lt;from&gt; &lt;to&gt;
 * tree &lt;size&gt; &lt;base64 root&gt;
 * shown &lt;count&gt; &lt;base64 SHA-256 of the shown leaf indexes&gt;
 * </pre>
 *
 * @param origin    the log's origin (its checkpoints' first line)
 * @param subject   whose export it is (e.g. a tenant id): no white space
 * @param from      the first entry, 1-based, {@code >= 1}
 * @param to        the last entry, {@code from <= to <= treeSize}
 * @param treeSize  the size of the checkpoint the export is proved against
 * @param rootHash  that checkpoint's root, 32 bytes
 * @param shown     how many leaves are shown in full
 * @param shownHash SHA-256 over their leaf indexes ({@link ShownLeaves}), 32 bytes
 */
public record RangeManifest(String origin, String subject, long from, long to, long treeSize, byte[] rootHash,
        long shown, byte[] shownHash) {

    private static final String FIRST_LINE = "crosstenant export manifest v1";
    private static final String NUMBER = "(0|[1-9][0-9]{0,18})";
    private static final String HASH = "([A-Za-z0-9+/]{43}=)";
    private static final Pattern TEXT = Pattern.compile(FIRST_LINE + "\norigin (\\S+)\nsubject (\\S+)\nrange " + NUMBER
            + " " + NUMBER + "\ntree " + NUMBER + " " + HASH + "\nshown " + NUMBER + " " + HASH + "\n");

    public RangeManifest {
        if (origin == null || origin.isEmpty() || origin.chars().anyMatch(Character::isWhitespace)
                || subject == null || subject.isEmpty() || subject.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("origin and subject are single words");
        }
        if (from < 1 || to < from || treeSize < to || shown < 0 || shown > to - from + 1) {
            throw new IllegalArgumentException("a manifest needs 1 <= from <= to <= treeSize and shown <= to - from + 1");
        }
        if (rootHash == null || rootHash.length != MerkleHash.SIZE || shownHash == null || shownHash.length != MerkleHash.SIZE) {
            throw new IllegalArgumentException("hashes are " + MerkleHash.SIZE + " bytes");
        }
        rootHash = rootHash.clone();
        shownHash = shownHash.clone();
    }

    @Override
    public byte[] rootHash() {
        return rootHash.clone();
    }

    @Override
    public byte[] shownHash() {
        return shownHash.clone();
    }

    /** @return the note text, each line ending in a newline */
    public String text() {
        Base64.Encoder base64 = Base64.getEncoder();
        return FIRST_LINE + "\norigin " + origin + "\nsubject " + subject + "\nrange " + from + " " + to + "\ntree "
                + treeSize + " " + base64.encodeToString(rootHash) + "\nshown " + shown + " "
                + base64.encodeToString(shownHash) + "\n";
    }

    /**
     * @param text a note text as {@link #text()} writes it
     * @return the manifest
     * @throws IllegalArgumentException when the text is not exactly that form
     */
    public static RangeManifest parse(String text) {
        Matcher m = TEXT.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new IllegalArgumentException("not an export manifest (" + FIRST_LINE + ")");
        }
        try {
            Base64.Decoder base64 = Base64.getDecoder();
            return new RangeManifest(m.group(1), m.group(2), Long.parseLong(m.group(3)), Long.parseLong(m.group(4)),
                    Long.parseLong(m.group(5)), base64.decode(m.group(6)), Long.parseLong(m.group(7)),
                    base64.decode(m.group(8)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a manifest number is out of range", e);
        }
    }

    /** Accumulates the leaves an export shows in full, in the order it shows them. Not thread-safe. */
    public static final class ShownLeaves {
        private final MessageDigest digest;
        private long count;

        public ShownLeaves() {
            try {
                digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java platform has SHA-256", e);
            }
        }

        /** @param leafIndex the 0-based index of a leaf shown in full */
        public void add(long leafIndex) {
            digest.update(ByteBuffer.allocate(Long.BYTES).putLong(leafIndex).array());
            count++;
        }

        /** @return leaves added so far */
        public long count() {
            return count;
        }

        /** @return SHA-256 over the leaf indexes added (ends the accumulation) */
        public byte[] hash() {
            return digest.digest();
        }
    }
}
