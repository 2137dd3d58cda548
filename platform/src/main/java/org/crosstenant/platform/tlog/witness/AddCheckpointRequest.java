package org.crosstenant.platform.tlog.witness;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

import org.crosstenant.platform.tlog.Checkpoint;
import org.crosstenant.platform.tlog.InvalidNoteException;
import org.crosstenant.platform.tlog.MerkleHash;
import org.crosstenant.platform.tlog.SignedNote;

/**
 * A parsed C2SP tlog-witness {@code add-checkpoint} body: an {@code old <size>} line, zero to {@value #MAX_PROOF}
 * consistency proof lines (canonical base64 of 32-byte hashes), an empty line, then a signed checkpoint note. Each line
 * ends in a newline; the body is strict UTF-8.
 *
 * @param oldSize    the size the client believes the witness cosigned last ({@code >= 0})
 * @param proof      the consistency proof from {@code oldSize} to the checkpoint's size
 * @param note       the signed note, as sent
 * @param checkpoint its text, parsed
 */
public record AddCheckpointRequest(long oldSize, List<byte[]> proof, SignedNote note, Checkpoint checkpoint) {

    /** Most consistency proof lines the protocol allows. */
    public static final int MAX_PROOF = 63;

    private static final Pattern OLD = Pattern.compile("old (0|[1-9][0-9]{0,18})");

    public AddCheckpointRequest {
        proof = List.copyOf(proof);
    }

    /**
     * Reads a body strictly.
     *
     * @param body the request body (the caller bounds its size)
     * @return the request
     * @throws WitnessRefusal 400 naming what is malformed
     */
    public static AddCheckpointRequest parse(byte[] body) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw WitnessRefusal.of(400, "the body is UTF-8");
        }
        int end = text.indexOf('\n');
        if (end < 0) {
            throw WitnessRefusal.of(400, "the body starts with an 'old <size>' line");
        }
        String old = text.substring(0, end);
        if (!OLD.matcher(old).matches()) {
            throw WitnessRefusal.of(400, "the first line is 'old <size>', the size in decimal without leading zeros");
        }
        long oldSize;
        try {
            oldSize = Long.parseLong(old.substring(4));
        } catch (NumberFormatException e) {
            throw WitnessRefusal.of(400, "the old size is at most " + Long.MAX_VALUE);
        }
        List<byte[]> proof = new ArrayList<>();
        int start = end + 1;
        while (true) {
            end = text.indexOf('\n', start);
            if (end < 0) {
                throw WitnessRefusal.of(400, "the proof lines end with an empty line, then the checkpoint");
            }
            if (end == start) {
                break;
            }
            if (proof.size() == MAX_PROOF) {
                throw WitnessRefusal.of(400, "at most " + MAX_PROOF + " consistency proof lines");
            }
            proof.add(hash(text.substring(start, end)));
            start = end + 1;
        }
        SignedNote note;
        Checkpoint checkpoint;
        try {
            note = SignedNote.parse(text.substring(end + 1));
            checkpoint = Checkpoint.parse(note.text());
        } catch (InvalidNoteException e) {
            throw WitnessRefusal.of(400, "the checkpoint: " + e.getMessage());
        }
        if (oldSize > checkpoint.size()) {
            throw WitnessRefusal.of(400, "the old size " + oldSize + " is larger than the checkpoint's "
                    + checkpoint.size());
        }
        return new AddCheckpointRequest(oldSize, proof, note, checkpoint);
    }

    private static byte[] hash(String line) {
        byte[] hash;
        try {
            hash = Base64.getDecoder().decode(line);
        } catch (IllegalArgumentException e) {
            throw WitnessRefusal.of(400, "a consistency proof line is base64");
        }
        if (hash.length != MerkleHash.SIZE || !Base64.getEncoder().encodeToString(hash).equals(line)) {
            throw WitnessRefusal.of(400, "a consistency proof line is the canonical base64 of " + MerkleHash.SIZE
                    + " bytes");
        }
        return hash;
    }
}
