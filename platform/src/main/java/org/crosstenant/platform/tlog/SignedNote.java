package org.crosstenant.platform.tlog;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.List;

/**
 * A signed note (C2SP signed-note v1.0.0): a text ending in a newline, a blank line, and one signature line per
 * signature, {@code "— <key name> base64(4-byte key ID || signature)\n"} (U+2014 EM DASH). The text is everything up
 * to the last blank line. A note is UTF-8 with no control character but the newline.
 *
 * @param text       the note text, ending in a newline (e.g. a {@link Checkpoint}'s)
 * @param signatures its signatures, in order
 */
public record SignedNote(String text, List<NoteSignature> signatures) {

    /** Most signatures a note may carry here (the spec asks verifiers to accept at least 16). */
    public static final int MAX_SIGNATURES = 64;
    /** Most bytes of a whole note here (Ed25519 notes are small; this bounds hostile input). */
    public static final int MAX_BYTES = 64 * 1024;

    private static final String DASH = "\u2014 ";

    /**
     * One signature line.
     *
     * @param keyName   the signer's key name
     * @param keyId     its key ID (uint32 as an int)
     * @param signature the signature bytes after the key ID
     */
    public record NoteSignature(String keyName, int keyId, byte[] signature) {

        public NoteSignature {
            NoteKey.checkName(keyName);
            signature = signature.clone();
        }

        @Override
        public byte[] signature() {
            return signature.clone();
        }

