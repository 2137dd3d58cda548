package org.crosstenant.policy.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.crosstenant.policy.model.Identifiers;
import org.crosstenant.policy.model.AccessSettings;
import org.crosstenant.platform.model.EmailAddresses;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Limits of an access configuration, checked on the value that is stored (after normalisation), and the promise
 * that whatever a write accepted can be read back.
 */
class AccessSettingsLimitsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** U+0130 lower-cases to two characters (i + U+0307): 2 bytes in UTF-8 become 3. */
    private static final String DOTTED_I = "\u0130";

    @Test
    void theIssuesTargetIsRefusedNamingTheLimit() {
        String target = DOTTED_I + "a".repeat(302) + "@fabrikam.example";
        assertEquals(320, target.length());
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> AccessSettingsParser.parse(users("outbound", List.of(target))));
        assertEquals("/outbound/collaboration/usersAndGroups/targets/0/user", e.field());
        assertEquals(254L, e.limit());
        assertTrue(e.getMessage().contains("the limit is 254 bytes"), e.getMessage());
    }

    @Test
    void emailAtItsByteLimitAfterNormalisationIsAcceptedAndOneMoreIsRefused() {
        // 256 bytes sent with the surrounding white space, 254 stored: at the limit
        String domain = "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(61) + ".com";
        String atLimit = " " + "A".repeat(60) + "@" + domain + " ";
        assertEquals(254, bytes(Identifiers.canonicalEmail(atLimit)));
        AccessSettings settings = AccessSettingsParser.parse(users("inbound", List.of(atLimit)));
        assertEquals(List.of("a".repeat(60) + "@" + domain), userTargets(settings, "inbound"));

        String overLimit = "A".repeat(61) + "@" + domain; // 255 stored: refused
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> AccessSettingsParser.parse(users("inbound", List.of(overLimit))));
        assertEquals(254L, e.limit());
        assertEquals("/inbound/collaboration/usersAndGroups/targets/0/user", e.field());
    }

    @Test
    void localPartAtItsLimitAfterNormalisationIsAcceptedAndOneMoreIsRefused() {
        String atLimit = " " + "A".repeat(64) + "@fabrikam.example"; // 64 bytes before the @ once stripped
        AccessSettingsParser.parse(users("inbound", List.of(atLimit)));
        String overLimit = "A".repeat(65) + "@fabrikam.example";
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> AccessSettingsParser.parse(users("inbound", List.of(overLimit))));
        assertEquals(64L, e.limit());
    }

    /**
     * Targets follow the one email rule the gateway vouches by (printable ASCII, LDH domain labels): a target no
     * gateway would ever vouch for is refused naming the rule, an internationalised domain is accepted in its xn--
     * form.
     */
    @Test
    void targetsOutsideTheVouchableRuleAreRefusedNamingTheRule() {
        for (String bad : List.of("j\u00f6rg@fabrikam.example", "bob@b\u00fccher.example", DOTTED_I + "@fabrikam.example",
                "bob@fabr\u0131kam.example", "bob@\u212aabrikam.example", "bob@fabrikam\uff0eexample",
                "\u4e2d@\u6587.cn", "bob@-fabrikam.example", "bob@fabrikam_x.example", "bob@" + "l".repeat(64) + ".example")) {
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> AccessSettingsParser.parse(users("inbound", List.of("ok@fabrikam.example", bad))), bad);
            assertTrue(e.getMessage().contains("targets/1/user") && e.getMessage().contains("printable ASCII"),
                    e.getMessage());
        }
        assertEquals(List.of("bob@xn--bcher-kva.example"), userTargets(AccessSettingsParser
                .parse(users("inbound", List.of("Bob@XN--BCHER-KVA.example"))), "inbound"));
    }

    @Test
    void userListAtItsLimitIsAcceptedAndOneMoreIsRefused() {
        List<String> atLimit = emails(AccessSettingsParser.MAX_TARGETS);
        assertEquals(500, userTargets(AccessSettingsParser.parse(users("outbound", atLimit)), "outbound").size());

        List<String> overLimit = emails(AccessSettingsParser.MAX_TARGETS + 1);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> AccessSettingsParser.parse(users("outbound", overLimit)));
        assertEquals("/outbound/collaboration/usersAndGroups/targets", e.field());
        assertEquals(500L, e.limit());
        assertTrue(e.getMessage().contains("has 501 distinct entries; the limit is 500"), e.getMessage());
    }

    @Test
    void theListLimitCountsStoredEntriesSoCaseVariantsOfOneAddressCountOnce() {
        List<String> targets = new ArrayList<>(emails(AccessSettingsParser.MAX_TARGETS));
        targets.add("USER0@FABRIKAM.EXAMPLE");
        targets.add("  user1@fabrikam.example ");
        assertEquals(500, userTargets(AccessSettingsParser.parse(users("outbound", targets)), "outbound").size());
    }

    @Test
    void applicationListAtItsLimitIsAcceptedAndOneMoreIsRefused() {
        List<String> atLimit = IntStream.range(0, 500).mapToObj(i -> "app-" + i).toList();
        AccessSettingsParser.parse(applications(atLimit));
        List<String> overLimit = IntStream.range(0, 501).mapToObj(i -> "app-" + i).toList();
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> AccessSettingsParser.parse(applications(overLimit)));
        assertEquals("/inbound/collaboration/applications/targets", e.field());
        assertEquals(500L, e.limit());
    }

    @Test
    void manyBadTargetsGiveASmallAnswer() {
        List<String> bad = IntStream.range(0, 10_000).mapToObj(i -> "not-an-email-" + i).toList();
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> AccessSettingsParser.parse(users("inbound", bad)));
        assertEquals(Violations.MAX_LISTED + 1, e.violations().size());
        assertEquals("and 9980 more", e.violations().get(Violations.MAX_LISTED));
    }

    @Test
    void controlFormatAndSpaceCharactersAreRefusedInEmails() {
        for (String bad : List.of("a\u0000b@x.example", "a\u200bb@x.example", "a\u00a0b@x.example", "a\"b@x.example",
                "a\\b@x.example", "a\ud800b@x.example", "a@x..example", "a@example", "@x.example", "a@b@x.example")) {
            assertThrows(InvalidInputException.class, () -> AccessSettingsParser.parse(users("inbound", List.of(bad))),
                    bad);
        }
    }

    @Test
    void storedSettingsOfAnOlderLooserWriterAreStillReadable() throws Exception {
        // what the writer before the limits stored: 320-character targets, "..", more than 500 entries
        List<String> legacy = new ArrayList<>(emails(600));
        legacy.add("i\u0307" + "a".repeat(302) + "@fabrikam.example");
        legacy.add("bob@fabrikam..example");
        AccessSettings read = AccessSettingsParser.readStored(users("outbound", legacy));
        assertEquals(602, userTargets(read, "outbound").size());
        assertTrue(CompiledRule.of(read.get(AccessSettings.OUT_COLLAB_USERS))
                .admitsPerson("bob@fabrikam..example", null, null, false));
    }

    /**
     * Property: for every generated configuration (random Unicode, case-expanding characters, combining marks,
     * white space, duplicates), a write that is accepted stores values within every limit, a second write of the
     * stored form is accepted unchanged, and the stored form reads back to the same settings.
     */
    @Test
    void acceptedOnWriteMeansReadableOnReadAndWithinTheLimits() {
        long seed = Long.getLong("limits.seed", System.nanoTime());
        Random random = new Random(seed);
        int accepted = 0;
        for (int run = 0; run < 3000; run++) {
            List<String> users = new ArrayList<>();
            int count = random.nextInt(3) + 1;
            for (int i = 0; i < count; i++) {
                users.add(randomEmail(random));
            }
            JsonNode body = users(random.nextBoolean() ? "inbound" : "outbound", users);
            AccessSettings written;
            try {
                written = AccessSettingsParser.parse(body);
            } catch (InvalidInputException refused) {
                continue;
            }
            accepted++;
            JsonNode stored = written.toTree();
            try {
                for (List<String> rule : rules(written)) {
                    for (String target : rule) {
                        assertTrue(bytes(target) <= Identifiers.MAX_EMAIL_BYTES, target);
                        assertEquals(target, Identifiers.canonicalEmail(target), "stored form is canonical");
                        assertNull(Identifiers.emailViolation(target), target);
                        assertEquals(target, EmailAddresses.canonicalOrNull(target), "the gateway's rule agrees");
                    }
                    assertTrue(rule.size() <= AccessSettingsParser.MAX_TARGETS);
                }
                assertEquals(written, AccessSettingsParser.readStored(stored));
                assertEquals(written, AccessSettingsParser.parse(stored));
            } catch (AssertionError | RuntimeException e) {
                fail("seed " + seed + ", run " + run + ", targets " + users + ": " + e, e);
            }
        }
        // about a fifth of the 3000 are acceptable (mean ≈ 550); 250 keeps the check without failing on a seed's luck
        assertTrue(accepted > 250, "the generator must produce acceptable configurations too (seed " + seed + ", "
                + accepted + " accepted)");
    }

    /** Case-expanding, case-folding, combining, composing, wide and astral characters. */
    private static final String[] PIECES = {"a", "Z", "\u0130", "\u00df", "\u1e9e", "\ufb00", "\u0301", "\u0307",
            "e\u0301", "\u00e9", "\u212a", "\u03a3", "\u0345", "\u1f88", "\ud83d\ude00", ".", "-", "\u0627",
            "\u4e2d", "\u00c5", "A\u030a", "\u2126", "\uff21", "\u0958", "\u1e9b\u0323"};
    /** White space, controls, format characters, a lone surrogate, quotes: never stored. */
    private static final String[] BAD = {" ", "\u00a0", "\t", "\u0000", "\u200b", "\ud800", "\"", "\\", "@"};

    private static String randomEmail(Random random) {
        StringBuilder email = new StringBuilder();
        if (random.nextInt(4) == 0) {
            email.append(' ');
        }
        int local = random.nextInt(random.nextInt(10) == 0 ? 80 : 12) + 1;
        for (int i = 0; i < local; i++) {
            email.append(piece(random, "x"));
        }
        email.append('@');
        int label = random.nextInt(random.nextInt(10) == 0 ? 250 : 10) + 1;
        for (int i = 0; i < label; i++) {
            email.append(piece(random, "d"));
        }
        email.append(random.nextBoolean() ? ".example" : ".EXAMPLE");
        return email.toString();
    }

    private static String piece(Random random, String plain) {
        int dice = random.nextInt(100);
        return dice < 2 ? BAD[random.nextInt(BAD.length)] : dice < 8 ? PIECES[random.nextInt(PIECES.length)] : plain;
    }

    private static List<List<String>> rules(AccessSettings settings) {
        List<List<String>> rules = new ArrayList<>();
        for (String direction : List.of("inbound", "outbound")) {
            if (settings.get("/" + direction + "/collaboration/usersAndGroups") != null) {
                rules.add(userTargets(settings, direction));
            }
        }
        return rules;
    }

    /** The user emails of a direction's collaboration usersAndGroups rule, in order. */
    static List<String> userTargets(AccessSettings settings, String direction) {
        List<String> users = new ArrayList<>();
        settings.get("/" + direction + "/collaboration/usersAndGroups").get("targets")
                .forEach(target -> users.add(target.get("user").asText()));
        return users;
    }

    private static List<String> emails(int count) {
        return IntStream.range(0, count).mapToObj(i -> "user" + i + "@fabrikam.example").toList();
    }

    private static int bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8).length;
    }

    static JsonNode users(String direction, List<String> targets) {
        return rule(direction, "users", targets);
    }

    static JsonNode applications(List<String> targets) {
        return rule("inbound", "applications", targets);
    }

    private static JsonNode rule(String direction, String kind, List<String> targets) {
        ObjectNode body = JSON.createObjectNode();
        boolean users = kind.equals("users");
        ObjectNode rule = body.putObject(direction).putObject("collaboration")
                .putObject(users ? "usersAndGroups" : kind);
        rule.put("access", "allowed");
        ArrayNode list = rule.putArray("targets");
        targets.forEach(target -> {
            if (users) {
                list.addObject().put("user", target);
            } else {
                list.add(target);
            }
        });
        return body;
    }
}
