package org.crosstenant.stack.infra;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP) as the demo realms' OTP policy computes them: HMAC-SHA1,
 * 6 digits, 30 s steps, the key being the credential's secret string in UTF-8 (how Keycloak stores an imported
 * {@code otp} credential's {@code secretData.value}). For demos and tests that must pass a real OTP step.
 */
public final class Totp {

    /** The TOTP secret of fabrikam's demo user bob (fabrikam-realm.json); demo only. */
    public static final String BOB_SECRET = "fabrikam-bob-demo-totp-secret";
    static final int STEP_SECONDS = 30;
    static final int DIGITS = 6;

    private Totp() {
    }

    /**
     * Prints the current code, for the README's walk-through:
     * {@code java deploy/infra/src/main/java/org/crosstenant/stack/infra/Totp.java [secret]} (default: bob's).
     *
     * @param args an optional secret
     */
    public static void main(String[] args) {
        System.out.println(code(args.length > 0 ? args[0] : BOB_SECRET, Instant.now()));
    }

    /**
     * @param secret the shared secret (UTF-8 bytes are the HMAC key)
     * @param at the instant whose 30 s time step the code is for
     * @return the 6-digit code, zero-padded
     */
    public static String code(String secret, Instant at) {
        long step = Math.floorDiv(at.getEpochSecond(), STEP_SECONDS);
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            byte[] hash = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
            int offset = hash[hash.length - 1] & 0x0f; // RFC 4226 §5.3 dynamic truncation
            int binary = ByteBuffer.wrap(hash, offset, 4).getInt() & 0x7fffffff;
            return String.format("%0" + DIGITS + "d", binary % 1_000_000);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every JDK", e);
        }
    }
}