        /** @return the line, with its final newline */
        public String line() {
            byte[] bytes = ByteBuffer.allocate(4 + signature.length).putInt(keyId).put(signature).array();
            return DASH + keyName + " " + Base64.getEncoder().encodeToString(bytes) + "\n";
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof NoteSignature s && s.keyName.equals(keyName) && s.keyId == keyId
                    && Arrays.equals(s.signature, signature);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * keyName.hashCode() + keyId) + Arrays.hashCode(signature);
        }
    }

    /**
     * @throws InvalidNoteException when the text is not a note text or there is no signature
     */
    public SignedNote {
        checkText(text);
        signatures = List.copyOf(signatures);
        if (signatures.isEmpty() || signatures.size() > MAX_SIGNATURES) {
            throw new InvalidNoteException("a signed note carries 1 to " + MAX_SIGNATURES + " signatures, not "
                    + signatures.size());
        }
    }

    /**
     * Signs a text.
     *
     * @param text   the note text, ending in a newline
     * @param signer an {@link NoteKey#ED25519} signer
     * @return the note with that one signature
     */
    public static SignedNote sign(String text, NoteSigner signer) {
        checkText(text);
        return new SignedNote(text, List.of(signer.sign(text)));
    }

    /**
     * @param more signatures to add after this note's (e.g. witnesses' cosignatures)
     * @return a note with the same text and all the signatures
     */
    public SignedNote with(List<NoteSignature> more) {
        List<NoteSignature> all = new ArrayList<>(signatures);
        all.addAll(more);
        return new SignedNote(text, all);
    }

    /** @return the note as sent: text, blank line, signature lines */
    public String format() {
        StringBuilder note = new StringBuilder(text).append('\n');
        signatures.forEach(s -> note.append(s.line()));
        return note.toString();
    }

    /**
     * Reads a note from its bytes, strictly: UTF-8 (a malformed sequence is refused, not replaced), at most
     * {@value #MAX_BYTES} bytes.
     *
     * @throws InvalidNoteException naming what is wrong
     */
    public static SignedNote parse(byte[] note) {
        if (note.length > MAX_BYTES) {
            throw new InvalidNoteException("a signed note is at most " + MAX_BYTES + " bytes");
        }
        try {
            return parse(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(note)).toString());
        } catch (CharacterCodingException e) {
            throw new InvalidNoteException("a signed note is UTF-8");
        }
    }

    /**
     * Reads a note.
     *
     * @param note the whole note: text, blank line, signature lines
     * @throws InvalidNoteException naming what is wrong
     */
    public static SignedNote parse(String note) {
        if (note.length() > MAX_BYTES) {
            throw new InvalidNoteException("a signed note is at most " + MAX_BYTES + " bytes");
        }
        checkCharacters(note);
        int blank = note.lastIndexOf("\n\n");
        if (blank < 0 || !note.endsWith("\n")) {
            throw new InvalidNoteException("a signed note is a text, a blank line and signature lines, each ending"
                    + " in a newline");
        }
        String text = note.substring(0, blank + 1);
        List<NoteSignature> signatures = new ArrayList<>();
        for (String line : note.substring(blank + 2).split("\n", -1)) {
            if (line.isEmpty()) {
                continue; // the split's last piece, after the final newline
            }
            if (signatures.size() == MAX_SIGNATURES) {
                throw new InvalidNoteException("a signed note carries at most " + MAX_SIGNATURES + " signatures");
            }
            signatures.add(signatureLine(line));
        }
        return new SignedNote(text, signatures);
    }

    /**
     * Verifies the note against the keys the reader trusts, as the spec requires: a signature whose (key name, key
     * ID) matches no known key is ignored; one that matches must verify, else the whole note is refused; at least
     * one must verify.
     *
     * @param known the trusted keys
     * @return the known keys whose signatures verified (each once)
     * @throws InvalidNoteException when a known key's signature fails or none verifies
     */
    public List<NoteKey> verify(Collection<NoteKey> known) {
        List<NoteKey> verified = new ArrayList<>();
        for (NoteSignature signature : signatures) {
            for (NoteKey key : known) {
                if (key.name().equals(signature.keyName()) && key.keyId() == signature.keyId()) {
                    if (!key.verifies(text, signature.signature)) {
                        throw new InvalidNoteException("the signature of " + key.name() + " ("
                                + java.util.HexFormat.of().toHexDigits(key.keyId()) + ") does not verify");
                    }
                    if (!verified.contains(key)) {
                        verified.add(key);
                    }
                }
            }
        }
        if (verified.isEmpty()) {
            throw new InvalidNoteException("no signature of a trusted key");
        }
        return verified;
    }

    private static NoteSignature signatureLine(String line) {
        if (!line.startsWith(DASH)) {
            throw new InvalidNoteException("a signature line starts with an em dash and a space");
        }
        String rest = line.substring(DASH.length());
        int space = rest.indexOf(' ');
        if (space <= 0 || rest.indexOf(' ', space + 1) >= 0) {
            throw new InvalidNoteException("a signature line is '— <key name> <base64 signature>'");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(rest.substring(space + 1));
        } catch (IllegalArgumentException e) {
            throw new InvalidNoteException("a signature is base64");
        }
        if (bytes.length < 5) {
            throw new InvalidNoteException("a signature is a 4-byte key ID and signature bytes");
        }
        try {
            return new NoteSignature(rest.substring(0, space), ByteBuffer.wrap(bytes).getInt(),
                    Arrays.copyOfRange(bytes, 4, bytes.length));
        } catch (IllegalArgumentException e) {
            throw new InvalidNoteException(e.getMessage());
        }
    }

    private static void checkText(String text) {
        if (text == null || text.isEmpty() || !text.endsWith("\n")) {
            throw new InvalidNoteException("a note text ends in a newline");
        }
        checkCharacters(text);
    }

    private static void checkCharacters(String note) {
        for (int i = 0; i < note.length(); i++) {
            char c = note.charAt(i);
            if (c < 0x20 && c != '\n') {
                throw new InvalidNoteException("a signed note has no control character but the newline");
            }
            if (Character.isSurrogate(c) && (Character.isHighSurrogate(c) ? i + 1 >= note.length()
                    || !Character.isLowSurrogate(note.charAt(++i)) : true)) {
                throw new InvalidNoteException("a signed note is UTF-8 (an unpaired surrogate is not)");
            }
        }
    }
}
