package org.crosstenant.invitation.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.crosstenant.invitation.model.Identifiers;
import org.crosstenant.platform.model.EmailAddresses;
import org.junit.jupiter.api.Test;

/**
 * Property: whatever a filing request accepts is stored within its limits and in a canonical form that a second
 * validation (a re-filing, or a consumer reading the event) accepts unchanged.
 */
class FilingLimitsPropertyTest {

    /** Case-expanding, case-folding, combining, composing, wide and astral characters. */
    private static final String[] PIECES = { "a", "Z", "\u0130", "\u00df", "\u1e9e", "\ufb00", "\u0301", "\u0307",
            "e\u0301", "\u00e9", "\u212a", "\u03a3", "\u0345", "\u1f88", "\ud83d\ude00", ".", "-", "\u0627", "\u4e2d",
            "\u00c5", "A\u030a", "\u2126", "\uff21", "\u0958", " ", "\u00a0", "\u0000", "\u200b", "\ud800", "\"" };

    @Test
    void acceptedMeansStoredWithinTheLimitsAndStable() {
        long seed = Long.getLong("limits.seed", System.nanoTime());
        Random random = new Random(seed);
        int accepted = 0;
        for (int run = 0; run < 5000; run++) {
            String email = text(random, random.nextInt(10) == 0 ? 70 : 10) + "@"
                    + text(random, random.nextInt(10) == 0 ? 200 : 10) + (random.nextBoolean() ? ".example" : ".EXAMPLE");
            String tenant = random.nextBoolean() ? "Fabrikam" : "fabrikam" + text(random, 2);
            NewInvitation stored;
            try {
                stored = InvitationService.validate(" contoso ", "contoso-projects", tenant, email);
            } catch (ProblemException refused) {
                // refused as a client error that names the field: 400 for an address not in canonical form
                // (ambiguous), 422 for a limit or a malformed id; the email's refusal is in the email's canonical form
                assertTrue(refused.status() == 400 || refused.status() == 422, "status " + refused.status());
                assertNotNull(refused.field(), refused.getMessage());
                if (refused.status() == 400) {
                    assertEquals("/invitee/email", refused.field());
                    assertNotNull(Identifiers.emailViolation(Identifiers.canonicalEmail(email)), email);
                }
                continue;
            }
            accepted++;
            try {
                String e = stored.inviteeEmail();
                assertTrue(e.getBytes(StandardCharsets.UTF_8).length <= Identifiers.MAX_EMAIL_BYTES, e);
                assertEquals(e, Identifiers.canonicalEmail(e));
                assertNull(Identifiers.emailViolation(e));
                assertEquals(e, EmailAddresses.canonicalOrNull(e), "the gateway's rule agrees");
                assertTrue(Identifiers.isId(stored.inviteeTenant()) && Identifiers.isId(stored.resourceTenant()));
                assertEquals(stored, InvitationService.validate(stored.resourceTenant(), stored.application(),
                        stored.inviteeTenant(), stored.inviteeEmail()));
            } catch (AssertionError | RuntimeException e) {
                fail("seed " + seed + ", run " + run + ", email " + email + ": " + e, e);
            }
        }
        assertTrue(accepted > 500, "the generator must produce acceptable requests too (seed " + seed + ")");
    }

    private static String text(Random random, int maxPieces) {
        StringBuilder out = new StringBuilder();
        int pieces = random.nextInt(maxPieces) + 1;
        for (int i = 0; i < pieces; i++) {
            int dice = random.nextInt(100);
            out.append(dice < 8 ? PIECES[random.nextInt(PIECES.length)] : "x"); // so that many are acceptable
        }
        return out.toString();
    }
}
