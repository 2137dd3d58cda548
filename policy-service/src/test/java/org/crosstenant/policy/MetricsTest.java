package org.crosstenant.policy;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

/**
 * /q/metrics answers in Prometheus format with every metric docs/config/policy-service.md names: the outbox
 * figures (service=policy), HTTP server requests per route, and Kafka consumer lag of the invitations-in channel.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "policy"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class MetricsTest {

    static final List<String> NAMED = List.of(
            "crosstenant_outbox_backlog{service=\"policy\"",
            "crosstenant_outbox_oldest_age_seconds{service=\"policy\"",
            "crosstenant_outbox_published_total{service=\"policy\"",
            "crosstenant_outbox_parked_total{cause=\"permanent\",service=\"policy\"",
            "crosstenant_outbox_parked_total{cause=\"retries-exhausted\",service=\"policy\"",
            "crosstenant_outbox_parked_rows{service=\"policy\"",
            "crosstenant_outbox_retries_total{service=\"policy\"",
            "crosstenant_policy_decisions_unreadable_inputs_total",
            "http_server_requests_seconds_count{",
            "uri=\"/api/v1/tenants/{tenant}/access-settings/partners/{partner}\"",
            "kafka_consumer_fetch_manager_records_lag_max{",
            "client_id=\"kafka-consumer-invitations-in\"");

    @Test
    void everyNamedMetricIsExposed() {
        // traffic: an HTTP route, an outbox row published, a record consumed on invitations-in
        DecisionFlowTest.Pair pair = DecisionFlowTest.Pair.configured("allowed");
        DecisionFlowTest.awaitDecision(DecisionFlowTest.request(pair, "metrics@" + pair.home() + ".example",
                UUID.randomUUID().toString()));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            var response = given().accept("text/plain").when().get("/q/metrics").then().statusCode(200)
                    .contentType(containsString("text/plain"));
            for (String name : NAMED) {
                response.body(containsString(name));
            }
            if (Boolean.getBoolean("metrics.dump")) {
                System.out.println(given().accept("text/plain").get("/q/metrics").asString());
            }
        });
    }
}
