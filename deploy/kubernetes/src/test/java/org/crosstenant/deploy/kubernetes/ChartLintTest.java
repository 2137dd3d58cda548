package org.crosstenant.deploy.kubernetes;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code helm lint --strict} of the chart (its default values), through helm-java. */
class ChartLintTest {

    @Test
    void theChartLintsStrictlyClean() {
        LintResult result = new Helm(RenderedManifestsTest.MODULE.resolve("chart/crosstenant")).lint().strict().call();
        assertThat(result.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
        assertThat(result.isFailed()).isFalse();
    }

    @Test
    void aBrokenTemplateFailsTheLint(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        Path chart = Files.createDirectories(tmp.resolve("broken/templates"));
        Files.writeString(tmp.resolve("broken/Chart.yaml"), "apiVersion: v2\nname: broken\nversion: 0.1.0\n");
        Files.writeString(chart.resolve("cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.missing.name }}\n");
        LintResult result = new Helm(tmp.resolve("broken")).lint().strict().call();
        assertThat(result.isFailed()).isTrue();
        assertThat(String.join("\n", result.getMessages())).contains("cm.yaml");
    }
}
