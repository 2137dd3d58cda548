package org.crosstenant.invitation;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;

/** /q/metrics answers in Prometheus text format with every metric docs/config/invitation-service.md names. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "invitation"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class MetricsTest {

    /** A sample line of each: name, then the labels that must be on it. */
    static final List<Pattern> EXPECTED = List.of(
            Pattern.compile("(?m)^crosstenant_outbox_backlog\\{[^}]*service=\"invitation\"[^}]*} "),
            Pattern.compile("(?m)^crosstenant_outbox_oldest_age_seconds\\{[^}]*service=\"invitation\"[^}]*} "),
            Pattern.compile("(?m)^crosstenant_outbox_published_total\\{[^}]*service=\"invitation\"[^}]*} [1-9]"),
            Pattern.compile("(?m)^crosstenant_outbox_parked_total\\{[^}]*cause=\"permanent\"[^}]*service=\"invitation\"[^}]*} "),
            Pattern.compile("(?m)^crosstenant_outbox_parked_rows\\{[^}]*service=\"invitation\"[^}]*} "),
            Pattern.compile("(?m)^crosstenant_outbox_retries_total\\{[^}]*service=\"invitation\"[^}]*} "),
            // per route: the URI template, not the concrete id
            Pattern.compile("(?m)^http_server_requests_seconds_count\\{[^}]*uri=\"/api/v1/invitations/\\{id}\"[^}]*} "),
            Pattern.compile("(?m)^http_server_requests_seconds_count\\{[^}]*uri=\"/api/v1/invitations\"[^}]*} "),
            // consumer lag of the decisions channel (Kafka client metrics binder; client id names the channel)
            Pattern.compile("(?m)^kafka_consumer_fetch_manager_records_lag_max\\{[^}]*client_id=\"[^\"]*policy-decisions[^\"]*\"[^}]*} "));

    @Test
    void everyNamedMetricIsExposed() {
        String id = Api.fileForBob();
        Api.get(Tokens.fabrikamPartner(), id).then().statusCode(200);
        Api.decide(id, "allow");
        Api.awaitStatus(Tokens.fabrikamPartner(), id, "pending_acceptance");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            // the Prometheus text format (0.0.4), as Prometheus asks for it
            String body = given().accept("text/plain; version=0.0.4").get("/q/metrics").then().statusCode(200)
                    .contentType(containsString("text/plain")).extract().asString();
            for (Pattern p : EXPECTED) {
                if (!p.matcher(body).find()) {
                    throw new AssertionError("no metric matches " + p.pattern());
                }
            }
        });
    }
}
