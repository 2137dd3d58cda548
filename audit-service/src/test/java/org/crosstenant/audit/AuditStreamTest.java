package org.crosstenant.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.inject.Inject;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import org.crosstenant.audit.messaging.AuditEventTranslator;
import org.crosstenant.audit.service.AuditLog;
import org.junit.jupiter.api.Test;

@QuarkusTest
class AuditStreamTest {

    // generous: on a loaded 2-core machine the consumers were seen joining 20-90 s after start; a pass returns at once
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/api/v1/audit/stream")
    URI streamUri;

    @Inject
    AuditLog auditLog;

    @Inject
    AuditEventTranslator translator;

    /** One SSE connection read on a background thread; events are parsed from the text/event-stream lines. */
    final class Subscription implements AutoCloseable {
        final List<String> lines = new CopyOnWriteArrayList<>();
        final List<JsonNode> records = new CopyOnWriteArrayList<>();
        final List<String> ids = new CopyOnWriteArrayList<>();
        final HttpResponse<Stream<String>> response;
        final Thread reader;

        Subscription(String tenant, String lastEventId) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(streamUri)
                    .header("Authorization", "Bearer " + Auditors.token(tenant))
                    .header("Accept", "text/event-stream");
            if (lastEventId != null) {
                request.header("Last-Event-ID", lastEventId);
            }
            response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofLines());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/event-stream"));
            reader = new Thread(() -> {
                String event = null;
                try {
                    for (var it = response.body().iterator(); it.hasNext();) {
                        String line = it.next();
                        lines.add(line);
                        if (line.startsWith("event:")) {
                            event = line.substring(6).trim();
                        } else if (line.startsWith("id:")) {
                            ids.add(line.substring(3).trim());
                        } else if (line.startsWith("data:") && "audit-record".equals(event)) {
                            records.add(JSON.readTree(line.substring(5)));
                        } else if (line.isEmpty()) {
                            event = null;
                        }
                    }
                } catch (Exception closed) {
                    // the test closed the stream
                }
            }, "sse-" + tenant);
            reader.setDaemon(true);
            reader.start();
            // the server says where it starts once it listens; only then can a new record not be missed
            await().atMost(WAIT).until(() -> lines.stream().anyMatch(l -> l.startsWith(":connected")));
        }

        List<String> sourceIds() {
            return records.stream().map(r -> r.get("sourceEventId").asText()).toList();
        }

        @Override
        public void close() throws Exception {
            response.body().close();
            reader.interrupt();
            reader.join(5000);
        }
    }

    @Test
    void aConnectedAuditorGetsNewRecordsOfItsTenantOnly() throws Exception {
        try (Subscription contoso = new Subscription("contoso", null);
                Subscription fabrikam = new Subscription("fabrikam", null)) {
            UUID contosoOnly = Events.send("policy.events", "contoso", "org.crosstenant.policy.application-registered.v1",
                    Events.applicationRegistered("contoso", "app-" + UUID.randomUUID().toString().substring(0, 8)));
            UUID fabrikamOnly = Events.send("policy.events", "fabrikam",
                    "org.crosstenant.policy.access-settings-changed.v1", Events.settingsChanged("fabrikam", "contoso", 7));
            String inv = UUID.randomUUID().toString();
            UUID both = Events.send("invitations.events", inv, "org.crosstenant.invitation.requested.v1",
                    Events.requested(inv, "contoso", "fabrikam", "contoso-projects"));

            await().atMost(WAIT).untilAsserted(() -> assertThat(contoso.sourceIds())
                    .contains(contosoOnly.toString(), both.toString()));
            await().atMost(WAIT).untilAsserted(() -> assertThat(fabrikam.sourceIds())
                    .contains(fabrikamOnly.toString(), both.toString()));
            // the fabrikam-only record was appended before `both`, so contoso's stream has passed it: never sent
            assertThat(contoso.sourceIds()).doesNotContain(fabrikamOnly.toString());
            assertThat(fabrikam.sourceIds()).doesNotContain(contosoOnly.toString());
            assertThat(contoso.records).allSatisfy(r -> assertThat(r.get("tenants").toString()).contains("\"contoso\""));
            assertThat(fabrikam.records).allSatisfy(r -> assertThat(r.get("tenants").toString()).contains("\"fabrikam\""));
            assertThat(contoso.records).extracting(r -> r.get("sequence").asLong()).isSorted().doesNotHaveDuplicates();
            assertThat(contoso.ids).isEqualTo(contoso.records.stream().map(r -> r.get("sequence").asText()).toList());
        }
    }

    @Test
    void lastEventIdReplaysWhatTheAuditorMissed() throws Exception {
        String inv = UUID.randomUUID().toString();
        UUID first = Events.send("invitations.events", inv, "org.crosstenant.invitation.requested.v1",
                Events.requested(inv, "contoso", "fabrikam", "contoso-projects"));
        UUID second = Events.send("policy.decisions", inv, "org.crosstenant.policy.decided.v1",
                Events.decided(inv, "contoso", "fabrikam", "contoso-projects", "deny"));
        await().atMost(WAIT).until(() -> Auditors.records("fabrikam", Map.of("invitationId", inv)).size() == 2);
        long firstSequence = Auditors.records("fabrikam", Map.of("invitationId", inv)).stream()
                .mapToLong(r -> ((Number) r.get("sequence")).longValue()).min().orElseThrow();

        try (Subscription fabrikam = new Subscription("fabrikam", Long.toString(firstSequence - 1))) {
            await().atMost(WAIT).untilAsserted(() -> assertThat(fabrikam.sourceIds())
                    .contains(first.toString(), second.toString()));
            assertThat(fabrikam.records.get(0).get("sequence").asLong()).isEqualTo(firstSequence);
        }
    }

    @Test
    void keepAliveCommentsFlowWhileNothingHappens() throws Exception {
        // keep-alive is 2 s in the test profile
        try (Subscription contoso = new Subscription("contoso", null)) {
            await().atMost(WAIT).until(() -> contoso.lines.contains(":keep-alive"));
        }
    }

    /**
     * Issue #9 item 6: a SIEM that loses its connection again and again while records keep coming (appended back to
     * back through the append path, for both tenants) resumes with Last-Event-ID and ends up with exactly its
     * tenant's records, each once, in order: none lost in the switch from replay to live, none sent twice.
     */
    @Test
    void reconnectingWithLastEventIdUnderLoadLosesAndRepeatsNothing() throws Exception {
        long start = AuditDatabase.number("select last_sequence from chain_head where id = 1");
        List<Long> received = new java.util.ArrayList<>();
        String lastEventId = Long.toString(start);
        try (LoadProducer load = new LoadProducer(auditLog, translator).start(25)) {
            for (int drop = 0; drop < 6; drop++) {
                int before = received.size();
                try (Subscription contoso = new Subscription("contoso", lastEventId)) {
                    // drop the connection after some records arrived, in the middle of whatever is being sent
                    await().atMost(WAIT).until(() -> contoso.records.size() >= 40 + before % 7);
                    contoso.close();
                    contoso.records.forEach(r -> received.add(r.get("sequence").asLong()));
                }
                assertThat(received.size()).isGreaterThan(before);
                lastEventId = Long.toString(received.get(received.size() - 1));
            }
            assertThat(load.appended()).isPositive();
        }
        // the producer stopped: one last connection catches up to the end
        long last = AuditDatabase.number("select coalesce(max(sequence), 0) from audit_record"
                + " where 'contoso' = any(tenants) and sequence > " + start);
        if (received.get(received.size() - 1) < last) {
            try (Subscription contoso = new Subscription("contoso", lastEventId)) {
                await().atMost(WAIT).until(() -> !contoso.records.isEmpty()
                        && contoso.records.get(contoso.records.size() - 1).get("sequence").asLong() >= last);
                contoso.close();
                contoso.records.forEach(r -> received.add(r.get("sequence").asLong()));
            }
        }
        List<Long> expected = new java.util.ArrayList<>();
        try (var db = AuditDatabase.connect(); var s = db.createStatement(); var rs = s.executeQuery(
                "select sequence from audit_record where 'contoso' = any(tenants) and sequence > " + start
                        + " and sequence <= " + last + " order by sequence")) {
            while (rs.next()) {
                expected.add(rs.getLong(1));
            }
        }
        assertThat(expected).hasSizeGreaterThan(6 * 40);
        assertThat(received).isEqualTo(expected);
    }

    @Test
    void aMalformedReplayPointIsAProblem() {
        for (String id : List.of("-1", "+5", "1 2", "0x10", "99999999999999999999", "1e3")) {
            Auditors.as("contoso").header("Last-Event-ID", id).get("/api/v1/audit/stream").then().statusCode(400)
                    .contentType("application/problem+json").body("field", org.hamcrest.Matchers.equalTo("Last-Event-ID"));
        }
        // the reconnect header wins over the query parameter: a bad `after` is not even looked at then
        Auditors.as("contoso").header("Last-Event-ID", "-1").get("/api/v1/audit/stream?after=3").then().statusCode(400)
                .body("field", org.hamcrest.Matchers.equalTo("Last-Event-ID"));
    }
}
