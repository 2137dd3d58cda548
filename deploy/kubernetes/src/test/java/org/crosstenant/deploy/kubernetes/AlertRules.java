package org.crosstenant.deploy.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checks the chart's Prometheus alerting rules ({@code chart/crosstenant/alerts/alerts.yaml}, Prometheus' rules-file
 * format: {@code groups[].rules[]} with {@code alert}, {@code expr}, {@code for}, {@code labels}, {@code annotations})
 * against the runbook and the services' code. Each check returns violations as sentences naming the alert; an empty
 * list means the rules pass.
 */
final class AlertRules {

    /** Severities the rules may use (the {@code severity} label). */
    static final Set<String> SEVERITIES = Set.of("critical", "warning", "info");

    /** Prefixes of every metric an expression may name: the suite's own and Quarkus' Kafka and HTTP binders'. */
    static final List<String> METRIC_PREFIXES = List.of("crosstenant_", "kafka_", "http_");

    private static final Pattern ALERT_NAME = Pattern.compile("Crosstenant[A-Z][A-Za-z0-9]*");
    private static final Pattern DURATION = Pattern.compile("[0-9]+[smhdwy]");
    private static final Pattern QUOTED = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern BRACES = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGES = Pattern.compile("\\[[^]]*]");
    private static final Pattern GROUPING = Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![A-Za-z0-9_:.])[A-Za-z_:][A-Za-z0-9_:]*(?![A-Za-z0-9_:])(\\s*\\()?");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "offset", "bool", "by", "without", "on",
            "ignoring", "group_left", "group_right", "inf", "nan", "Inf", "NaN");
    /** A metric name's suffixes Micrometer's Prometheus registry adds to a meter's name. */
    private static final List<String> SUFFIXES = List.of("_seconds_bucket", "_seconds_count", "_seconds_sum",
            "_seconds_max", "_bucket", "_count", "_sum", "_max", "_total", "_seconds");
    private static final Pattern METER_LITERAL = Pattern.compile("\"(crosstenant\\.[a-z0-9.]+)\"");

    private AlertRules() {
    }

    /**
     * Reads a rules file.
     *
     * @param file the YAML rules file
     * @return its tree
     * @throws IOException when it cannot be read or is not YAML
     */
    static JsonNode read(Path file) throws IOException {
        return Manifests.YAML.readTree(Files.readString(file));
    }

    /**
     * @param rules a rules file's tree
     * @return every alerting rule of every group (recording rules are skipped)
     */
    static List<JsonNode> alerts(JsonNode rules) {
        List<JsonNode> out = new ArrayList<>();
        rules.path("groups").forEach(g -> g.path("rules").forEach(r -> {
            if (r.has("alert")) {
                out.add(r);
            }
        }));
        return out;
    }

    /**
     * The rules file's shape: at least one group, each named and with rules; each alerting rule a unique
     * {@code Crosstenant…} name, an expression, a {@code for} duration if any, a known severity, a summary and a
     * {@code runbook_url} ending in {@code docs/operations.md#<lower-case alert name>}.
     *
     * @param rules the file's tree
     * @return violations
     */
    static List<String> fields(JsonNode rules) {
        List<String> out = new ArrayList<>();
        if (!rules.path("groups").isArray() || rules.path("groups").isEmpty()) {
            out.add("the rules file has no groups");
            return out;
        }
        Set<String> names = new HashSet<>();
        for (JsonNode group : rules.path("groups")) {
            String groupName = group.path("name").asText("");
            if (groupName.isBlank()) {
                out.add("a group has no name");
            }
            if (!group.path("rules").isArray() || group.path("rules").isEmpty()) {
                out.add("group " + groupName + " has no rules");
            }
        }
        for (JsonNode rule : alerts(rules)) {
            String name = rule.path("alert").asText("");
            if (!ALERT_NAME.matcher(name).matches()) {
                out.add("alert '" + name + "' is not named Crosstenant<Name>");
            }
            if (!names.add(name)) {
                out.add("alert " + name + " is defined twice");
            }
            if (rule.path("expr").asText("").isBlank()) {
                out.add("alert " + name + " has no expr");
            }
            if (rule.has("for") && !DURATION.matcher(rule.path("for").asText()).matches()) {
                out.add("alert " + name + " has a 'for' that is not a duration: " + rule.path("for").asText());
            }
            String severity = rule.path("labels").path("severity").asText("");
            if (!SEVERITIES.contains(severity)) {
                out.add("alert " + name + " has no severity label of " + SEVERITIES + ": '" + severity + "'");
            }
            if (rule.path("annotations").path("summary").asText("").isBlank()) {
                out.add("alert " + name + " has no summary");
            }
            String runbook = rule.path("annotations").path("runbook_url").asText("");
            if (!runbook.equals("docs/operations.md#" + name.toLowerCase(Locale.ROOT))) {
                out.add("alert " + name + " has runbook_url '" + runbook + "', not docs/operations.md#"
                        + name.toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    /**
     * Every alert has its paragraph in the runbook: a heading {@code #### <alert name>} (GitHub's anchor of it is the
     * lower-case name, what {@code runbook_url} points at) under {@code ## Metrics and alerts}, followed by text that
     * names at least one metric of the alert's expression and says what to do.
     *
     * @param rules      the file's tree
     * @param operations the text of docs/operations.md
     * @return violations
     */
    static List<String> runbook(JsonNode rules, String operations) {
        List<String> out = new ArrayList<>();
        int section = operations.indexOf("\n## Metrics and alerts\n");
        if (section < 0) {
            out.add("docs/operations.md has no section '## Metrics and alerts'");
            return out;
        }
        int sectionEnd = operations.indexOf("\n## ", section + 1);
        String text = operations.substring(section, sectionEnd < 0 ? operations.length() : sectionEnd);
        for (JsonNode rule : alerts(rules)) {
            String name = rule.path("alert").asText();
            Matcher heading = Pattern.compile("\n#### " + Pattern.quote(name) + "\n").matcher(text);
            if (!heading.find()) {
                out.add("alert " + name + " has no paragraph '#### " + name + "' under '## Metrics and alerts' in docs/operations.md");
                continue;
            }
            int next = text.indexOf("\n#", heading.end());
            String paragraph = text.substring(heading.end(), next < 0 ? text.length() : next);
            boolean namesAMetric = metrics(rule.path("expr").asText()).stream()
                    .anyMatch(m -> paragraph.contains(base(m)));
            if (!namesAMetric) {
                out.add("the runbook paragraph of " + name + " names none of its metrics " + metrics(rule.path("expr").asText()));
            }
        }
        return out;
    }

    /**
     * The metric names a PromQL expression reads: identifiers that are neither functions, aggregations, keywords,
     * label names (in {@code {…}} matchers or {@code by/on/…} lists), durations nor quoted strings.
     *
     * @param expr a PromQL expression
     * @return the metric names in order of first use
     */
    static Set<String> metrics(String expr) {
        String s = QUOTED.matcher(expr).replaceAll(" ");
        s = BRACES.matcher(s).replaceAll(" ");
        s = RANGES.matcher(s).replaceAll(" ");
        s = GROUPING.matcher(s).replaceAll(" ");
        Set<String> out = new LinkedHashSet<>();
        Matcher m = IDENTIFIER.matcher(s);
        while (m.find()) {
            String word = m.group().replaceAll("\\s*\\($", "");
            boolean function = m.group(1) != null;
            if (!function && !KEYWORDS.contains(word)) {
                out.add(word);
            }
        }
        return out;
    }

    /**
     * Every metric an expression names is one the suite declares: a {@code crosstenant_*} name must come from a meter
     * name in the services' main sources (Micrometer's {@code crosstenant.a.b} → {@code crosstenant_a_b}, plus the
     * suffixes its Prometheus registry adds: {@code _total}, {@code _seconds}, {@code _bucket}, {@code _count},
     * {@code _sum}, {@code _max}); a {@code kafka_*} or {@code http_*} name needs Quarkus' Kafka client or HTTP server
     * binder switched on in a service's application.properties. The real names are checked against a scrape by the
     * end-to-end walk (deploy/e2e CrossTenantWalkIT).
     *
     * @param rules           the file's tree
     * @param declaredMeters  Micrometer meter names found in the sources ({@link #declaredMeters})
     * @param binderSettings  the services' application.properties texts
     * @return violations
     */
    static List<String> metricsDeclared(JsonNode rules, Set<String> declaredMeters, List<String> binderSettings) {
        Set<String> bases = new HashSet<>();
        for (String meter : declaredMeters) {
            String b = meter.replace('.', '_').replace('-', '_');
            bases.add(b);
            if (b.endsWith("_seconds")) {
                bases.add(b.substring(0, b.length() - "_seconds".length()));
            }
        }
        boolean kafkaBinder = binderSettings.stream().anyMatch(p -> p.contains("\nquarkus.micrometer.binder.kafka.enabled=true"));
        boolean httpBinder = binderSettings.stream().anyMatch(p -> p.contains("\nquarkus.micrometer.binder.http-server.enabled=true"));
        List<String> out = new ArrayList<>();
        for (JsonNode rule : alerts(rules)) {
            String name = rule.path("alert").asText();
            for (String metric : metrics(rule.path("expr").asText())) {
                if (METRIC_PREFIXES.stream().noneMatch(metric::startsWith)) {
                    out.add("alert " + name + " reads " + metric + ", which is not a metric of the suite (" + METRIC_PREFIXES + ")");
                } else if (metric.startsWith("crosstenant_") && !bases.contains(base(metric))) {
                    out.add("alert " + name + " reads " + metric + ", but no service declares a meter of that name");
                } else if (metric.startsWith("kafka_") && (!kafkaBinder || !metric.startsWith("kafka_consumer_"))) {
                    out.add("alert " + name + " reads " + metric + ", but no service exposes Kafka consumer metrics of that name");
                } else if (metric.startsWith("http_") && (!httpBinder || !metric.startsWith("http_server_requests_seconds"))) {
                    out.add("alert " + name + " reads " + metric + ", but no service exposes HTTP server metrics of that name");
                }
            }
        }
        return out;
    }

    /**
     * @param metric a Prometheus metric name
     * @return the name without the suffix Micrometer's Prometheus registry adds ({@code _total}, {@code _seconds_count}, …)
     */
    static String base(String metric) {
        for (String suffix : SUFFIXES) {
            if (metric.endsWith(suffix)) {
                return metric.substring(0, metric.length() - suffix.length());
            }
        }
        return metric;
    }

    /**
     * The Micrometer meter names of the suite: every string literal {@code "crosstenant.<a>.<b>…"} in the main Java
     * sources of the given modules (configuration prefixes of that form are found too; they only make the check more
     * lenient, never stricter).
     *
     * @param modules module directories (each with {@code src/main/java})
     * @return the names, dotted
     */
    static Set<String> declaredMeters(List<Path> modules) {
        Set<String> out = new HashSet<>();
        for (Path module : modules) {
            Path sources = module.resolve("src/main/java");
            if (!Files.isDirectory(sources)) {
                throw new IllegalArgumentException("no sources in " + sources);
            }
            try (Stream<Path> files = Files.walk(sources)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    Matcher m = METER_LITERAL.matcher(Files.readString(file));
                    while (m.find()) {
                        out.add(m.group(1));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }
}
