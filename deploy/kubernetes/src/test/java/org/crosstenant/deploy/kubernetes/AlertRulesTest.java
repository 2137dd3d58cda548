package org.crosstenant.deploy.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chart's Prometheus alerting rules ({@code chart/crosstenant/alerts/alerts.yaml}): they parse, every alert has
 * its fields and its paragraph in docs/operations.md, every metric they read is one the suite declares, and the chart
 * ships them as ConfigMap {@code crosstenant-alerts} when {@code alerts.enabled}. Each check is shown to fail on a
 * broken copy. (That the names are really exposed is checked against a live scrape by deploy/e2e CrossTenantWalkIT.)
 */
class AlertRulesTest {

    static final Path MODULE = RenderedManifestsTest.MODULE;
    static final Path REPO = MODULE.resolve("../..").normalize();
    static final Path RULES = MODULE.resolve("chart/crosstenant/alerts/alerts.yaml");
    static final List<String> SERVICE_MODULES = List.of("gateway", "invitation-service", "policy-service",
            "audit-service", "deploy/witness", "platform");

    static JsonNode rules;
    static String operations;
    static Set<String> meters;
    static List<String> properties;

    @BeforeAll
    static void read() throws IOException {
        rules = AlertRules.read(RULES);
        operations = Files.readString(REPO.resolve("docs/operations.md"));
        meters = AlertRules.declaredMeters(SERVICE_MODULES.stream().map(REPO::resolve).toList());
        properties = new ArrayList<>();
        for (String module : SERVICE_MODULES) {
            Path p = REPO.resolve(module).resolve("src/main/resources/application.properties");
            if (Files.isRegularFile(p)) {
                properties.add("\n" + Files.readString(p));
            }
        }
    }

    static JsonNode copy() {
        return rules.deepCopy();
    }

