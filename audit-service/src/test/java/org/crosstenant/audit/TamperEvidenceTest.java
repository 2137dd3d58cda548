package org.crosstenant.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

@QuarkusTest
class TamperEvidenceTest {

    private static Connection connect() throws SQLException {
        var config = ConfigProvider.getConfig();
        return DriverManager.getConnection(config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getValue("quarkus.datasource.password", String.class));
    }

    private static JsonPath verify() {
        return verifyAs("fabrikam");
    }

    private static JsonPath verifyAs(String tenant) {
        return Auditors.as(tenant).get("/api/v1/audit/verify").then().statusCode(200).extract().jsonPath();
    }

    @Test
    void aRowChangedBehindTheServicesBackIsReportedByVerify() throws Exception {
        String inv = UUID.randomUUID().toString();
        Events.send("policy.decisions", inv, "org.crosstenant.policy.decided.v1",
                Events.decided(inv, "contoso", "fabrikam", "contoso-projects", "deny"));
        await().atMost(Duration.ofSeconds(120))
                .until(() -> Auditors.records("contoso", Map.of("invitationId", inv)).size() == 1);
        long sequence = ((Number) Auditors.records("contoso", Map.of("invitationId", inv)).get(0).get("sequence"))
                .longValue();
        assertThat(verify().getBoolean("ok")).isTrue();

        try (Connection db = connect()) {
            // the database itself refuses changes ...
            assertThatThrownBy(() -> update(db, sequence, "allow")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("append-only");
            // ... but an owner can switch that off: the hash chain is what still tells
            try {
                withoutGuard(db, () -> update(db, sequence, "allow"));
                JsonPath report = verify();
                assertThat(report.getBoolean("ok")).isFalse();
                assertThat(report.getLong("firstBrokenSequence")).isEqualTo(sequence);
                assertThat(report.getString("reason")).contains("hash");
                // the chain is global: a tenant the changed record does not concern learns only that it is broken
                JsonPath outsider = verifyAs("northwind");
                assertThat(outsider.getBoolean("ok")).isFalse();
                assertThat((Object) outsider.get("firstBrokenSequence")).isNull();
                assertThat(outsider.getString("reason")).doesNotContain(Long.toString(sequence)).doesNotContain("content");
            } finally {
                withoutGuard(db, () -> update(db, sequence, "deny"));
            }
        }
        assertThat(verify().getBoolean("ok")).isTrue();
    }

    @Test
    void aDeletedRecordIsReportedByVerify() throws Exception {
        String inv = UUID.randomUUID().toString();
        Events.send("invitations.events", inv, "org.crosstenant.invitation.requested.v1",
                Events.requested(inv, "contoso", "fabrikam", "contoso-projects"));
        await().atMost(Duration.ofSeconds(120))
                .until(() -> Auditors.records("fabrikam", Map.of("invitationId", inv)).size() == 1);
        long sequence = ((Number) Auditors.records("fabrikam", Map.of("invitationId", inv)).get(0).get("sequence"))
                .longValue();
        // an owner removes a record (switching the guard off for it) and puts it back afterwards
        try (Connection db = connect()) {
            db.setAutoCommit(false);
            try (Statement s = db.createStatement()) {
                s.execute("ALTER TABLE audit_record DISABLE TRIGGER audit_record_no_change");
                s.execute("CREATE TEMP TABLE saved AS SELECT * FROM audit_record WHERE sequence = " + sequence);
                s.execute("DELETE FROM audit_record WHERE sequence = " + sequence);
                s.execute("ALTER TABLE audit_record ENABLE TRIGGER audit_record_no_change");
            }
            db.commit();
            try {
                // a record that is gone concerns no tenant we could check, so every caller gets only ok=false
                JsonPath report = verify();
                assertThat(report.getBoolean("ok")).isFalse();
                assertThat((Object) report.get("firstBrokenSequence")).isNull();
                assertThat(report.getString("reason")).doesNotContain(Long.toString(sequence));
            } finally {
                try (Statement s = db.createStatement()) {
                    s.execute("INSERT INTO audit_record SELECT * FROM saved");
                }
                db.commit();
            }
        }
        assertThat(verify().getBoolean("ok")).isTrue();
    }

    private static void update(Connection db, long sequence, String outcome) throws SQLException {
        try (PreparedStatement update = db.prepareStatement("UPDATE audit_record SET outcome = ? WHERE sequence = ?")) {
            update.setString(1, outcome);
            update.setLong(2, sequence);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
    }

    interface SqlAction {
        void run() throws SQLException;
    }

    private static void withoutGuard(Connection db, SqlAction action) throws SQLException {
        try (Statement s = db.createStatement()) {
            s.execute("ALTER TABLE audit_record DISABLE TRIGGER audit_record_no_change");
            try {
                action.run();
            } finally {
                s.execute("ALTER TABLE audit_record ENABLE TRIGGER audit_record_no_change");
            }
        }
    }
}
