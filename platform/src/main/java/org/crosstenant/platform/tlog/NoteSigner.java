package org.crosstenant.platform.tlog;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The private half of a {@link NoteKey}: signs note texts (C2SP signed-note, type 0x01) or cosigns checkpoints
 * (C2SP tlog-cosignature v1, type 0x04) with Ed25519 (RFC 8032, the JDK's implementation). Its text form, for
 * configuration, is {@code PRIVATE+KEY+<name>+<key ID, 8 hex digits>+base64(type || 32-byte seed)} (the form Go's
 * {@code golang.org/x/mod/sumdb/note} uses), which is a secret.
 */
public final class NoteSigner {

    private static final byte[] PKCS8_PREFIX = HexFormat.of().parseHex("302e020100300506032b657004220420");
    private static final String SKEY_PREFIX = "PRIVATE+KEY+";
    private static final int SEED = 32;

    private final NoteKey verifierKey;
    private final byte[] seed;
    private final PrivateKey privateKey;

    private NoteSigner(String name, byte type, byte[] seed) {
        if (seed.length != SEED) {
            throw new IllegalArgumentException("an Ed25519 private key seed is " + SEED + " bytes");
        }
        this.seed = seed.clone();
        try {
            byte[] pkcs8 = new byte[PKCS8_PREFIX.length + SEED];
            System.arraycopy(PKCS8_PREFIX, 0, pkcs8, 0, PKCS8_PREFIX.length);
            System.arraycopy(seed, 0, pkcs8, PKCS8_PREFIX.length, SEED);
            this.privateKey = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            this.verifierKey = new NoteKey(name, type, publicKeyOf(seed));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's Ed25519 refused a 32-byte seed", e);
        }
    }

    /**
     * A signer from a known seed (RFC 8032's 32-byte private key).
     *
     * @param name the key name (no spaces, no {@code +}); for a log, its checkpoint origin
     * @param type {@link NoteKey#ED25519} or {@link NoteKey#COSIGNATURE}
     * @param seed 32 bytes
     * @throws IllegalArgumentException for a bad name, type or seed
     */
    public static NoteSigner fromSeed(String name, byte type, byte[] seed) {
        return new NoteSigner(name, type, seed);
    }

    /** A new signer with a random seed ({@link SecureRandom}). */
    public static NoteSigner generate(String name, byte type) {
        byte[] seed = new byte[SEED];
        new SecureRandom().nextBytes(seed);
        return new NoteSigner(name, type, seed);
    }

    /**
     * Reads the text form.
     *
     * @param skey {@code PRIVATE+KEY+<name>+<8 hex digits>+base64(type || seed)}
     * @throws IllegalArgumentException when malformed or when the key ID does not match the derived public key
     *                                  (the message never repeats the secret)
     */
    public static NoteSigner parse(String skey) {
        if (!skey.startsWith(SKEY_PREFIX)) {
            throw new IllegalArgumentException("a signer key starts with " + SKEY_PREFIX);
        }
        NoteKey.KeyText text = NoteKey.KeyText.read(skey.substring(SKEY_PREFIX.length()), "a signer key");
        NoteSigner signer = new NoteSigner(text.name(), text.type(), text.key());
        if (signer.verifierKey.keyId() != text.keyId()) {
            throw new IllegalArgumentException("the signer key's ID does not match its name and key");
        }
        return signer;
    }

    /** @return the text form, a secret: {@code PRIVATE+KEY+<name>+<key ID>+base64(type || seed)} */
    public String skey() {
        byte[] material = new byte[1 + SEED];
        material[0] = verifierKey.type();
        System.arraycopy(seed, 0, material, 1, SEED);
        return SKEY_PREFIX + verifierKey.name() + "+" + HexFormat.of().toHexDigits(verifierKey.keyId()) + "+"
                + Base64.getEncoder().encodeToString(material);
    }

    /** @return the public key that verifies this signer's signatures */
    public NoteKey verifierKey() {
        return verifierKey;
    }

    /**
     * Signs a note text with a {@link NoteKey#ED25519} key.
     *
     * @param text the note text, ending in a newline
     * @return the note signature (key name, key ID, 64-byte Ed25519 signature)
     * @throws IllegalStateException when this is a cosignature key
     */
    public SignedNote.NoteSignature sign(String text) {
        if (verifierKey.type() != NoteKey.ED25519) {
            throw new IllegalStateException("a cosignature key cosigns checkpoints with a timestamp");
        }
        return signature(ed25519(text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Cosigns a checkpoint text with a {@link NoteKey#COSIGNATURE} key (C2SP tlog-cosignature v1, Ed25519).
     *
     * @param checkpointText the checkpoint's note text (no signature lines), ending in a newline
     * @param timestamp      POSIX seconds of the cosigning, {@code >= 0}
     * @return the cosignature (key name, key ID, 8-byte big-endian timestamp and 64-byte Ed25519 signature)
     * @throws IllegalStateException when this is a plain note key
     */
    public SignedNote.NoteSignature cosign(String checkpointText, long timestamp) {
        if (verifierKey.type() != NoteKey.COSIGNATURE) {
            throw new IllegalStateException("a plain note key does not cosign");
        }
        if (timestamp < 0) {
            throw new IllegalArgumentException("a cosignature's timestamp is POSIX seconds, not negative");
        }
        byte[] signature = ed25519(NoteKey.cosignedMessage(checkpointText, timestamp));
        return signature(ByteBuffer.allocate(8 + signature.length).putLong(timestamp).put(signature).array());
    }

    private SignedNote.NoteSignature signature(byte[] bytes) {
        return new SignedNote.NoteSignature(verifierKey.name(), verifierKey.keyId(), bytes);
    }

    private byte[] ed25519(byte[] message) {
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(privateKey);
            signer.update(message);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's Ed25519 could not sign", e);
        }
    }

    /**
     * The RFC 8032 public key of a seed. The JDK (17) has no call that derives it, but its Ed25519 key pair
     * generator takes the seed as the 32 bytes it draws from its random source: give it exactly these.
     */
    private static byte[] publicKeyOf(byte[] seed) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
        generator.initialize(NamedParameterSpec.ED25519, new SeedSource(seed));
        KeyPair pair = generator.generateKeyPair();
        byte[] spki = pair.getPublic().getEncoded();
        return Arrays.copyOfRange(spki, spki.length - SEED, spki.length);
    }

    /** A "random" source that yields one given seed (only for deriving a public key from it). */
    private static final class SeedSource extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private final byte[] seed;

        SeedSource(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (bytes.length != seed.length) {
                throw new IllegalStateException("the key pair generator asked for " + bytes.length + " bytes");
            }
            System.arraycopy(seed, 0, bytes, 0, seed.length);
        }
    }

    @Override
    public String toString() {
        return "NoteSigner[" + verifierKey.vkey() + "]"; // never the seed
    }
}
