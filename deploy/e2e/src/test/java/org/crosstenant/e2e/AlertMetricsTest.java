package org.crosstenant.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;

import org.junit.jupiter.api.Test;

/** The name extraction the walk's scrape check relies on, fed a rules file and a scrape it must find fault with. */
class AlertMetricsTest {

    private static final String RULES = """
            # a comment naming crosstenant_ignored_total is not a rule
            groups:
              - name: g
                rules:
                  - alert: CrosstenantA
                    expr: >-
                      sum by (job, client_id) (max by (instance, partition)
                      (kafka_consumer_fetch_manager_records_lag{client_id=~"kafka-consumer-(policy|invitation)-events"})) > 1000
                    annotations:
                      summary: "{{ $labels.client_id }} behind"
                      runbook_url: docs/operations.md#crosstenanta
                  - alert: CrosstenantB
                    expr: increase(crosstenant_outbox_parked_rowz[15m]) > 0 or crosstenant_consumer_stuck_total > 0
            """;

    private static final String SCRAPE = """
            # HELP crosstenant_outbox_parked_rows rows
            # TYPE crosstenant_outbox_parked_rows gauge
            crosstenant_outbox_parked_rows{service="policy"} 0.0
            kafka_consumer_fetch_manager_records_lag{client_id="kafka-consumer-policy-events",partition="0"} 0.0
            http_server_requests_seconds_count{uri="/api/*"} 3.0
            """;

    @Test
    void theRulesNamesAreReadWithoutCommentsLabelsOrAnchors() {
        assertEquals(Set.of("kafka_consumer_fetch_manager_records_lag", "crosstenant_outbox_parked_rowz",
                "crosstenant_consumer_stuck_total"), AlertMetrics.used(RULES));
    }

    @Test
    void aNameNoServiceExposesIsMissingButACounterRegisteredAtItsFirstEventIsNot() {
        assertEquals(Set.of("crosstenant_outbox_parked_rows", "kafka_consumer_fetch_manager_records_lag",
                "http_server_requests_seconds_count"), AlertMetrics.exposed(SCRAPE));
        assertEquals(Set.of("crosstenant_outbox_parked_rowz"),
                AlertMetrics.missing(AlertMetrics.used(RULES), AlertMetrics.exposed(SCRAPE)));
    }
}
