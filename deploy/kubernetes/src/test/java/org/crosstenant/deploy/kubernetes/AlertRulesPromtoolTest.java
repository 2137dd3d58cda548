package org.crosstenant.deploy.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alert rules through Prometheus' own checker, {@code promtool} (from Debian's prometheus package, fetched and
 * cached by {@code promtool/fetch.sh}): the rules the chart renders into ConfigMap {@code crosstenant-alerts} parse
 * ({@code promtool check rules}), and {@code promtool test rules} runs them on synthetic series
 * ({@code src/test/resources/alerts/alerts-test.yaml}), among them the counter registered at its first event. Each is
 * shown to fail on a broken copy.
 */
class AlertRulesPromtoolTest {

    static Path promtool;

    @BeforeAll
    static void fetch() throws Exception {
        Run fetched = run(List.of(RenderedManifestsTest.MODULE.resolve("promtool/fetch.sh").toString()), null);
        assertThat(fetched.exit()).as("promtool/fetch.sh:\n%s", fetched.output()).isZero();
        List<String> lines = fetched.output().strip().lines().toList();
        promtool = Path.of(lines.get(lines.size() - 1));
    }

    /** The rules as the chart ships them: the production ConfigMap's {@code alerts.yaml}. */
    static String shippedRules() throws IOException {
        Path rendered = RenderedManifestsTest.RENDERED.resolve("production.yaml");
        if (!Files.isRegularFile(rendered)) {
            ChartRenderer.main(new String[]{RenderedManifestsTest.MODULE.toString(), RenderedManifestsTest.RENDERED.toString()});
        }
        ObjectNode map = Manifests.read(rendered).ofKind("ConfigMap").stream()
                .filter(c -> c.path("metadata").path("name").asText().equals("crosstenant-alerts")).findFirst().orElseThrow();
        return map.path("data").path("alerts.yaml").asText();
    }

    @Test
    void promtoolAcceptsTheShippedRulesAndRefusesABrokenExpression(@TempDir Path dir) throws Exception {
        Path rules = Files.writeString(dir.resolve("alerts.yaml"), shippedRules());
        Run good = run(List.of(promtool.toString(), "check", "rules", rules.toString()), dir);
        assertThat(good.exit()).as(good.output()).isZero();
        assertThat(good.output()).contains("SUCCESS: " + AlertRules.alerts(AlertRules.read(rules)).size() + " rules found");

        Path broken = Files.writeString(dir.resolve("broken.yaml"), shippedRules()
                .replace("(crosstenant_outbox_parked_rows) > 0", "(crosstenant_outbox_parked_rows) >"));
        Run bad = run(List.of(promtool.toString(), "check", "rules", broken.toString()), dir);
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.output()).contains("\"CrosstenantOutboxParked\": could not parse expression");
    }

    @Test
    void theRulesFireOnSyntheticSeriesAndACounterRegisteredAtItsFirstEventIsNotMissed(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("alerts.yaml"), shippedRules());
        Path tests = dir.resolve("alerts-test.yaml");
        try (var in = AlertRulesPromtoolTest.class.getResourceAsStream("/alerts/alerts-test.yaml")) {
            Files.write(tests, in.readAllBytes());
        }
        Run good = run(List.of(promtool.toString(), "test", "rules", tests.toString()), dir);
        assertThat(good.exit()).as(good.output()).isZero();

        // without the branch for a new series, the first stuck record raises nothing
        JsonNode rules = Manifests.YAML.readTree(shippedRules());
        AlertRules.alerts(rules).stream().filter(a -> a.path("alert").asText().equals("CrosstenantConsumerStuck"))
                .forEach(a -> ((ObjectNode) a).put("expr", "increase(crosstenant_consumer_stuck_total[15m]) > 0"));
        Files.writeString(dir.resolve("alerts.yaml"), Manifests.YAML.writeValueAsString(rules));
        Run bad = run(List.of(promtool.toString(), "test", "rules", tests.toString()), dir);
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.output()).contains("alertname: CrosstenantConsumerStuck");
    }

    private record Run(int exit, String output) {
    }

    private static Run run(List<String> command, Path dir) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (dir != null) {
            builder.directory(dir.toFile());
        }
        Process process = builder.start();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("%s did not finish", command).isTrue();
        return new Run(process.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
