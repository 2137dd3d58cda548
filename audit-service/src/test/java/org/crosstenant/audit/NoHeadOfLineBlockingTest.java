package org.crosstenant.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Issue #6, no head-of-line blocking, on a real broker and database: an audit record the broker refuses (larger than
 * the producer's max.request.size, lowered here) is parked and the record after it is published; an event whose
 * append fails deterministically is dead-lettered and the event after it is appended.
 */
@QuarkusTest
@TestProfile(NoHeadOfLineBlockingTest.SmallRecords.class)
class NoHeadOfLineBlockingTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String DECIDED = "org.crosstenant.policy.decided.v1";

    /** A producer limit that a decision with long shared reasons exceeds and an ordinary record does not. */
    public static class SmallRecords implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mp.messaging.outgoing.audit-records.max.request.size", "6000");
        }
    }

    @Test
    void aRecordTheBrokerRefusesIsParkedAndTheNextIsPublished() throws Exception {
        String big = UUID.randomUUID().toString();
        String bigPayload = Events.decided(big, "contoso", "fabrikam", "contoso-projects", "deny")
                .replace("\"reasons\": [\"test\"]", "\"reasons\": [\"test\"], \"sharedReasons\": [\"" + "r".repeat(900)
                        + "\"" + (", \"" + "s".repeat(900) + "\"").repeat(9) + "]");
        UUID bigId = Events.send("policy.decisions", big, DECIDED, bigPayload);
        String next = UUID.randomUUID().toString();
        UUID nextId = Events.send("policy.decisions", next, DECIDED,
                Events.decided(next, "contoso", "fabrikam", "contoso-projects", "allow"));

        assertThat(Events.readAll("audit.records", r -> r.value().contains(nextId.toString()), WAIT))
                .anySatisfy(r -> assertThat(r.value()).contains(nextId.toString()))
                .noneSatisfy(r -> assertThat(r.value()).contains(bigId.toString()));
        await().atMost(WAIT).until(() -> parkReason(bigId) != null);
        assertThat(parkReason(bigId)).contains("RecordTooLarge");
    }

    @Test
    void anEventWhoseAppendFailsDeterministicallyIsDeadLetteredAndTheNextIsAppended() throws Exception {
        String bad = UUID.randomUUID().toString();
        String constraint = "hol_test_" + UUID.randomUUID().toString().replace("-", "");
        // a constraint violation (SQLSTATE 23514) this one event triggers on every attempt
        execute("alter table audit_record add constraint " + constraint + " check (invitation_id is distinct from '"
                + bad + "')");
        try {
            // one key, so one partition: the good event is behind the bad one
            String key = "hol-" + UUID.randomUUID();
            UUID badId = Events.send("policy.decisions", key, DECIDED,
                    Events.decided(bad, "contoso", "fabrikam", "contoso-projects", "deny"));
            String next = UUID.randomUUID().toString();
            UUID nextId = Events.send("policy.decisions", key, DECIDED,
                    Events.decided(next, "contoso", "fabrikam", "contoso-projects", "allow"));

            await().atMost(WAIT).until(() -> appended(nextId));
            assertThat(Events.readAll("policy.decisions.dlq.audit-service",
                    r -> badId.toString().equals(Events.header(r, "ce_id")), WAIT))
                    .filteredOn(r -> badId.toString().equals(Events.header(r, "ce_id")))
                    .first()
                    .satisfies(r -> assertThat(Events.header(r, "dead-letter-reason")).contains(constraint));
            assertThat(appended(badId)).isFalse();
        } finally {
            execute("alter table audit_record drop constraint " + constraint);
        }
    }

    private static boolean appended(UUID sourceEventId) throws Exception {
        try (Connection db = connect(); PreparedStatement query = db.prepareStatement(
                "select 1 from audit_record where source_event_id = ?")) {
            query.setObject(1, sourceEventId);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next();
            }
        }
    }

    private static String parkReason(UUID sourceEventId) throws Exception {
        try (Connection db = connect(); PreparedStatement query = db.prepareStatement(
                "select p.reason from publish_parked p join audit_record r on r.sequence = p.record_sequence"
                        + " where r.source_event_id = ?")) {
            query.setObject(1, sourceEventId);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }

    private static void execute(String sql) throws Exception {
        try (Connection db = connect(); Statement statement = db.createStatement()) {
            statement.execute(sql);
        }
    }

    private static Connection connect() throws Exception {
        var config = ConfigProvider.getConfig();
        return DriverManager.getConnection(config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getValue("quarkus.datasource.password", String.class));
    }
}