    static ObjectNode alert(JsonNode copy, String name) {
        return (ObjectNode) AlertRules.alerts(copy).stream()
                .filter(a -> a.path("alert").asText().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void theRulesFileParsesAndHoldsTheAlerts() {
        assertThat(AlertRules.alerts(rules)).hasSizeGreaterThanOrEqualTo(10);
        assertThat(AlertRules.alerts(rules)).extracting(a -> a.path("alert").asText())
                .contains("CrosstenantOutboxParked", "CrosstenantConsumerStuck", "CrosstenantConsumerLag",
                        "CrosstenantAuditWitnessRefused");
    }

    @Test
    void everyAlertHasItsFields() {
        assertThat(AlertRules.fields(rules)).isEmpty();
    }

    @Test
    void anAlertWithoutSeverityOrWithAWrongRunbookOrForOrTwiceIsReported() {
        JsonNode broken = copy();
        ((ObjectNode) alert(broken, "CrosstenantOutboxParked").path("labels")).remove("severity");
        ((ObjectNode) alert(broken, "CrosstenantConsumerLag").path("annotations")).put("runbook_url", "docs/operations.md#lag");
        alert(broken, "CrosstenantOutboxStalled").put("for", "five minutes");
        ((ArrayNode) broken.path("groups").get(0).path("rules")).add(alert(broken, "CrosstenantConsumerStuck").deepCopy());
        assertThat(AlertRules.fields(broken)).containsExactlyInAnyOrder(
                "alert CrosstenantOutboxParked has no severity label of " + AlertRules.SEVERITIES + ": ''",
                "alert CrosstenantConsumerLag has runbook_url 'docs/operations.md#lag', not docs/operations.md#crosstenantconsumerlag",
                "alert CrosstenantOutboxStalled has a 'for' that is not a duration: five minutes",
                "alert CrosstenantConsumerStuck is defined twice");
    }

    @Test
    void aFileWithoutGroupsIsReported() throws IOException {
        assertThat(AlertRules.fields(Manifests.YAML.readTree("groups: []\n"))).containsExactly("the rules file has no groups");
    }

    @Test
    void everyAlertHasItsParagraphInTheRunbook() {
        assertThat(AlertRules.runbook(rules, operations)).isEmpty();
    }

    @Test
    void anAlertWithoutItsParagraphOrOneThatNamesNoMetricIsReported() {
        String withoutParked = operations.replace("\n#### CrosstenantOutboxParked\n", "\n#### Something else\n");
        assertThat(AlertRules.runbook(rules, withoutParked)).containsExactly(
                "alert CrosstenantOutboxParked has no paragraph '#### CrosstenantOutboxParked' under '## Metrics and alerts' in docs/operations.md");

        JsonNode broken = copy();
        alert(broken, "CrosstenantHttpErrors").put("expr", "crosstenant_outbox_backlog > 1000");
        assertThat(AlertRules.runbook(broken, operations)).containsExactly(
                "the runbook paragraph of CrosstenantHttpErrors names none of its metrics [crosstenant_outbox_backlog]");
    }

    @Test
    void metricNamesAreReadFromPromQlWithoutFunctionsLabelsOrDurations() {
        assertThat(AlertRules.metrics("histogram_quantile(0.99, sum by (job, le) (rate(crosstenant_audit_append_lag_seconds_bucket[5m]))) > 30"))
                .containsExactly("crosstenant_audit_append_lag_seconds_bucket");
        assertThat(AlertRules.metrics("increase(a_total[15m]) > 0 or (a_total > 0 unless a_total offset 15m)"))
                .containsExactly("a_total");
        assertThat(AlertRules.metrics("max by (job, instance, channel) (x_seconds) > 60 and on (job, instance) "
                + "(max by (job, instance) (kafka_lag{client_id=~\"kafka-consumer-(policy|invitation)-events\"}) > 0)"))
                .containsExactly("x_seconds", "kafka_lag");
    }

    @Test
    void everyMetricTheRulesReadIsDeclaredByTheSuite() {
        assertThat(meters).contains("crosstenant.outbox.parked.rows", "crosstenant.consumer.stuck", "crosstenant.witness.refusals");
        assertThat(AlertRules.metricsDeclared(rules, meters, properties)).isEmpty();
    }

    @Test
    void aMetricNobodyDeclaresIsReported() {
        JsonNode broken = copy();
        alert(broken, "CrosstenantOutboxParked").put("expr", "max(crosstenant_outbox_parked_rowz) > 0");
        alert(broken, "CrosstenantHttpErrors").put("expr", "rate(node_cpu_seconds_total[5m]) > 1");
        alert(broken, "CrosstenantConsumerLag").put("expr", "kafka_producer_record_error_total > 0");
        assertThat(AlertRules.metricsDeclared(broken, meters, properties)).containsExactlyInAnyOrder(
                "alert CrosstenantOutboxParked reads crosstenant_outbox_parked_rowz, but no service declares a meter of that name",
                "alert CrosstenantHttpErrors reads node_cpu_seconds_total, which is not a metric of the suite (" + AlertRules.METRIC_PREFIXES + ")",
                "alert CrosstenantConsumerLag reads kafka_producer_record_error_total, but no service exposes Kafka consumer metrics of that name");
        // the binders switched off: their metrics are not exposed
        assertThat(AlertRules.metricsDeclared(rules, meters, List.of("\nquarkus.micrometer.binder.kafka.enabled=false")))
                .contains("alert CrosstenantConsumerLag reads kafka_consumer_fetch_manager_records_lag, but no service exposes Kafka consumer metrics of that name",
                        "alert CrosstenantHttpErrors reads http_server_requests_seconds_count, but no service exposes HTTP server metrics of that name");
    }

    @Test
    void theChartShipsTheRulesAsAConfigMap() throws IOException {
        for (String overlay : List.of("production", "dev")) {
            Path rendered = RenderedManifestsTest.RENDERED.resolve(overlay + ".yaml");
            if (!Files.isRegularFile(rendered)) {
                ChartRenderer.main(new String[]{MODULE.toString(), RenderedManifestsTest.RENDERED.toString()});
            }
            Manifests m = Manifests.read(rendered);
            List<ObjectNode> maps = m.ofKind("ConfigMap").stream()
                    .filter(c -> c.path("metadata").path("name").asText().equals("crosstenant-alerts")).toList();
            assertThat(maps).hasSize(1);
            JsonNode shipped = Manifests.YAML.readTree(maps.get(0).path("data").path("alerts.yaml").asText());
            assertThat(shipped).isEqualTo(rules);
        }
    }

    @Test
    void alertsOffShipsNothingAndRunbookUrlIsThePrefix(@TempDir Path out) throws IOException {
        Path off = ChartRenderer.render(MODULE, "production", out, "off", Map.of("alerts.enabled", false));
        assertThat(Manifests.read(off).ofKind("ConfigMap")).isEmpty();

        Path moved = ChartRenderer.render(MODULE, "production", out, "moved",
                Map.of("alerts.runbookUrl", "https://wiki.example/ops/crosstenant"));
        ObjectNode map = Manifests.read(moved).ofKind("ConfigMap").get(0);
        JsonNode shipped = Manifests.YAML.readTree(map.path("data").path("alerts.yaml").asText());
        assertThat(alert(shipped, "CrosstenantOutboxParked").path("annotations").path("runbook_url").asText())
                .isEqualTo("https://wiki.example/ops/crosstenant#crosstenantoutboxparked");
    }
}
