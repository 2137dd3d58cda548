package org.crosstenant.policy.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.crosstenant.policy.model.Identifiers;
import org.crosstenant.policy.model.PartnerSettings;
import org.crosstenant.policy.model.TargetRule;
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
 * Limits of the partner configuration, checked on the value that is stored (after normalisation), and the promise
 * that whatever a write accepted can be read back.
 */
class PartnerSettingsLimitsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** U+0130 lower-cases to two characters (i + U+0307): 2 bytes in UTF-8 become 3. */
    private static final String DOTTED_I = "\u0130";

    @Test
    void theIssuesTargetIsRefusedNamingTheLimit() {
        String target = DOTTED_I + "a".repeat(302) + "@fabrikam.example";
        assertEquals(320, target.length());
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> PartnerSettingsParser.parse(users("outbound", List.of(target))));
        assertEquals("outbound.collaboration.users.targets[0]", e.field());
        assertEquals(254L, e.limit());
        assertTrue(e.getMessage().contains("the limit is 254 bytes"), e.getMessage());
    }

    @Test
    void emailAtItsByteLimitAfterNormalisationIsAcceptedAndOneMoreIsRefused() {
        // 256 bytes sent with the surrounding white space, 254 stored: at the limit
        String domain = "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(61) + ".com";
        String atLimit = " " + "A".repeat(60) + "@" + domain + " ";
        assertEquals(254, bytes(Identifiers.canonicalEmail(atLimit)));
        PartnerSettings settings = PartnerSettingsParser.parse(users("inbound", List.of(atLimit)));
        assertEquals(List.of("a".repeat(60) + "@" + domain), settings.inbound().users().targets());

        String overLimit = "A".repeat(61) + "@" + domain; // 255 stored: refused
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> PartnerSettingsParser.parse(users("inbound", List.of(overLimit))));
        assertEquals(254L, e.limit());
        assertEquals("inbound.collaboration.users.targets[0]", e.field());
    }

    @Test
    void localPartAtItsLimitAfterNormalisationIsAcceptedAndOneMoreIsRefused() {
        String atLimit = " " + "A".repeat(64) + "@fabrikam.example"; // 64 bytes before the @ once stripped
        PartnerSettingsParser.parse(users("inbound", List.of(atLimit)));
        String overLimit = "A".repeat(65) + "@fabrikam.example";
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> PartnerSettingsParser.parse(users("inbound", List.of(overLimit))));
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
                    () -> PartnerSettingsParser.parse(users("inbound", List.of("ok@fabrikam.example", bad))), bad);
            assertTrue(e.getMessage().contains("targets[1]") && e.getMessage().contains("printable ASCII"),
                    e.getMessage());
        }
        assertEquals(List.of("bob@xn--bcher-kva.example"), PartnerSettingsParser
                .parse(users("inbound", List.of("Bob@XN--BCHER-KVA.example"))).inbound().users().targets());
    }

    @Test
    void userListAtItsLimitIsAcceptedAndOneMoreIsRefused() {
        List<String> atLimit = emails(PartnerSettingsParser.MAX_USER_TARGETS);
        assertEquals(500, PartnerSettingsParser.parse(users("outbound", atLimit)).outbound().users().targets().size());

        List<String> overLimit = emails(PartnerSettingsParser.MAX_USER_TARGETS + 1);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> PartnerSettingsParser.parse(users("outbound", overLimit)));
        assertEquals("outbound.collaboration.users.targets", e.field());
        assertEquals(500L, e.limit());
        assertTrue(e.getMessage().contains("has 501 distinct emails; the limit is 500"), e.getMessage());
    }

    @Test
    void theListLimitCountsStoredEntriesSoCaseVariantsOfOneAddressCountOnce() {
        List<String> targets = new ArrayList<>(emails(PartnerSettingsParser.MAX_USER_TARGETS));
        targets.add("USER0@FABRIKAM.EXAMPLE");
        targets.add("  user1@fabrikam.example ");
        assertEquals(500, PartnerSettingsParser.parse(users("outbound", targets)).outbound().users().targets().size());
    }

    @Test
    void applicationListAtItsLimitIsAcceptedAndOneMoreIsRefused() {
        List<String> atLimit = IntStream.range(0, 500).mapToObj(i -> "app-" + i).toList();
        PartnerSettingsParser.parse(applications(atLimit));
        List<String> overLimit = IntStream.range(0, 501).mapToObj(i -> "app-" + i).toList();
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> PartnerSettingsParser.parse(applications(overLimit)));
        assertEquals("inbound.collaboration.applications.targets", e.field());
        assertEquals(500L, e.limit());
    }

    @Test
    void manyBadTargetsGiveASmallAnswer() {
        List<String> bad = IntStream.range(0, 10_000).mapToObj(i -> "not-an-email-" + i).toList();
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> PartnerSettingsParser.parse(users("inbound", bad)));
        assertEquals(Violations.MAX_LISTED + 1, e.violations().size());
        assertEquals("and 9980 more", e.violations().get(Violations.MAX_LISTED));
    }

    @Test
    void controlFormatAndSpaceCharactersAreRefusedInEmails() {
        for (String bad : List.of("a\u0000b@x.example", "a\u200bb@x.example", "a\u00a0b@x.example", "a\"b@x.example",
                "a\\b@x.example", "a\ud800b@x.example", "a@x..example", "a@example", "@x.example", "a@b@x.example")) {
            assertThrows(InvalidInputException.class, () -> PartnerSettingsParser.parse(users("inbound", List.of(bad))),
                    bad);
        }
    }

    @Test
    void storedSettingsOfAnOlderLooserWriterAreStillReadable() throws Exception {
        // what the writer before the limits stored: 320-character targets, "..", more than 500 entries
        List<String> legacy = new ArrayList<>(emails(600));
        legacy.add("i\u0307" + "a".repeat(302) + "@fabrikam.example");
        legacy.add("bob@fabrikam..example");
        PartnerSettings read = PartnerSettingsParser.readStored(users("outbound", legacy));
        assertEquals(602, read.outbound().users().targets().size());
        assertTrue(read.outbound().users().admits("bob@fabrikam..example"));
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
            PartnerSettings written;
            try {
                written = PartnerSettingsParser.parse(body);
            } catch (InvalidInputException refused) {
                continue;
            }
            accepted++;
            JsonNode stored = JSON.valueToTree(written.toWire());
            try {
                for (TargetRule rule : rules(written)) {
                    for (String target : rule.targets()) {
                        assertTrue(bytes(target) <= Identifiers.MAX_EMAIL_BYTES, target);
                        assertEquals(target, Identifiers.canonicalEmail(target), "stored form is canonical");
                        assertNull(Identifiers.emailViolation(target), target);
                        assertEquals(target, EmailAddresses.canonicalOrNull(target), "the gateway's rule agrees");
                    }
                    assertTrue(rule.targets().size() <= PartnerSettingsParser.MAX_USER_TARGETS);
                }
                assertEquals(written, PartnerSettingsParser.readStored(stored));
                assertEquals(written, PartnerSettingsParser.parse(stored));
            } catch (AssertionError | RuntimeException e) {
                fail("seed " + seed + ", run " + run + ", targets " + users + ": " + e, e);
            }
        }
        assertTrue(accepted > 500, "the generator must produce acceptable configurations too (seed " + seed + ")");
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

    private static List<TargetRule> rules(PartnerSettings settings) {
        List<TargetRule> rules = new ArrayList<>();
        for (var direction : java.util.Arrays.asList(settings.inbound(), settings.outbound())) {
            if (direction != null && direction.users() != null) {
                rules.add(direction.users());
            }
        }
        return rules;
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
        ObjectNode rule = body.putObject(direction).putObject("collaboration").putObject(kind);
        rule.put("access", "allowed");
        ArrayNode list = rule.putArray("targets");
        targets.forEach(list::add);
        return body;
    }
}
