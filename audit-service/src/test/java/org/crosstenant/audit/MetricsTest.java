package org.crosstenant.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.quarkus.test.junit.QuarkusTest;

import org.junit.jupiter.api.Test;

/** /q/metrics answers in Prometheus format with every metric this service documents (docs/config/audit-service.md). */
@QuarkusTest
class MetricsTest {

    private static final Duration WAIT = Duration.ofSeconds(120);

    private static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** The value of the first sample of {@code name} (no labels), or -1 when absent. */
    private static double sample(String text, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    @Test
    void everyNamedMetricIsExposed() {
        double appendedBefore = Math.max(0, sample(metrics(), "crosstenant_audit_appended_records_total"));
        String inv = UUID.randomUUID().toString();
        Events.send("invitations.events", inv, "org.crosstenant.invitation.requested.v1",
                Events.requested(inv, "contoso", "fabrikam", "contoso-projects"));
        await().atMost(WAIT).until(() -> Auditors.records("contoso", Map.of("invitationId", inv)).size() == 1);

        await().atMost(WAIT).untilAsserted(() -> {
            String text = metrics();
            assertThat(sample(text, "crosstenant_audit_appended_records_total")).isGreaterThan(appendedBefore);
            assertThat(sample(text, "crosstenant_audit_append_batch_size_count")).isGreaterThan(0);
            assertThat(text).contains("crosstenant_audit_append_batch_size{quantile=\"0.99\"");
            assertThat(sample(text, "crosstenant_audit_append_lag_seconds_count")).isGreaterThan(0);
            assertThat(text).contains("crosstenant_audit_append_lag_seconds{quantile=\"0.99\"")
                    .contains("crosstenant_audit_append_lag_seconds_bucket{");
            assertThat(sample(text, "crosstenant_audit_outbox_backlog")).isGreaterThanOrEqualTo(0);
            assertThat(sample(text, "crosstenant_audit_outbox_oldest_age_seconds")).isGreaterThanOrEqualTo(0);
            assertThat(text).containsPattern("crosstenant_outbox_parked_total\\{[^}]*cause=\"permanent\"[^}]*service=\"audit\"")
                    .containsPattern("crosstenant_outbox_parked_rows\\{[^}]*service=\"audit\"")
                    .containsPattern("crosstenant_outbox_retries_total\\{[^}]*service=\"audit\"");
            // HTTP server metrics per route (the templated path, not the raw one)
            assertThat(text).containsPattern("http_server_requests_seconds_count\\{[^}]*uri=\"/api/v1/audit/records\"");
            // Kafka consumer lag, one client per channel
            for (String channel : List.of("invitations-events", "policy-decisions", "policy-events", "gateway-access")) {
                assertThat(text).as(channel).containsPattern(
                        "kafka_consumer_fetch_manager_records_lag\\{[^}]*client_id=\"[^\"]*" + channel);
            }
        });
    }
}
