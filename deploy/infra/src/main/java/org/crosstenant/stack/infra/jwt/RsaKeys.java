package org.crosstenant.stack.infra.jwt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

import org.crosstenant.stack.infra.Directories;

/**
 * RSA key pairs in the PEM forms every JWT library reads: PKCS#8 for the private key ({@code BEGIN PRIVATE KEY}) and
 * X.509 SubjectPublicKeyInfo for the public key ({@code BEGIN PUBLIC KEY}, what {@code mp.jwt.verify.publickey.location}
 * accepts).
 */
public final class RsaKeys {

    private static final String PRIVATE = "PRIVATE KEY";
    private static final String PUBLIC = "PUBLIC KEY";

    private RsaKeys() {
    }

    /** A fresh 2048-bit pair (the RS256 minimum). */
    public static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA not available", e);
        }
    }

    public static String privatePem(PrivateKey key) {
        return pem(PRIVATE, key.getEncoded()); // getEncoded() of an RSA private key is PKCS#8
    }

    public static String publicPem(PublicKey key) {
        return pem(PUBLIC, key.getEncoded()); // X.509 SubjectPublicKeyInfo
    }

    /**
     * Writes a private key as PKCS#8 PEM, readable and writable by its owner only from the moment the file exists
     * (a caller that mounts it into a container as another user widens that itself).
     *
     * @param key  the key
     * @param file where to write (its directories are created)
     * @throws UncheckedIOException when the file cannot be written
     */
    public static void writePrivatePem(PrivateKey key, Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Directories.writeOwnerOnly(file, privatePem(key)); // PEM is ASCII: UTF-8 writes the same bytes
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    public static void writePublicPem(PublicKey key, Path file) {
        write(file, publicPem(key));
    }

    public static PrivateKey readPrivatePem(Path file) {
        return parsePrivatePem(read(file));
    }

    public static PublicKey readPublicPem(Path file) {
        return parsePublicPem(read(file));
    }

    public static PrivateKey parsePrivatePem(String pem) {
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der(PRIVATE, pem)));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a PKCS#8 RSA private key", e);
        }
    }

    public static PublicKey parsePublicPem(String pem) {
        try {
            return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der(PUBLIC, pem)));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an X.509 RSA public key", e);
        }
    }

    /** A stable key id: base64url SHA-256 of the public key's DER form, so a rotated key gets a new kid by itself. */
    public static String keyId(PublicKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 not available", e);
        }
    }

    private static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    private static byte[] der(String type, String pem) {
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int from = pem.indexOf(begin);
        int to = pem.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("no " + type + " PEM block found");
        }
        String body = pem.substring(from + begin.length(), to).replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }

    private static void write(Path file, String content) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, content, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
