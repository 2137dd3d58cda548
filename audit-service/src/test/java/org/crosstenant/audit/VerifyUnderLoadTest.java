package org.crosstenant.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import org.crosstenant.audit.messaging.AuditEventTranslator;
import org.crosstenant.audit.service.AuditLog;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue #9's /verify fault: records appended while it runs must not look missing (it checks one fixed head), and a
 * verification of many records must not hold the event loop (other requests are answered meanwhile).
 */
@QuarkusTest
class VerifyUnderLoadTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(120);
    /** Enough that hashing them all takes far longer than answering a one-record page. */
    private static final int SEEDED = 8_000;

    @TestHTTPResource("/api/v1/audit/verify")
    URI verifyUri;

    @TestHTTPResource("/api/v1/audit/records?limit=1")
    URI recordsUri;

    @Inject
    AuditLog auditLog;

    @Inject
    AuditEventTranslator translator;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

    @BeforeEach
    void enoughRecords() {
        try {
            long present = AuditDatabase.number("select last_sequence from chain_head where id = 1");
            if (present < SEEDED) {
                new LoadProducer(auditLog, translator).append((int) (SEEDED - present), 2000);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private CompletableFuture<HttpResponse<String>> get(URI uri, String tenant) {
        HttpRequest request = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + Auditors.token(tenant))
                .timeout(WAIT).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void appendsWhileVerifyRunsNeverRaiseAFalseAlarm() throws Exception {
        try (LoadProducer load = new LoadProducer(auditLog, translator).start(20)) {
            for (int i = 0; i < 4; i++) {
                long appendedBefore = load.appended();
                HttpResponse<String> response = get(verifyUri, "contoso").get();
                long appendedDuring = load.appended() - appendedBefore;
                assertThat(response.statusCode()).isEqualTo(200);
                JsonNode report = JSON.readTree(response.body());
                assertThat(report.get("ok").asBoolean()).as(response.body()).isTrue();
                assertThat(report.get("verifiedUpTo").asLong()).isGreaterThanOrEqualTo(SEEDED);
                // the test means something only if records really were appended while verify ran
                assertThat(appendedDuring).as("records appended during verification %d", i).isPositive();
            }
        }
    }

    @Test
    void otherRequestsAreAnsweredWhileAVerificationRuns() throws Exception {
        CompletableFuture<HttpResponse<String>> verification = get(verifyUri, "fabrikam");
        int answeredMeanwhile = 0;
        while (!verification.isDone()) {
            HttpResponse<String> page = get(recordsUri, "contoso").get();
            assertThat(page.statusCode()).isEqualTo(200);
            if (!verification.isDone()) {
                answeredMeanwhile++;
            }
        }
        assertThat(answeredMeanwhile).as("requests answered before the verification finished").isPositive();
        HttpResponse<String> report = verification.get();
        assertThat(report.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(report.body()).get("ok").asBoolean()).as(report.body()).isTrue();
    }
}
