package org.crosstenant.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What {@code invitations.events} said about a round's grants: the {@code revoked.v1} records per invitation and the
 * {@code reason} each carries (docs/topics.md: {@code "policy-changed"} when a settings change ended the grant, absent
 * after an administrator's revocation and on builds before issue #8's re-evaluation). Fed by a raw consumer; thread
 * safe.
 */
final class RevocationEvents {

    static final String REVOKED_TYPE = "org.crosstenant.invitation.revoked.v1";
    static final String POLICY_CHANGED = "policy-changed";
    /** The reason recorded for a payload that is not a JSON object. */
    static final String UNREADABLE = "(unreadable payload)";

    private final Set<String> grants;
    /** Invitation id → the reason of each of its revoked.v1 records, in arrival order (null = no reason member). */
    private final Map<String, List<String>> revocations = new HashMap<>();
    private long lastRevokedAt = -1;

    /** @param grants the invitation ids of the round; records of any other invitation are ignored */
    RevocationEvents(Set<String> grants) {
        this.grants = Set.copyOf(grants);
    }

    /**
     * Records one record of the topic.
     *
     * @param invitationId the record's key
     * @param type its {@code ce_type} header (null when missing)
     * @param value its payload (binary-mode CloudEvent: the JSON data)
     * @param at when it arrived ({@link System#nanoTime()})
     */
    synchronized void record(String invitationId, String type, byte[] value, long at) {
        if (invitationId == null || !grants.contains(invitationId) || !REVOKED_TYPE.equals(type)) {
            return;
        }
        revocations.computeIfAbsent(invitationId, id -> new ArrayList<>()).add(reason(value));
        lastRevokedAt = at;
    }

    /** Arrival of the last revoked.v1 of a grant of the round; -1 before the first. */
    synchronized long lastRevokedAt() {
        return lastRevokedAt;
    }

    /** Grants of the round with at least one revoked.v1 so far. */
    synchronized int revoked() {
        return revocations.size();
    }

    /** The counts so far. */
    synchronized Tally tally() {
        int policyChanged = 0;
        int otherReason = 0;
        int withoutReason = 0;
        int twice = 0;
        for (List<String> reasons : revocations.values()) {
            String first = reasons.get(0);
            if (first == null) {
                withoutReason++;
            } else if (first.equals(POLICY_CHANGED)) {
                policyChanged++;
            } else {
                otherReason++;
            }
            if (reasons.size() > 1) {
                twice++;
            }
        }
        return new Tally(grants.size(), revocations.size(), policyChanged, otherReason, withoutReason, twice);
    }

    private static String reason(byte[] value) {
        if (value == null) {
            return UNREADABLE;
        }
        try {
            JsonNode payload = Api.JSON.readTree(value);
            if (payload == null || !payload.isObject()) {
                return UNREADABLE;
            }
            JsonNode reason = payload.get("reason");
            return reason == null || reason.isNull() ? null : reason.asText();
        } catch (IOException e) {
            return UNREADABLE;
        }
    }

    /**
     * The counts of one round, each grant classified by its first revoked.v1.
     *
     * @param grants the round's grants
     * @param revoked grants with at least one revoked.v1
     * @param policyChanged of those, the first with {@code "reason": "policy-changed"}
     * @param otherReason the first with another reason (or an unreadable payload)
     * @param withoutReason the first without a {@code reason} member
     * @param twice grants with two or more revoked.v1 records
     */
    record Tally(int grants, int revoked, int policyChanged, int otherReason, int withoutReason, int twice) {

        /** Grants without any revoked.v1. */
        int notRevoked() {
            return grants - revoked;
        }

        /** Whether the build publishes the reason at all (false also when nothing was revoked). */
        boolean reasonAvailable() {
            return policyChanged + otherReason > 0;
        }

        /** Sums the rounds. */
        static Tally sum(List<Tally> rounds) {
            return new Tally(rounds.stream().mapToInt(Tally::grants).sum(), rounds.stream().mapToInt(Tally::revoked).sum(),
                    rounds.stream().mapToInt(Tally::policyChanged).sum(),
                    rounds.stream().mapToInt(Tally::otherReason).sum(),
                    rounds.stream().mapToInt(Tally::withoutReason).sum(), rounds.stream().mapToInt(Tally::twice).sum());
        }
    }
}
