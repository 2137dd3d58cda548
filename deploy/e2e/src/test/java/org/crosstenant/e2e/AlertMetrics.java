package org.crosstenant.e2e;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names the chart's Prometheus alert rules read ({@code deploy/kubernetes/chart/crosstenant/alerts/alerts.yaml})
 * and the names a Prometheus text scrape exposes, so the walk can prove that no alert waits on a metric nobody exposes.
 * Every metric the rules use starts with {@code crosstenant_}, {@code kafka_} or {@code http_} (deploy/kubernetes
 * AlertRulesTest refuses any other), which is what this reads from the rules file's non-comment lines.
 */
final class AlertMetrics {

    /**
     * Counters the services register at their first event, so a healthy stack's scrape does not show them:
     * {@code crosstenant_consumer_stuck_total} (a record still failing transiently after the retries) and
     * {@code crosstenant_witness_refusals_total} (a witness given a split view). deploy/kubernetes AlertRulesTest checks
     * them against the services' meter names instead.
     */
    static final Set<String> REGISTERED_AT_FIRST_EVENT = Set.of("crosstenant_consumer_stuck_total",
            "crosstenant_witness_refusals_total");

    private static final Pattern METRIC = Pattern.compile("(?<![A-Za-z0-9_:.-])(?:crosstenant|kafka|http)_[a-z0-9_]+");

    private AlertMetrics() {
    }

    /**
     * @param rulesYaml the rules file's text
     * @return the metric names its expressions (and annotations) name, comment lines left out
     */
    static Set<String> used(String rulesYaml) {
        Set<String> out = new LinkedHashSet<>();
        for (String line : rulesYaml.split("\n")) {
            if (line.strip().startsWith("#")) {
                continue;
            }
            Matcher m = METRIC.matcher(line);
            while (m.find()) {
                out.add(m.group());
            }
        }
        return out;
    }

    /**
     * @param scrape a Prometheus text exposition ({@code GET /q/metrics})
     * @return the names of its samples
     */
    static Set<String> exposed(String scrape) {
        Set<String> out = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                end++;
            }
            out.add(line.substring(0, end));
        }
        return out;
    }

    /**
     * @param used    the names the rules read
     * @param exposed the names the services expose
     * @return the names read but exposed by no service, apart from {@link #REGISTERED_AT_FIRST_EVENT}
     */
    static Set<String> missing(Set<String> used, Set<String> exposed) {
        Set<String> out = new TreeSet<>(used);
        out.removeAll(exposed);
        out.removeAll(REGISTERED_AT_FIRST_EVENT);
        return out;
    }
}
