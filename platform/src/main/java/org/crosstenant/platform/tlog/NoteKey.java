package org.crosstenant.platform.tlog;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A public key that verifies signed-note signatures (C2SP signed-note v1.0.0): a key name, a signature type and a
 * 32-byte Ed25519 public key (RFC 8032). Two types are supported: {@link #ED25519} (0x01, a log's signature over
 * the note text) and {@link #COSIGNATURE} (0x04, a witness's timestamped cosignature of a checkpoint, C2SP
 * tlog-cosignature v1). Its key ID is {@code SHA-256(name || 0x0A || type || public key)[:4]}, big-endian; its
 * text form (a "vkey") is {@code <name>+<key ID, 8 hex digits>+base64(type || public key)}. Signatures are checked
 * with the JDK's Ed25519.
 *
 * @param name      the key name: not empty, no Unicode spaces, no {@code +}
 * @param type      {@link #ED25519} or {@link #COSIGNATURE}
 * @param publicKey the raw 32-byte Ed25519 public key
 */
public record NoteKey(String name, byte type, byte[] publicKey) {

    /** Signature type of a plain Ed25519 note signature. */
    public static final byte ED25519 = 0x01;
    /** Signature type of a timestamped Ed25519 witness cosignature (C2SP tlog-cosignature). */
    public static final byte COSIGNATURE = 0x04;

    /** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410): followed by the 32 raw key bytes. */
    private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
    private static final int ED25519_KEY = 32;
    private static final int ED25519_SIGNATURE = 64;
    private static final int TIMESTAMP = 8;

    /**
     * @throws IllegalArgumentException for a name the spec forbids, an unknown type or a key not 32 bytes
     */
    public NoteKey {
        checkName(name);
        if (type != ED25519 && type != COSIGNATURE) {
            throw new IllegalArgumentException("signature type 0x" + HexFormat.of().toHexDigits(type)
                    + " is not supported (0x01 Ed25519, 0x04 Ed25519 cosignature)");
        }
        if (publicKey == null || publicKey.length != ED25519_KEY) {
            throw new IllegalArgumentException("an Ed25519 public key is " + ED25519_KEY + " bytes");
        }
        publicKey = publicKey.clone();
    }

    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** @return the key ID: the first four bytes of {@code SHA-256(name || 0x0A || type || key)}, big-endian */
    public int keyId() {
        return keyId(name, type, publicKey);
    }

    /** @return the vkey text: {@code <name>+<8 hex digits>+base64(type || key)} */
    public String vkey() {
        byte[] material = new byte[1 + ED25519_KEY];
        material[0] = type;
        System.arraycopy(publicKey, 0, material, 1, ED25519_KEY);
        return name + "+" + HexFormat.of().toHexDigits(keyId()) + "+" + Base64.getEncoder().encodeToString(material);
    }

    /**
     * Reads a vkey.
     *
     * @param vkey {@code <name>+<8 hex digits>+base64(type || 32-byte key)}
     * @return the key
     * @throws IllegalArgumentException when it is malformed, of an unsupported type, or its key ID does not match
     */
    public static NoteKey parse(String vkey) {
        KeyText text = KeyText.read(vkey, "a vkey");
        NoteKey key = new NoteKey(text.name(), text.type(), text.key());
        if (key.keyId() != text.keyId()) {
            throw new IllegalArgumentException("the vkey's key ID " + HexFormat.of().toHexDigits(text.keyId())
                    + " is not the one of its name and key (" + HexFormat.of().toHexDigits(key.keyId()) + ")");
        }
        return key;
    }

    /**
     * The text form shared by vkeys and signer keys, {@code <name>+<8 hex digits>+base64(type || 32 bytes)}, split and
     * decoded; the caller checks the key ID against the key it makes. Refusals never repeat the key material.
     *
     * @param name  the key name
     * @param keyId the key ID as written
     * @param type  the signature type byte
     * @param key   the 32 key bytes (public key or seed)
     */
    record KeyText(String name, int keyId, byte type, byte[] key) {

        static KeyText read(String text, String what) {
            String[] parts = text.split("\\+", 3); // base64 may hold '+'; the name and ID do not
            if (parts.length != 3 || parts[1].length() != 8) {
                throw new IllegalArgumentException(what + " is <name>+<8 hex digits>+<base64 type and key>");
            }
            byte[] material;
            int id;
            try {
                material = Base64.getDecoder().decode(parts[2]);
                id = HexFormat.fromHexDigits(parts[1]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(what + "'s key ID is hex and its key base64");
            }
            if (material.length != 1 + ED25519_KEY) {
                throw new IllegalArgumentException(what + "'s key is one type byte and 32 key bytes");
            }
            return new KeyText(parts[0], id, material[0], Arrays.copyOfRange(material, 1, material.length));
        }
    }

    /**
     * Whether {@code signature} is this key's valid signature of the note text: for {@link #ED25519} an Ed25519
     * signature of the text; for {@link #COSIGNATURE} an 8-byte big-endian POSIX timestamp (at most 2^63 - 1) and an
     * Ed25519 signature of {@code "cosignature/v1\ntime <timestamp>\n" || text}.
     *
     * @param text      the note text, ending in a newline
     * @param signature the signature bytes after the key ID
     * @return true when it verifies; false for any other input (never throws for hostile bytes)
     */
    public boolean verifies(String text, byte[] signature) {
        byte[] message;
        byte[] ed25519;
        if (type == ED25519) {
            if (signature.length != ED25519_SIGNATURE) {
                return false;
            }
            message = text.getBytes(StandardCharsets.UTF_8);
            ed25519 = signature;
        } else {
            if (signature.length != TIMESTAMP + ED25519_SIGNATURE) {
                return false;
            }
            long timestamp = java.nio.ByteBuffer.wrap(signature, 0, TIMESTAMP).getLong();
            if (timestamp < 0) {
                return false; // over 2^63 - 1
            }
            message = cosignedMessage(text, timestamp);
            ed25519 = Arrays.copyOfRange(signature, TIMESTAMP, signature.length);
        }
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(javaKey());
            verifier.update(message);
            return verifier.verify(ed25519);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The message a v1 Ed25519 cosignature signs (C2SP tlog-cosignature): header, time line, checkpoint text. */
    static byte[] cosignedMessage(String text, long timestamp) {
        return ("cosignature/v1\ntime " + timestamp + "\n" + text).getBytes(StandardCharsets.UTF_8);
    }

    /** The JDK's form of the public key. */
    PublicKey javaKey() throws GeneralSecurityException {
        byte[] spki = new byte[SPKI_PREFIX.length + ED25519_KEY];
        System.arraycopy(SPKI_PREFIX, 0, spki, 0, SPKI_PREFIX.length);
        System.arraycopy(publicKey, 0, spki, SPKI_PREFIX.length, ED25519_KEY);
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    }

    static int keyId(String name, byte type, byte[] publicKey) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(name.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0x0A);
            digest.update(type);
            digest.update(publicKey);
            return java.nio.ByteBuffer.wrap(digest.digest(), 0, 4).getInt();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** A key name: not empty, no Unicode space, no {@code +} (signed-note "Format"). */
    static void checkName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a key name is not empty");
        }
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            if (cp == '+' || Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp < 0x20) {
                throw new IllegalArgumentException("a key name has no spaces, controls or '+': " + name);
            }
            i += Character.charCount(cp);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof NoteKey k && k.name.equals(name) && k.type == type
                && Arrays.equals(k.publicKey, publicKey);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * name.hashCode() + type) + Arrays.hashCode(publicKey);
    }

    @Override
    public String toString() {
        return vkey();
    }
}
