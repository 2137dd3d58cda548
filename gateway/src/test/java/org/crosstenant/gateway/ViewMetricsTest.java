package org.crosstenant.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.crosstenant.gateway.messaging.ViewReadinessCheck;
import org.crosstenant.gateway.support.OidcRealmsTestResource;
import org.crosstenant.gateway.support.UpstreamTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** /q/metrics (Prometheus format) carries the view's age and the view consumers' lag, per channel. */
@QuarkusTest
@QuarkusTestResource(OidcRealmsTestResource.class)
@QuarkusTestResource(UpstreamTestResource.class)
@QuarkusTestResource(KafkaTestResource.class)
class ViewMetricsTest {

    @Test
    void viewAgeAndConsumerLagArePublishedPerChannel() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
            for (String channel : ViewReadinessCheck.CHANNELS) {
                Matcher age = Pattern.compile("(?m)^crosstenant_gateway_view_age_seconds\\{channel=\"" + channel
                        + "\"[^}]*} ([0-9.E+-]+)$").matcher(metrics);
                assertTrue(age.find(), "view age of " + channel);
                assertTrue(Double.parseDouble(age.group(1)) >= 0);
                // Kafka client metrics binder: the consumer of each channel has client id kafka-consumer-<channel>
                assertTrue(Pattern.compile("(?m)^kafka_consumer_fetch_manager_records_lag(_max)?\\{[^}]*client_id=\""
                        + "kafka-consumer-" + channel + "\"").matcher(metrics).find(), "consumer lag of " + channel);
            }
            assertTrue(List.of(metrics.split("\n")).stream()
                    .anyMatch(l -> l.startsWith("# TYPE crosstenant_gateway_view_age_seconds gauge")));
        });
    }
}
