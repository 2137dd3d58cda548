package org.crosstenant.invitation.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

import jakarta.enterprise.context.ApplicationScoped;

import org.crosstenant.invitation.config.InvitationConfig;

/** Single-use redemption codes: random, URL-safe, compared in constant time. */
@ApplicationScoped
public class RedemptionCodes {

    static final int MIN_BYTES = 16;

    private final SecureRandom random = new SecureRandom();
    private final int bytes;

    public RedemptionCodes(InvitationConfig config) {
        // below 128 bits a code could be guessed by an invitee's own repeated tries
        this.bytes = Math.max(MIN_BYTES, config.redemption().codeBytes());
    }

    public String next() {
        byte[] raw = new byte[bytes];
        random.nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    /** Constant-time with respect to the content, so response timing does not leak how much of a guess was right. */
    public static boolean matches(String expected, String offered) {
        if (expected == null || offered == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                offered.getBytes(StandardCharsets.UTF_8));
    }
}
